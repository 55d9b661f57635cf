"""The preview renderer used by the designer: a page of a draft, no database involved."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from survey.collect.forms import build_page_form
from survey.collect.rendering import render_survey_page


def test_preview_renders_a_page_without_the_database(app, kit, monkeypatch) -> None:
    document = kit.every_type()
    form_class = build_page_form(document, 1, locale="zh_CN", seed="preview")
    with app.test_request_context("/design/preview", method="POST",
                                  data=MultiDict({"nps": "12"})):
        import survey.db
        monkeypatch.setattr(survey.db, "get_session", lambda: (_ for _ in ()).throw(AssertionError("no DB")))
        form = form_class(prior_answers={}, meta={"csrf": False})
        assert not form.validate()
        html = render_survey_page(document, 1, form, locale="zh_CN", preview=True,
                                  action="/design/preview")
    assert '<html lang="zh-CN">' in html and "顾客调查" in html and "评价" in html
    assert "推荐可能性" in html and "免费无线网络" in html and "速度" in html
    assert 'class="notice notice-preview"' in html
    assert 'action="/design/preview"' in html
    assert 'id="error-nps"' in html and 'aria-invalid="true"' in html
    assert "resume-heading" not in html  # no resume link in a preview
