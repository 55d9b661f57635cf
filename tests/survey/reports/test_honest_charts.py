"""Issue 17 items 3 and 4 on the served pages: the trend's table shows each wave's CI, change,
test and p (the run's stored change test where there is one); cards, figures and tables say the
scale; the Chinese dashboard and report carry no English settings or validity names; a failed
run's reason is stored as a code and shown in the reader's language.
"""
from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from sqlalchemy import select

from models import AnalysisRun, Questionnaire, QuestionnaireVersion
from survey.db import get_session
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run, stored_failure
from survey.services.demo import seed_demo
from support import seed_two_waves

HOLM_P = 0.0123


@pytest.fixture
def waves(app: Flask) -> tuple[int, int]:
    """The demo ACSI run and a later wave of the same questionnaire whose satisfaction is 5 points
    lower (with a bootstrap CI), stored with a permutation change test against the demo run (Holm
    p 0.0123, "down")."""
    return seed_two_waves(app, holm_p=HOLM_P)


def _trend_table(page: str, metric: str) -> str:
    return page.split(f'data-metric="{metric}"')[1].split("</table>")[0]


def test_the_trend_table_shows_ci_change_test_and_p_of_each_wave(client, login_as, waves) -> None:
    first, later = waves
    login_as("viewer")
    for lang, test_name, decrease, scale in (("en", "permutation test", "Significant decrease", "index 0–100"),
                                              ("zh_CN", "置换检验", "显著下降", "指数 0–100")):
        page = client.get(f"/reports/runs/{later}/dashboard?lang={lang}").get_data(as_text=True)
        table = _trend_table(page, "satisfaction")
        rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)
        assert len(rows) == 2 and f"#{first} ·" in rows[0] and f"#{later} ·" in rows[1]
        assert rows[1].count("[") == 1  # the wave's 95% CI
        assert "-5.0" in rows[1] and test_name in rows[1] and f"{HOLM_P:.3f}" in rows[1] and decrease in rows[1]
        assert scale in table.split("</caption>")[0]
        # The trend figure marks the same point: a downward triangle on the second wave.
        spec = json.loads(page.split('id="report-trend-data">')[1].split("</script>")[0])
        satisfaction = next(t for t in spec["data"] if t["marker"]["symbol"][-1] != "circle")
        assert satisfaction["marker"]["symbol"] == ["circle", "triangle-down"]
        # The card of the wave says the same (one change, one test).
        card = page.split('class="card card-satisfaction')[1].split("</li>")[0]
        assert scale in card and test_name in card and f"{HOLM_P:.3f}" in card
    # The standalone report (and so the PDF) shows the same row.
    for lang, test_name in (("en", "permutation test"), ("zh_CN", "置换检验")):
        report = client.get(f"/reports/runs/{later}/report.html?lang={lang}").get_data(as_text=True)
        row = re.findall(r"<tr>(.*?)</tr>", _trend_table(report, "satisfaction").split("<tbody>")[1], flags=re.S)[1]
        assert "-5.0" in row and test_name in row and f"{HOLM_P:.3f}" in row and "▼" in row


def test_no_english_settings_or_validity_names_on_the_chinese_pages(client, login_as, waves) -> None:
    _first, later = waves
    login_as("viewer")
    chinese = client.get(f"/reports/runs/{later}/dashboard?lang=zh_CN").get_data(as_text=True)
    english = client.get(f"/reports/runs/{later}/dashboard?lang=en").get_data(as_text=True)
    report = client.get(f"/reports/runs/{later}/report.html?lang=zh_CN").get_data(as_text=True)
    for page in (chinese, report):
        settings = page.split("所用设置")[-1]
        assert "PLS，随机种子 7" in settings and "seed" not in settings
        assert "载荷 ≥ 0.708" in settings and "reach satisfied" not in settings
        assert "cronbach_alpha" not in page and "Cronbach α 系数" in page
        assert "组合信度 ρC" in page and "&gt;=" not in page.split("模型效度")[-1]
    assert "PLS, seed 7" in english and "cronbach_alpha" not in english and "Composite reliability ρC" in english
    # Every index card and segment heading names its scale, in the page's language.
    for page, scale in ((english, "index 0–100"), (chinese, "指数 0–100")):
        cards = re.findall(r'<li class="card card-(\w+)".*?<p class="card-scale">(.*?)</p>', page, flags=re.S)
        assert cards and all(text for _key, text in cards) and dict(cards)["satisfaction"] == scale


def test_a_failed_run_stores_a_code_and_is_shown_in_the_readers_language(app, client, login_as) -> None:
    with app.app_context():
        session = get_session()
        seed_demo(session)
        session.commit()
        version = session.scalar(select(QuestionnaireVersion.id).join(Questionnaire)
                                 .where(Questionnaire.title_en.contains("ACSI")))
        from datetime import UTC, datetime
        run = create_run(session, AnalysisParameters(version_ids=(version,), submitted_from=datetime(2001, 1, 1, tzinfo=UTC),
                                                     submitted_to=datetime(2001, 2, 1, tzinfo=UTC)))
        session.commit()
        execute_run(session, run.id)
        stored = session.get(AnalysisRun, run.id)
        assert stored.status == "failed" and stored.parameters["failure"] == {"code": "no_responses", "params": {}}
        assert stored_failure(stored).code == "no_responses"
        assert AnalysisParameters.from_dict(stored.parameters).version_ids == (version,)  # still readable
        # The page translates the code, not the text: a reworded English text changes nothing.
        stored.error = "(reworded) nothing matched"
        # An old run: only the English text the pipeline used to store, no code.
        old = AnalysisRun(status="failed", questionnaire_id=stored.questionnaire_id, parameters=AnalysisParameters(version_ids=(version,)).to_dict(),
                          error="the ACSI model needs the items satisfaction_1, which no question of this "
                                "questionnaire is bound to")
        estimator = AnalysisRun(status="failed", questionnaire_id=stored.questionnaire_id,
                                parameters=AnalysisParameters(version_ids=(version,)).to_dict(), error="singular matrix in block 'quality'")
        session.add_all([old, estimator])
        session.commit()
        ids = (run.id, old.id, estimator.id)
    login_as("analyst")
    # The old run's English is shown as it was stored, in both languages: it is not parsed back.
    legacy = "the ACSI model needs the items satisfaction_1, which no question of this questionnaire is bound to"
    expected = {"zh_CN": "所选版本和时间段内没有完整的答卷。",
                "en": "No complete responses match the chosen versions and period."}
    for lang, coded in expected.items():
        detail = client.get(f"/reports/runs/{ids[0]}?lang={lang}").get_data(as_text=True)
        assert coded in detail and "(reworded)" not in detail
        assert legacy in client.get(f"/reports/runs/{ids[1]}?lang={lang}").get_data(as_text=True)
        assert "singular matrix in block &#39;quality&#39;" in client.get(f"/reports/runs/{ids[2]}?lang={lang}").get_data(as_text=True)
        listing = client.get(f"/reports/runs?lang={lang}").get_data(as_text=True)
        assert coded in listing and legacy in listing and "(reworded)" not in listing


def test_coded_failures_with_parameters_and_internal_errors_are_translated(app) -> None:
    from flask_babel import force_locale

    from survey.reports.views import failure_text
    from survey.services.analysis_runs import Failure

    missing = Failure("missing_items", {"model": "ACSI", "items": ["satisfaction_1", "quality_2"]})
    with app.test_request_context(), force_locale("zh_CN"):
        assert failure_text("anything", missing) == "ACSI 模型需要题项 satisfaction_1, quality_2，但本问卷没有题目绑定到这些题项。"
        assert failure_text(None, Failure("internal_error", {})) == "分析因内部错误而停止，错误已记录。"
        assert failure_text("x", Failure("results_not_stored", {"detail": "value too long"})) == "结果无法保存：value too long"
        assert failure_text("as stored", Failure("some_future_code", {})) == "as stored"  # unknown code: the text
    with app.test_request_context(), force_locale("en"):
        assert failure_text(None, Failure("internal_error", {})).startswith("The analysis stopped because of an internal")


def test_every_dashboard_figure_has_its_numbers_in_a_table(app, client, login_as, waves) -> None:
    """Each figure of the demo dashboards (model, complaints and NPS, Kano) is followed by the
    "Show the numbers as a table" disclosure; the Kano categories' shares are columns of the
    Kano table beside them."""
    with app.app_context():
        runs = get_session().scalars(select(AnalysisRun.id).where(AnalysisRun.status == "succeeded")).all()
    login_as("viewer")
    seen = set()
    for run_id in runs:
        for lang, disclosure in (("en", "Show the numbers as a table"), ("zh_CN", "以表格显示数据")):
            page = client.get(f"/reports/runs/{run_id}/dashboard?lang={lang}").get_data(as_text=True)
            for name, rest in re.findall(r'data-figure="report-([\w-]+)-data"(.*?)(?=data-figure=|$)', page, flags=re.S):
                seen.add(name)
                if name == "kano-categories":  # drawn above the Better–Worse chart, whose table has the shares
                    kano = page.split('data-figure="report-kano-better-worse-data"')[1].split("</details>")[0]
                    header = kano.split("<thead>")[1].split("</thead>")[0]
                    categories = ("Attractive", "Must-be", "Questionable") if lang == "en" else ("魅力属性", "必备属性", "可疑结果")
                    assert all(c in header for c in categories), header
                    continue
                table = rest.split("</details>")[0]
                assert f'<details class="figure-data"><summary>{disclosure}</summary>' in table, (run_id, name)
                assert "<table" in table and "<caption>" in table, (run_id, name)
    assert {"trend", "ipma", "path", "segments-satisfaction", "segments-nps", "kano-better-worse",
            "kano-categories", "complaints"} <= seen


def test_the_run_comparison_names_each_index_scale(client, login_as, waves) -> None:
    first, later = waves
    login_as("analyst")
    for lang, scale in (("en", "index 0–100"), ("zh_CN", "指数 0–100")):
        page = client.get(f"/reports/runs/compare?a={first}&b={later}&lang={lang}").get_data(as_text=True)
        row = page.split("<tbody>")[1].split("</tr>")[0]
        assert f'<span class="scale">({scale})</span>' in row and "-5.0" in row
