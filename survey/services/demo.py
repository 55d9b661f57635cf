"""The demo data ``make run`` seeds: ACSI, complaint follow-up and Kano questionnaires, published,
with about 5,000 synthetic responses across customer segments that really differ.

ACSI answers come from :func:`acsi.synthetic.simulate_acsi` (a known structural model, shifted per
segment), so the analysis finds real structure. Inserted in bulk; idempotent by title.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from acsi.synthetic import simulate_acsi
from models import Questionnaire, Response
from survey.questionnaire.document import Texts, replace
from survey.questionnaire.templates import acsi_standard, complaint_followup, kano_battery
from survey.services.questionnaires import create_questionnaire, publish

DEMO_TITLE_EN = "Demo · "
REGIONS = ("north", "south", "east", "west")
TIERS = ("gold", "silver", "bronze")
# Segment levels in latent standard deviations: the south region and gold tier are happier.
REGION_SHIFT = {"north": 0.0, "south": 0.35, "east": -0.25, "west": 0.1}
TIER_SHIFT = {"gold": 0.3, "silver": 0.0, "bronze": -0.3}
KANO_ATTRIBUTES = (
    (Texts("一键下单", "One-click ordering"), (0.45, 0.25, 0.10, 0.15)),
    (Texts("订单实时追踪", "Real-time order tracking"), (0.20, 0.45, 0.20, 0.10)),
    (Texts("包装完好无损", "Undamaged packaging"), (0.05, 0.20, 0.65, 0.07)),
    (Texts("7×24 小时在线客服", "24/7 online customer service"), (0.25, 0.30, 0.25, 0.15)),
    (Texts("会员积分", "Loyalty points"), (0.20, 0.10, 0.05, 0.60)),
)
# (functional, dysfunctional) answer pairs that produce A, O, M, I.
KANO_PAIRS = {"A": ("like", "neutral"), "O": ("like", "dislike"), "M": ("neutral", "dislike"), "I": ("neutral", "neutral")}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    questionnaires: int
    responses: int


def _demo(document, title_en: str, title_zh: str):
    return replace(document, title=Texts(f"演示 · {title_zh}", f"{DEMO_TITLE_EN}{title_en}"))


def _segments(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    regions = rng.choice(REGIONS, size=n, p=(0.3, 0.25, 0.25, 0.2))
    tiers = rng.choice(TIERS, size=n, p=(0.2, 0.45, 0.35))
    stages = rng.choice(("new", "growing", "stable", "declining"), size=n, p=(0.2, 0.3, 0.4, 0.1))
    value = rng.gamma(2.0, 500.0, size=n).round(0)
    growth = rng.uniform(0, 1, size=n).round(2)
    return [{"region": str(r), "tier": str(t), "lifecycle_stage": str(s), "current_value": float(v),
             "growth_potential": float(g)} for r, t, s, v, g in zip(regions, tiers, stages, value, growth)]


def _acsi_answers(rng: np.random.Generator, segments: list[dict[str, str]]) -> Iterator[dict]:
    for region in REGIONS:
        for tier in TIERS:
            members = [i for i, s in enumerate(segments) if s["region"] == region and s["tier"] == tier]
            if not members:
                continue
            shift = REGION_SHIFT[region] + TIER_SHIFT[tier]
            data = simulate_acsi(len(members), seed=rng, discretize=(1, 10), binary_items={"COMP": 0.15},
                                 latent_shift={"expectation": shift / 2, "quality": shift, "satisfaction": shift / 2}).frame
            for index, row in zip(members, data.to_dict("records")):
                answers = {code.lower(): int(value) for code, value in row.items() if code != "COMP"}
                complained = bool(row["COMP"])
                answers["comp"] = "yes" if complained else "no"
                if complained:
                    answers["handle"] = int(np.clip(round(rng.normal(6.0 + shift * 2, 2.0)), 1, 10))
                if answers["repur"] >= 6:
                    answers["highptol"] = int(rng.integers(0, 30))
                else:
                    answers["lowptol"] = int(rng.integers(5, 50))
                yield index, answers


def _complaint_answers(rng: np.random.Generator, segment: dict[str, str]) -> dict:
    quality = REGION_SHIFT[segment["region"]] + TIER_SHIFT[segment["tier"]] + rng.normal(0, 1)
    status = "fully" if quality > -0.2 else ("partly" if quality > -1.0 else "not")
    satisfaction = int(np.clip(round(3 + quality * 1.2 + rng.normal(0, 0.6)), 1, 5))
    told = int(rng.poisson(4.5 if satisfaction == 5 else 9.5))
    answers = {
        "resolution_status": status,
        "handle": int(np.clip(round(6 + quality * 2 + rng.normal(0, 1)), 1, 10)),
        "resolution_satisfaction": satisfaction,
        "repurchase": int(np.clip(round(6 + quality * 2 + rng.normal(0, 1.5)), 1, 10)),
        "purchase_change": "more" if satisfaction == 5 else ("same" if satisfaction >= 3 else rng.choice(["less", "stop"]).item()),
        "people_told": told,
        "nps": int(np.clip(round(7 + quality * 2 + rng.normal(0, 1.5)), 0, 10)),
        "justice": None,
    }
    answers.pop("justice")
    for row in ("justice_outcome", "justice_speed", "justice_ease", "justice_courtesy", "justice_explanation"):
        answers[row] = int(np.clip(round(3.5 + quality + rng.normal(0, 0.7)), 1, 5))
    if status != "not":
        answers["first_contact"] = "yes" if rng.random() < 0.55 else "no"
    if told > 0:
        answers["told_valence"] = "positive" if satisfaction >= 4 else ("mixed" if satisfaction == 3 else "negative")
    return answers


def _kano_answers(rng: np.random.Generator) -> dict:
    answers = {}
    for number, (_attribute, shares) in enumerate(KANO_ATTRIBUTES, start=1):
        noise = 1.0 - sum(shares)
        category = rng.choice(["A", "O", "M", "I", "noise"], p=(*shares, noise))
        if category == "noise":
            functional, dysfunctional = rng.choice(["like", "must_be", "neutral", "live_with", "dislike"], size=2)
        else:
            functional, dysfunctional = KANO_PAIRS[category]
        answers[f"kano_{number}_f"] = str(functional)
        answers[f"kano_{number}_d"] = str(dysfunctional)
        answers[f"kano_{number}_imp"] = int(rng.integers(3, 10))
    return answers


def _insert(session: Session, version_id: int, rows: list[tuple[dict, dict]], rng: np.random.Generator) -> int:
    now = datetime.now(UTC)
    payload = []
    for segment, answers in rows:
        submitted = now - timedelta(days=int(rng.integers(0, 180)), minutes=int(rng.integers(0, 1440)))
        payload.append({
            "version_id": version_id, "resume_token": secrets.token_urlsafe(16), "status": "complete",
            "channel": "import", "language": "zh_CN" if rng.random() < 0.7 else "en", "segment": segment,
            "answers": answers, "last_page": 0, "started_at": submitted - timedelta(minutes=6),
            "submitted_at": submitted,
        })
    session.execute(insert(Response), payload)
    return len(payload)


def seed_demo(session: Session, *, seed: int = 2026) -> DemoSummary | None:
    """Create the demo questionnaires with responses; None when they already exist."""
    exists = session.scalar(select(Questionnaire.id).where(Questionnaire.title_en.startswith(DEMO_TITLE_EN)).limit(1))
    if exists is not None:
        return None
    rng = np.random.default_rng(seed)
    total = 0
    acsi = publish(session, create_questionnaire(session, _demo(acsi_standard(), "Customer satisfaction (ACSI)", "顾客满意度（ACSI）")))
    segments = _segments(rng, 3000)
    total += _insert(session, acsi.id, [(segments[i], a) for i, a in sorted(_acsi_answers(rng, segments))], rng)
    complaint = publish(session, create_questionnaire(session, _demo(complaint_followup(), "Complaint follow-up", "投诉回访")))
    complaint_segments = _segments(rng, 800)
    total += _insert(session, complaint.id, [(s, _complaint_answers(rng, s)) for s in complaint_segments], rng)
    kano = publish(session, create_questionnaire(
        session, _demo(kano_battery([attribute for attribute, _ in KANO_ATTRIBUTES]), "Feature priorities (Kano)", "功能优先级（Kano）")))
    kano_segments = _segments(rng, 1200)
    total += _insert(session, kano.id, [(s, _kano_answers(rng)) for s in kano_segments], rng)
    session.flush()
    return DemoSummary(questionnaires=3, responses=total)


def seed_demo_analysis(session: Session, *, history: bool = False, bootstrap: int = 0) -> list[int]:
    """Run the analysis of each demo questionnaire (segments: region and tier) here and now, so
    the first visit finds completed runs; returns the run ids in creation order.

    ``history=True`` runs two waves: the responses older than 90 days, then those of the last
    90 days, so the dashboard shows a change against a previous run, tested (separate waves: no
    respondent in both); ``bootstrap`` resamples give the index cards confidence intervals
    (``make run`` uses both)."""
    from survey.services.analysis_pipeline import AnalysisParameters
    from survey.services.analysis_runs import create_run, execute_run

    run_ids = []
    cutoff = datetime.now(UTC) - timedelta(days=90)
    periods = ((None, cutoff), (cutoff, None)) if history else ((None, None),)
    demo = session.scalars(select(Questionnaire).where(Questionnaire.title_en.startswith(DEMO_TITLE_EN))
                           .order_by(Questionnaire.id)).all()
    for questionnaire in demo:
        version_ids = tuple(v.id for v in questionnaire.versions if v.state == "published")
        for submitted_from, submitted_to in periods:
            run = create_run(session, AnalysisParameters(
                version_ids=version_ids, segment_dimensions=("region", "tier"), bootstrap=bootstrap, seed=7,
                submitted_from=submitted_from, submitted_to=submitted_to))
            session.commit()
            execute_run(session, run.id)
            run_ids.append(run.id)
    return run_ids
