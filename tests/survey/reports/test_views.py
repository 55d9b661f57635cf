"""Analysis-run pages (analyst) and the dashboard (viewer, analyst), in both languages.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from models import AnalysisRun, Base, Questionnaire, QuestionnaireVersion
from survey.db import get_session
from survey.services.analysis_pipeline import AnalysisParameters
from survey.services.analysis_runs import create_run, execute_run
from survey.services.demo import seed_demo, seed_demo_analysis
from support import csrf_token

ROOT = Path(__file__).resolve().parents[3]








_DEMO_ROWS: dict[str, list[dict]] = {}


@pytest.fixture
def demo(app: Flask) -> list[int]:
    """The demo questionnaires, responses and one succeeded run each (ACSI, complaints, Kano).

    Seeded and analysed once per test session; later tests get the same rows copied back in bulk
    (the analysis takes seconds, the copy a fraction of one)."""
    engine = app.extensions["sqlalchemy_engine"]
    tables = [t for t in Base.metadata.sorted_tables if t.name != "users"]
    if not _DEMO_ROWS:
        with app.app_context():
            session = get_session()
            seed_demo(session)
            session.commit()
            seed_demo_analysis(session)
        with engine.connect() as connection:
            for table in tables:
                _DEMO_ROWS[table.name] = [dict(row._mapping) for row in connection.execute(table.select())]
    else:
        with engine.begin() as connection:
            for table in tables:
                if _DEMO_ROWS[table.name]:
                    connection.execute(table.insert(), _DEMO_ROWS[table.name])
                    if engine.dialect.name == "postgresql" and "id" in table.c:
                        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                                f"(SELECT max(id) FROM \"{table.name}\"))"))
    return sorted(row["id"] for row in _DEMO_ROWS["analysis_runs"])


def _questionnaire_id(app: Flask, title_fragment: str) -> int:
    with app.app_context():
        return get_session().scalar(select(Questionnaire.id).where(Questionnaire.title_en.contains(title_fragment)))


ANALYST_ONLY = ["/reports/runs", "/reports/runs/new", "/reports/runs/1", "/reports/runs/compare?a=1&b=1"]
VIEWER = ["/reports/", "/reports/runs/1/dashboard", "/reports/questionnaires/1/latest",
          "/reports/runs/1/report.html", "/reports/plotly.min.js"]


def _status(client, url: str) -> int:
    response = client.get(url)
    response.close()  # a streamed file (plotly.js) keeps its handle open otherwise
    return response.status_code


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    for url in ANALYST_ONLY + VIEWER:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    response = client.post("/reports/runs/1/cancel", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["viewer", "designer"])
def test_roles_without_analysis_rights_are_refused(client, login_as, demo, role: str) -> None:
    login_as(role)
    token = csrf_token(client, "/")
    for url in ANALYST_ONLY:
        assert client.get(url).status_code == 403, url
    assert client.post("/reports/runs/1/cancel", data={"csrf_token": token}).status_code == 403
    for url in VIEWER:
        assert _status(client, url) == (200 if role == "viewer" else 403), url


def test_viewer_sees_the_latest_dashboards_in_both_languages(app, client, login_as, demo) -> None:
    login_as("viewer")
    index = client.get("/reports/?lang=en").get_data(as_text=True)
    acsi = _questionnaire_id(app, "ACSI")
    assert f"/reports/questionnaires/{acsi}/latest" in index
    # The overview puts the five indices of the three demo questionnaires on one page.
    for key in ("satisfaction", "loyalty", "nps", "word_of_mouth", "complaint_handling"):
        assert index.count(f'class="card card-{key}') == 1, key
    assert index.count("Open the full dashboard") == 3
    english = client.get(f"/reports/questionnaires/{acsi}/latest?lang=en").get_data(as_text=True)
    chinese = client.get(f"/reports/questionnaires/{acsi}/latest?lang=zh_CN").get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="zh-CN">' in chinese
    assert "this address always shows the newest one" in english and "此地址始终显示最新结果" in chinese
    for heading in ("Key indices", "Segment comparison", "Trend across runs", "Importance–performance priority matrix",
                    "Path diagram", "Model validity", "Settings used"):
        assert heading in english, heading
    for heading in ("核心指数", "细分群体比较", "历次运行趋势", "路径图", "模型效度", "所用设置"):
        assert heading in chinese, heading
    # One plotly.js for the page, then one figure per section with data: trend, segments, path, IPMA.
    assert english.count("/reports/plotly.min.js") == 1 and english.count("data-figure=") == 4
    assert "Plotly.newPlot" not in english and "/static/js/figures.js" in english  # no inline script (CSP)
    assert "Region: South" in english and "Tier: Gold" in english
    assert "地区：南区" in chinese and "客户等级：金卡" in chinese
    assert "No confidence interval: the run had no bootstrap." in english
    assert "TARP" in english  # footnotes carry the word-of-mouth constants
    assert "Not measured in this run: Net Promoter Score, Word of mouth, Complaint handling." in english
    assert "Checks that failed" in english and "Show all" in english  # R² below 0.25 is flagged
    assert "本次运行未测量：净推荐值 (NPS), 口碑, 投诉处理。" in chinese
    assert "Run details" not in english  # analyst-only link


def test_every_demo_dashboard_renders_its_sections(client, login_as, demo) -> None:
    login_as("analyst")
    acsi_run, complaint_run, kano_run = demo
    complaints = client.get(f"/reports/runs/{complaint_run}/dashboard?lang=en").get_data(as_text=True)
    assert "Net Promoter Score" in complaints and "Will stop buying" in complaints
    # trend, segments (NPS, word of mouth, complaint handling), complaint panel
    assert complaints.count("data-figure=") == 5
    # each segment of each of the three tables carries its stored test against the rest
    cells = re.findall(r'<td class="segment-test">(.*?)</td>', complaints, flags=re.S)
    assert len(cells) >= 3 * 3 and len(cells) % 3 == 0 and not any("Not tested" in cell for cell in cells), cells
    assert all("Holm-adjusted" in cell or "not testable" in cell for cell in cells), cells
    kano = client.get(f"/reports/runs/{kano_run}/dashboard?lang=zh_CN").get_data(as_text=True)
    assert "Kano" in kano and "必备属性" in kano and kano.count("data-figure=") == 2
    assert "Run details" not in kano and "运行详情" in kano


def test_analyst_starts_a_run_that_finishes_and_is_compared(app, client, login_as, demo) -> None:
    login_as("analyst")
    acsi = _questionnaire_id(app, "ACSI")
    chooser = client.get("/reports/runs/new?lang=en").get_data(as_text=True)
    assert '<select id="questionnaire" name="questionnaire">' in chooser
    page = client.get(f"/reports/runs/new?questionnaire={acsi}&lang=en").get_data(as_text=True)
    for key in ("region", "tier", "lifecycle_stage"):
        assert f'value="{key}"' in page, key
    segments = page.split("<legend>Segment dimensions</legend>")[1].split("</fieldset>")[0]
    assert 'value="current_value"' not in segments  # a number, not a segment dimension
    assert "<legend>Segment dimensions</legend>" in page
    assert 'value="acsi"' in page and 'value="ecsi"' not in page  # only the model its items are bound to
    kano = client.get(f"/reports/runs/new?questionnaire={_questionnaire_id(app, 'Kano')}&lang=en").get_data(as_text=True)
    assert 'value="ecsi"' in kano and "this setting has no effect" in kano
    with app.app_context():
        version = get_session().scalar(select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == acsi))
    response = client.post(f"/reports/runs/new?questionnaire={acsi}", data={
        "csrf_token": csrf_token(client, f"/reports/runs/new?questionnaire={acsi}"), "versions": [version],
        "segments": ["region"], "model": "acsi", "method": "pls", "bootstrap": "50", "seed": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    detail = client.get(f"/reports/runs/{run_id}?lang=en").get_data(as_text=True)
    assert "Succeeded" in detail and f"/reports/runs/{run_id}/dashboard" in detail
    assert 'http-equiv="refresh"' not in detail and "Cancel this run" not in detail
    runs = client.get("/reports/runs?lang=zh_CN").get_data(as_text=True)
    assert runs.count("<progress") == 4 and "100% 已完成" in runs
    # The compare form offers every succeeded run once and preselects the two newest.
    assert runs.count(f'<option value="{run_id}"') == 1 and runs.count(f'<option selected value="{run_id}"') == 1
    assert runs.count(f'<option selected value="{demo[2]}"') == 1
    dashboard = client.get(f"/reports/runs/{run_id}/dashboard?lang=en").get_data(as_text=True)
    assert f"Changes are against run #{demo[0]}" in dashboard  # the earlier ACSI run, not the others
    satisfaction_card = dashboard.split('class="card card-satisfaction')[1].split("</li>")[0]
    assert re.search(r"<dd>\[\d+\.\d, \d+\.\d\]</dd>", satisfaction_card)  # bootstrap CI
    assert "No confidence interval" not in satisfaction_card and "<dd>3,000</dd>" in satisfaction_card
    compare = client.get(f"/reports/runs/compare?a={demo[0]}&b={run_id}&lang=en").get_data(as_text=True)
    assert "Compare runs" in compare and "ACSI satisfaction" in compare and "+0.0" in compare
    assert client.get(f"/reports/runs/compare?a={demo[1]}&b=999").status_code == 302


def test_new_run_form_errors_are_shown_next_to_the_fields(app, client, login_as, demo) -> None:
    login_as("analyst")
    acsi = _questionnaire_id(app, "ACSI")
    path = f"/reports/runs/new?questionnaire={acsi}&lang=en"
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "versions": [], "model": "acsi", "method": "pls",
                                       "bootstrap": "9000", "seed": "1", "submitted_from": "2026-05-01",
                                       "submitted_to": "2026-04-01"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose at least one version." in body and "Enter a number between 0 and 5000." in body
    assert client.post(path, data={"model": "acsi"}).status_code == 400  # no CSRF token: nothing created
    with app.app_context():
        assert get_session().scalar(select(AnalysisRun.id).where(AnalysisRun.id > 3)) is None


def test_a_failed_run_shows_a_readable_message(app, client, login_as, demo) -> None:
    login_as("analyst")
    acsi = _questionnaire_id(app, "ACSI")
    path = f"/reports/runs/new?questionnaire={acsi}"
    with app.app_context():
        version = get_session().scalar(select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == acsi))
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "versions": [version], "model": "acsi",
                                       "method": "pls", "bootstrap": "0", "seed": "1",
                                       "submitted_from": "2001-01-01", "submitted_to": "2001-02-01"})
    detail = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The run failed" in detail and 'role="alert"' in detail
    assert "No complete responses match the chosen versions and period." in detail
    chinese = client.get(response.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "所选版本和时间段内没有完整的答卷。" in chinese
    assert client.get(response.headers["Location"].replace("/runs/", "/runs/", 1) + "/dashboard").status_code == 404


def test_queued_run_refreshes_and_can_be_cancelled(app, client, login_as, demo) -> None:
    login_as("analyst")
    with app.app_context():
        session = get_session()
        run = create_run(session, AnalysisParameters(version_ids=(1,)))
        running = create_run(session, AnalysisParameters(version_ids=(1,), segment_dimensions=("region",)))
        running.status, running.progress, running.stage = "running", 0.4, "segment region=east"
        session.commit()
        queued_id, running_id = run.id, running.id
    detail = client.get(f"/reports/runs/{queued_id}?lang=en").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in detail and "Cancel this run" in detail and "0% done" in detail
    assert client.post(f"/reports/runs/{queued_id}/cancel").status_code == 400  # no CSRF token
    token = csrf_token(client, f"/reports/runs/{queued_id}")
    response = client.post(f"/reports/runs/{queued_id}/cancel?lang=en", data={"csrf_token": token})
    assert response.status_code == 302
    after = client.get(f"/reports/runs/{queued_id}?lang=en").get_data(as_text=True)
    assert "Cancelled" in after and 'http-equiv="refresh"' not in after and f"Run {queued_id} was cancelled." in after
    page = client.get(f"/reports/runs/{running_id}?lang=zh_CN").get_data(as_text=True)
    assert 'value="40"' in page and "40% 已完成" in page and "细分群体 地区：东区" in page
    client.post(f"/reports/runs/{running_id}/cancel", data={"csrf_token": token})
    with app.app_context():
        assert get_session().get(AnalysisRun, running_id).cancel_requested
    assert client.get("/reports/runs/999").status_code == 404


def test_exports_download_the_standalone_report(client, login_as, demo) -> None:
    login_as("viewer")
    dashboard = client.get(f"/reports/runs/{demo[0]}/dashboard?lang=en").get_data(as_text=True)
    assert f"/reports/runs/{demo[0]}/report.html?lang=en" in dashboard
    response = client.get(f"/reports/runs/{demo[0]}/report.html?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "attachment" in response.headers["Content-Disposition"]
    html = response.get_data(as_text=True)
    assert "<script src=" not in html and "Plotly.newPlot" in html  # works offline
    assert f'action="/reports/runs/{demo[0]}/report.pdf?lang=en"' in dashboard  # the PDF is a file job
    script = client.get("/reports/plotly.min.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript" and b"plotly" in script.data[:2000]
    script.close()
    assert client.get("/reports/runs/999/dashboard").status_code == 404
    assert client.get("/reports/questionnaires/999/latest").status_code == 404


def test_pages_are_accessible_markup(client, login_as, demo) -> None:
    """Tables have scoped headers, every input a label, progress a text equivalent."""
    login_as("analyst")
    for url in ["/reports/runs", f"/reports/runs/{demo[0]}/dashboard", "/reports/runs/new?questionnaire=1"]:
        html = client.get(url).get_data(as_text=True)
        assert '<th>' not in html, url
        for input_id in re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="(?:checkbox|radio|number|date)"', html):
            assert f'for="{input_id}"' in html, (url, input_id)
    runs = client.get("/reports/runs?lang=en").get_data(as_text=True)
    assert re.search(r'<progress[^>]*aria-describedby="progress-text-\d+"', runs)


def test_small_segments_are_suppressed_with_a_note(app, client, login_as, demo) -> None:
    """A run over the last few days has segments of a dozen answers: shown as suppressed."""
    login_as("viewer")
    with app.app_context():
        session = get_session()
        acsi = session.scalar(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == _questionnaire_id(app, "ACSI")))
        run = create_run(session, AnalysisParameters(
            version_ids=(acsi,), segment_dimensions=("region", "tier"),
            submitted_from=datetime.now(UTC) - timedelta(days=3)))
        session.commit()
        execute_run(session, run.id)
        assert session.get(AnalysisRun, run.id).status == "succeeded"
    english = client.get(f"/reports/runs/{run.id}/dashboard?lang=en").get_data(as_text=True)
    assert "Fewer than 30 answers: not shown." in english and 'class="flag flag-suppressed"' in english
    chinese = client.get(f"/reports/runs/{run.id}/dashboard?lang=zh_CN").get_data(as_text=True)
    assert "回答少于 30 份：不显示。" in chinese and "已隐藏" in chinese


def test_a_failure_stored_without_a_code_is_shown_as_stored(app) -> None:
    """A run stored before failures had codes keeps its English text: it is shown as it is, not
    parsed back with patterns; a run with a code is written in the reader's language."""
    from flask_babel import force_locale

    from survey.reports.views import failure_text
    from survey.services import analysis_pipeline as pipeline
    from survey.services.analysis_runs import Failure

    stored = pipeline.MISSING_ITEMS.format(model="ACSI", items="satisfaction_1, quality_2")
    with app.test_request_context(), force_locale("zh_CN"):
        assert failure_text(stored) == stored
        assert failure_text(pipeline.NOTHING_TO_ANALYSE) == pipeline.NOTHING_TO_ANALYSE
        assert failure_text(stored, Failure("missing_items", {"model": "ACSI", "items": ["satisfaction_1"]})) == (
            "ACSI 模型需要题项 satisfaction_1，但本问卷没有题目绑定到这些题项。")
        assert failure_text("singular matrix in block 'quality'") == "singular matrix in block 'quality'"
        assert failure_text(None) == "未记录原因。"


def test_segment_marks_on_the_dashboard_come_from_the_runs_stored_tests(app, client, login_as, demo) -> None:
    """The demo's south region is happier (+0.35 SD): its stored permutation test marks it higher,
    and the dashboard shows that mark with Holm's p, in both languages."""
    from acsi.segment_tests import ALPHA
    from survey.services.analysis_runs import run_results

    login_as("viewer")
    run_id = demo[0]
    with app.app_context():
        results = run_results(get_session(), run_id)
    tests = {(t["metric"], t["segment"]): t for t in results[("segment_tests", "all")]["tests"]}
    south = tests[("satisfaction", "region=south")]
    assert south["test"] == "permutation" and south["difference"] > 0
    assert south["p_value_holm"] < ALPHA and south["mark"] == "higher"
    assert south["p_value_holm"] >= south["p_value"]
    assert tests[("loyalty", "region=south")]["test"] == "permutation"
    english = client.get(f"/reports/runs/{run_id}/dashboard?lang=en").get_data(as_text=True)
    body = english.split('id="segments-heading"')[1].split("<tbody>")[1].split("</tbody>")[0]
    row = next(r for r in body.split("<tr>") if "south" in r.split("</th>")[0].lower())
    assert "Higher than the rest" in row and f"p = {south['p_value_holm']:.3f}, Holm-adjusted" in row
    chinese = client.get(f"/reports/runs/{run_id}/dashboard?lang=zh_CN").get_data(as_text=True)
    assert "高于其余" in chinese and "与其余样本相比" in chinese


def test_the_dashboard_ipma_is_the_one_acsi_stored(app, demo) -> None:
    """Importance on the dashboard is acsi.ipma's unstandardised total effect, not a second rule."""
    from reports.view_model import build_report
    from survey.services.analysis_runs import run_results

    with app.app_context():
        results = run_results(get_session(), demo[0])
    stored = {e["construct"]: e["importance"] for e in results[("acsi", "all")]["ipma"]["constructs"]}
    shown = {p.construct: p.importance for p in build_report(results).ipma}
    assert shown == stored and "quality" in shown
    standardised = results[("acsi", "all")]["fit"]["total_effects"]["satisfaction"]["quality"]
    assert abs(shown["quality"] - standardised) > 1e-6


def test_an_analyst_weights_a_run_from_the_page(app, client, login_as, demo) -> None:
    """The page offers numeric attributes as weights and raking margins; bad margins are refused
    next to the field, good ones give a weighted run whose settings say so."""
    login_as("analyst")
    acsi = _questionnaire_id(app, "ACSI")
    path = f"/reports/runs/new?questionnaire={acsi}"
    page = client.get(path + "&lang=en").get_data(as_text=True)
    weight_select = page.split('name="weight_attribute"')[1].split("</select>")[0]
    assert 'value="current_value"' in weight_select and 'value="region"' not in weight_select
    assert "Population shares to rake the sample to" in page
    with app.app_context():
        version = get_session().scalar(select(QuestionnaireVersion.id).where(QuestionnaireVersion.questionnaire_id == acsi))
    base = {"versions": [version], "model": "acsi", "method": "pls", "bootstrap": "0", "seed": "1"}
    bad = client.post(path + "&lang=en", data={**base, "csrf_token": csrf_token(client, path),
                                               "margins": "region: north=30\nplanet: mars=1"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "planet is not a segment attribute of these responses." in body
    typo = client.post(path + "&lang=zh_CN", data={**base, "csrf_token": csrf_token(client, path),
                                                   "margins": "region north=30"})
    assert typo.status_code == 422 and "must read &#39;dimension: value=share" in typo.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(AnalysisRun.id).where(AnalysisRun.id > len(demo))) is None
    good = client.post(path, data={**base, "csrf_token": csrf_token(client, path), "weight_attribute": "current_value",
                                   "margins": "region: north=25, south=25, east=25, west=25"})
    assert good.status_code == 302, good.get_data(as_text=True)
    run_id = int(good.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        run = get_session().get(AnalysisRun, run_id)
        assert run.status == "succeeded", run.error
        assert run.parameters["weight_attribute"] == "current_value"
        assert run.parameters["margins"] == {"region": {"north": 25.0, "south": 25.0, "east": 25.0, "west": 25.0}}
    dashboard = client.get(f"/reports/runs/{run_id}/dashboard?lang=en").get_data(as_text=True)
    assert "Respondent weights" in dashboard and "attribute current_value; raked to region; effective n" in dashboard
    assert "受访者权重" in client.get(f"/reports/runs/{run_id}/dashboard?lang=zh_CN").get_data(as_text=True)


def test_the_pdf_is_made_by_a_file_job(app, client, login_as, demo) -> None:
    """A viewer asks for the PDF (a form with CSRF), the job prints it with Chromium (inline in
    tests) and the download is the PDF."""
    login_as("viewer")
    path = f"/reports/runs/{demo[0]}/report.pdf?lang=zh_CN"
    page = client.get(path.replace("zh_CN", "en")).get_data(as_text=True)
    assert "Make the PDF" in page and 'name="csrf_token"' in page
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 400
    reply = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/files/")
    job_page = client.get(reply.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "已就绪" in job_page and f"xinsheng-run-{demo[0]}-zh_CN.pdf" in job_page
    pdf = client.get(reply.headers["Location"] + "/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f"attachment; filename=xinsheng-run-{demo[0]}-zh_CN.pdf"
    pdf.close()
    assert client.get("/reports/runs/999/report.pdf").status_code == 404


def test_a_pdf_that_cannot_be_made_says_why(client, login_as, demo, monkeypatch) -> None:
    import reports.pdf

    login_as("viewer")
    monkeypatch.setattr(reports.pdf.shutil, "which", lambda _name: None)
    monkeypatch.setattr(reports.pdf, "Path", lambda _p: type("Missing", (), {"exists": lambda self: False})())
    path = f"/reports/runs/{demo[0]}/report.pdf?lang=zh_CN"
    reply = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert reply.status_code == 302
    html = client.get(reply.headers["Location"] + "?lang=zh_CN").get_data(as_text=True)
    assert "失败" in html
    assert "无法生成 PDF" in html and "Chromium not found" in html and "HTML 报告不受影响" in html
    english = client.get(reply.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The PDF could not be made" in english and "The HTML report works without it." in english
    assert client.get(reply.headers["Location"] + "/download").status_code == 410


def test_a_model_too_small_to_estimate_reads_in_the_pages_language(app, client, login_as, demo) -> None:
    """A run over the last responses only (fewer than the minimum base of 50) stores why the model
    was not estimated as a code; the dashboard and the offline report (what the PDF prints) say
    it in Chinese on a zh_CN page and in English on an en page, never the stored English."""
    from models import Response
    from survey.reports.cli import standalone_html
    from survey.services.analysis_runs import run_results

    login_as("analyst")
    with app.app_context():
        session = get_session()
        acsi = session.scalar(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == _questionnaire_id(app, "ACSI")))
        latest = session.scalars(select(Response.submitted_at).where(
            Response.version_id == acsi, Response.status == "complete").order_by(Response.submitted_at.desc())).all()
        run = create_run(session, AnalysisParameters(version_ids=(acsi,), bootstrap=0, submitted_from=latest[24]))
        session.commit()
        execute_run(session, run.id)
        assert session.get(AnalysisRun, run.id).status == "succeeded"
        payload = run_results(session, run.id)[("acsi", "all")]
        code = payload["skipped_code"]
        assert code["code"] == "below_min_base" and 0 < code["params"]["n_used"] < 50 == code["params"]["min_base"]
        n_used = code["params"]["n_used"]
        offline = {lang: standalone_html(session, run.id, lang) for lang in ("zh_CN", "en")}
    chinese_reason = f"可用答卷 {n_used} 份，少于最低样本量 50 份。"
    english_reason = f"{n_used} usable responses: fewer than the minimum base of 50."
    chinese = client.get(f"/reports/runs/{run.id}/dashboard?lang=zh_CN").get_data(as_text=True)
    assert f"模型未估计：{chinese_reason}" in chinese and payload["skipped"] not in chinese and "usable" not in chinese
    english = client.get(f"/reports/runs/{run.id}/dashboard?lang=en").get_data(as_text=True)
    assert f"The model was not estimated: {english_reason}" in english
    assert chinese_reason in offline["zh_CN"] and "usable" not in offline["zh_CN"]
    assert english_reason in offline["en"]
    exported = client.get(f"/reports/runs/{run.id}/report.html?lang=zh_CN").get_data(as_text=True)
    assert chinese_reason in exported and "usable" not in exported


def test_an_inadmissible_fit_reads_in_the_pages_language(app, client, login_as, demo) -> None:
    """The dashboard lists why a fit is not admissible in the page's language. The case is made
    with consistent PLS on responses whose perceived-value items all but repeat two satisfaction
    items (their constructs correlate above 0.95); its stored result takes the place of a demo
    run's model result, as the pipeline stores it."""
    import json

    from acsi.run import RunOptions, RunPlan, analyse
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi
    from models import AnalysisResult

    spec = BUILTIN_MODELS["acsi"]
    data = simulate_acsi(400, seed=5, spec=spec, discretize=(1, 10)).frame.astype(float)
    data["PQ"], data["QP"] = data["SATIS"], data["CONFIRM"] + (data.index % 7 == 0)
    inadmissible = analyse(data, RunPlan(model=spec, scale_bounds={item: (1, 10) for item in spec.items}),
                           RunOptions(method="plsc", bootstrap=0, segment_tests=False, missing="listwise"))
    payload = json.loads(json.dumps(inadmissible.get("acsi"), allow_nan=False))
    codes = payload["validity"]["admissibility_codes"]
    assert "correlation_too_high" in {c["code"] for c in codes}
    login_as("analyst")
    with app.app_context():
        session = get_session()
        acsi = session.scalar(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == _questionnaire_id(app, "ACSI")))
        run = create_run(session, AnalysisParameters(version_ids=(acsi,), bootstrap=0, method="plsc"))
        session.commit()
        execute_run(session, run.id)
        stored = session.scalar(select(AnalysisResult).where(AnalysisResult.run_id == run.id,
                                                             AnalysisResult.kind == "acsi", AnalysisResult.segment == "all"))
        stored.payload = payload
        session.commit()
    too_high = next(c["params"] for c in codes if c["code"] == "correlation_too_high")
    value = f"{too_high['value']:.3f}"
    chinese = client.get(f"/reports/runs/{run.id}/dashboard?lang=zh_CN").get_data(as_text=True)
    assert "该解不可接受：" in chinese
    assert f"感知价值与顾客满意度的相关系数为 {value}，其绝对值不得超过 0.95。" in chinese
    assert not any(text in chinese for text in payload["validity"]["admissibility_problems"])
    english = client.get(f"/reports/runs/{run.id}/dashboard?lang=en").get_data(as_text=True)
    assert (f"The correlation of perceived value and customer satisfaction is {value}; its absolute value must not "
            "exceed 0.95.") in english
