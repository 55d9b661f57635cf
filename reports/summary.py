"""The executive summary of a report: short claims generated from the stored results, each
backed by the test (or interval) that licenses it, as codes with parameters translated when shown.

:func:`executive_summary` (pure) turns a :class:`~reports.view_model.ReportView` into
:class:`Claim` s — per measured index: its value with scale and meaning, CI and n (``index``);
its change against the previous comparable run with the test used (``change_up`` / ``_down`` /
``_none`` / ``_untested``); the segments significantly above or below the rest (stored
segment-against-rest tests, Holm-adjusted; a comparison MICOM flags as not comparable is left
out) — and, for the model, the drivers to improve first (IPMA): importance is the unstandardised
total effect, the points the target construct gains when the driver gains one, so the gain
from raising a driver to 100 is importance × (100 − performance); the largest gains come first,
among drivers whose effect is positive and, when the run bootstrapped, whose path interval
excludes zero.
:func:`render_claim` writes a claim in zh_CN or en (:mod:`reports.labels`-style table, so the
standalone report and the PDF use it without Flask).

Nothing is claimed that the results do not hold: an index with no interval says so, a change
that was not tested says why, a segment is "above the rest" only when its stored test's Holm p
is below the run's alpha.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from reports.labels import check_locale, construct_label, labels, segment_label
from reports.view_types import IndexCard, IpmaPoint, ReportView, SegmentComparison

__all__ = ["Claim", "executive_summary", "render_claim", "render_summary"]

#: How many segments a sentence names (the strongest first); the rest are counted.
MAX_NAMED = 3


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence of the summary: ``code`` (a key of the sentence table) and its parameters
    (numbers, metric keys, segment labels), and the test behind it (``evidence``)."""

    code: str
    params: Mapping[str, Any]
    evidence: str  # "ci", "no_ci", a stored test name ("permutation", "nps_z", "two_proportion_z", ...),
    #                "z_se", "bootstrap_ci", "no_bootstrap", "none"


_SENTENCES: Mapping[str, tuple[str, str]] = MappingProxyType({  # code: (en, zh_CN)
    "index": ("{metric} is {value} ({scale}; 95% CI {low} to {high}, n = {n}).",
              "{metric}为 {value}（{scale}；95% 置信区间 {low} 至 {high}，n = {n}）。"),
    "index_no_ci": ("{metric} is {value} ({scale}; n = {n}; no confidence interval: the run had no bootstrap).",
                    "{metric}为 {value}（{scale}；n = {n}；无置信区间：本次运行未做自助抽样）。"),
    "index_unreliable": ("Read {metric} with care: its base or precision is below the reporting rule.",
                         "{metric}需谨慎解读：样本量或精度低于报告规则。"),
    "index_inadmissible": ("The model fit behind {metric} is inadmissible; the index is not reliable.",
                           "{metric}所依据的模型拟合不可接受，该指数不可靠。"),
    "change_up": ("It rose by {change} since the previous comparable run ({test}{p}).",
                  "较上一次可比运行上升 {change}（{test}{p}）。"),
    "change_down": ("It fell by {change} since the previous comparable run ({test}{p}).",
                    "较上一次可比运行下降 {change}（{test}{p}）。"),
    "change_none": ("No significant change since the previous comparable run ({change}; {test}{p}).",
                    "较上一次可比运行无显著变化（{change}；{test}{p}）。"),
    "change_untested": ("The change since the previous comparable run ({change}) could not be tested: {reason}.",
                        "较上一次可比运行的变化（{change}）无法检验：{reason}。"),
    "segments_higher": ("{metric} is significantly above the rest in {segments}.",
                        "{metric}显著高于其余样本的细分群体：{segments}。"),
    "segments_lower": ("{metric} is significantly below the rest in {segments}.",
                       "{metric}显著低于其余样本的细分群体：{segments}。"),
    "segments_none": ("No segment differs significantly from the rest on {metric} ({tested} tested, Holm-adjusted).",
                      "{metric}方面没有细分群体与其余样本存在显著差异（检验 {tested} 个，经 Holm 校正）。"),
    "drivers_priority": ("Improve first: {drivers}. Importance is the points {target} gains when the driver "
                         "gains one; the largest possible gain (importance × (100 − performance)) comes first.",
                         "优先改进：{drivers}。重要性表示该驱动因素每提高 1 分，{target}提高的分数；"
                         "按可能的最大增益（重要性 ×（100 − 绩效））排序。"),
    "drivers_none": ("No driver of {target} has a positive effect that the run could confirm.",
                     "{target}的驱动因素中，没有经本次运行证实的正向影响。"),
})

#: What an index's scale means, where its scale label (reports.labels "scale_<metric>") does not say.
_MEANINGS: Mapping[str, tuple[str, str]] = MappingProxyType({  # card key: (en, zh_CN)
    "nps": ("promoters minus detractors", "推荐者减贬损者"),
    "word_of_mouth": ("TARP-calibrated", "TARP 校准"),
})

_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "points": ("{x} points", "{x} 分"),
    "p": (", Holm p {x}", "，Holm 校正 p {x}"),
    "overlap": ("the two runs share respondents", "两次运行包含相同的受访者"),
    "not_comparable": ("the index is measured differently in the two runs (MICOM)", "两次运行的测量方式不同（MICOM）"),
    "no_test": ("no test was possible", "无法进行检验"),
    "segment_item": ("{segment} ({difference}, p {p})", "{segment}（{difference}，p {p}）"),
    "and_more": ("{named} and {more} more", "{named}等 {more} 个"),
    "driver_item": ("{driver} (importance {importance}, performance {performance}{interval})",
                    "{driver}（重要性 {importance}，绩效 {performance}{interval}）"),
    "path_ci": ("; path 95% CI {low} to {high}", "；路径 95% 置信区间 {low} 至 {high}"),
    "separator": (", ", "、"),
})

_TEST_NAMES = {"permutation": "change_test_permutation", "nps_z": "change_test_nps_z",
               "two_proportion_z": "change_test_two_proportion_z", "welch_t": "change_test_welch_t",
               "z_se": "change_test_z_se"}


def _card_claims(card: IndexCard) -> list[Claim]:
    e = card.estimate
    if e.value is None:
        return []
    base = {"metric": card.key, "value": e.value, "low": e.ci_low, "high": e.ci_high, "n": e.n}
    claims = [Claim("index", base, "ci") if e.ci_low is not None and e.ci_high is not None
              else Claim("index_no_ci", base, "no_ci")]
    if "inadmissible_fit" in e.flags:
        claims.append(Claim("index_inadmissible", {"metric": card.key}, "none"))
    elif e.reliability == "unreliable":
        claims.append(Claim("index_unreliable", {"metric": card.key}, "none"))
    if card.change is None:
        return claims
    change = {"metric": card.key, "change": card.change, "p": card.change_p, "test": card.change_test}
    if "change_overlap" in card.notes or "change_not_comparable" in card.notes or card.significance == "unknown":
        reason = ("overlap" if "change_overlap" in card.notes
                  else "not_comparable" if "change_not_comparable" in card.notes else "no_test")
        claims.append(Claim("change_untested", {**change, "reason": reason}, "none"))
    else:
        code = {"up": "change_up", "down": "change_down"}.get(card.significance, "change_none")
        claims.append(Claim(code, change, card.change_test or "none"))
    return claims


def _segment_claims(comparison: SegmentComparison, alpha: float) -> list[Claim]:
    tested = [r for r in comparison.rows if r.test is not None and r.test.comparable
              and r.test.p_value_holm is not None and r.test.difference is not None]
    if not tested:
        return []
    claims = []
    for direction, code in (("higher", "segments_higher"), ("lower", "segments_lower")):
        rows = sorted((r for r in tested if r.test.mark == direction and r.test.p_value_holm < alpha),
                      key=lambda r: (r.test.p_value_holm, -abs(r.test.difference)))
        if rows:
            claims.append(Claim(code, {"metric": comparison.metric, "segments": tuple(
                (r.segment, r.value_names, r.test.difference, r.test.p_value_holm) for r in rows)}, rows[0].test.test))
    if not claims:
        claims.append(Claim("segments_none", {"metric": comparison.metric, "tested": len(tested)}, tested[0].test.test))
    return claims


#: How many drivers the summary names.
MAX_DRIVERS = 2


def _driver_claims(view: ReportView) -> list[Claim]:
    points: Sequence[IpmaPoint] = view.ipma
    if not points:
        return []
    edges = {(e.source, e.target): e for e in (view.path.edges if view.path else ())}
    drivers = []
    for p in sorted(points, key=lambda p: -p.importance * (100 - p.performance)):
        edge = edges.get((p.construct, view.ipma_target))
        interval = (edge.ci_low, edge.ci_high) if edge and edge.ci_low is not None and edge.ci_high is not None else None
        if p.importance <= 0 or (interval is not None and interval[0] <= 0 <= interval[1]):
            continue  # no gain to build on, or an effect the bootstrap cannot tell from zero
        drivers.append((p.construct, p.importance, p.performance, interval))
    if not drivers:
        return [Claim("drivers_none", {"target": view.ipma_target}, "none")]
    drivers = drivers[:MAX_DRIVERS]
    evidence = "bootstrap_ci" if all(d[3] is not None for d in drivers) else "no_bootstrap"
    return [Claim("drivers_priority", {"target": view.ipma_target, "drivers": tuple(drivers)}, evidence)]


def executive_summary(view: ReportView, *, alpha: float = 0.05) -> tuple[Claim, ...]:
    """Every claim of the summary of ``view``, in reading order: each measured index (with its
    change), then the segments above or below the rest per index, then the drivers."""
    claims: list[Claim] = []
    for card in view.cards:
        claims += _card_claims(card)
    for comparison in view.segments:
        claims += _segment_claims(comparison, alpha)
    claims += _driver_claims(view)
    return tuple(claims)


def _number(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def _p(value: float | None) -> str:
    """"= 0.012" or "< 0.001"."""
    return "< 0.001" if value is not None and value < 0.001 else f"= {_number(value, 3)}"


def render_claim(claim: Claim, locale: str) -> str:
    """The sentence of ``claim`` in ``locale`` ("zh_CN" or "en")."""
    index = 1 if check_locale(locale) == "zh_CN" else 0
    words = {key: pair[index] for key, pair in _WORDS.items()}
    text = labels(locale)
    params = dict(claim.params)
    metric = params.get("metric")
    values: dict[str, Any] = {}
    if metric is not None:
        values["metric"] = text[f"card_{metric}"]
        meaning = _MEANINGS.get(metric)
        values["scale"] = text[f"scale_{metric}"] + ("" if meaning is None else ("，" if index else ", ") + meaning[index])
    if claim.code in ("index", "index_no_ci"):
        values.update(value=_number(params["value"]), low=_number(params["low"]), high=_number(params["high"]),
                      n=f"{params['n']:,}" if params["n"] is not None else "—")
    elif claim.code.startswith("change_"):
        moved = claim.code in ("change_up", "change_down")  # the verb carries the sign
        values["change"] = words["points"].format(
            x=_number(abs(params["change"])) if moved else _number(params["change"], signed=True))
        values["test"] = text.get(_TEST_NAMES.get(params.get("test") or "", ""), "")
        values["p"] = words["p"].format(x=_p(params["p"])) if params.get("p") is not None else ""
        if claim.code == "change_untested":
            values["reason"] = words[params["reason"]]
    elif claim.code in ("segments_higher", "segments_lower"):
        items = [words["segment_item"].format(segment=segment_label(label, locale, names),
                                              difference=_number(difference, signed=True), p=_p(p))
                 for label, names, difference, p in params["segments"]]
        named = words["separator"].join(items[:MAX_NAMED])
        values["segments"] = (named if len(items) <= MAX_NAMED
                              else words["and_more"].format(named=named, more=len(items) - MAX_NAMED))
    elif claim.code == "segments_none":
        values["tested"] = params["tested"]
    elif claim.code.startswith("drivers_"):
        values["target"] = construct_label(params["target"], locale)
        values["drivers"] = words["separator"].join(
            words["driver_item"].format(
                driver=construct_label(name, locale), importance=_number(importance, 2),
                performance=_number(performance),
                interval="" if interval is None else words["path_ci"].format(low=_number(interval[0], 2),
                                                                           high=_number(interval[1], 2)))
            for name, importance, performance, interval in params.get("drivers", ()))
    return _SENTENCES[claim.code][index].format(**values)


def render_summary(view: ReportView, locale: str) -> tuple[str, ...]:
    """The summary's sentences in ``locale``."""
    return tuple(render_claim(claim, locale) for claim in executive_summary(view))
