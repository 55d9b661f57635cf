"""Languages: Flask-Babel with zh_CN and en.

The simplified-Chinese catalog lives in ``translations/zh/``: Babel (≥ 2.17) expands ``zh_CN`` to
``zh_Hans_CN`` and gettext then looks for ``zh_Hans_CN`` and ``zh``, never ``zh_CN``.

The locale of a request comes from, in order: the link (``?lang=en``), the language cookie set by
the switcher, then the browser's Accept-Language; zh_CN when nothing matches.
"""
from __future__ import annotations

from flask import Flask, current_app, request

from survey.navigation import navigation_links
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
NAVIGATION_LABELS = {"Questionnaires": _l("Questionnaires"), "Invitations": _l("Invitations"),
                     "Complaints": _l("Complaints"), "Exports": _l("Exports"),
                     "Analysis": _l("Analysis"), "Reports": _l("Reports"), "People": _l("People"),
                     "Audit log": _l("Audit log"), "Users": _l("Users"),
                     "Workspaces": _l("Workspaces"), "My files": _l("My files")}

def normalise_locale(value: str | None) -> str | None:
    """``'zh-CN'``, ``'zh'``, ``'zh-Hans'``, ``'en-US'`` → ``'zh_CN'`` or ``'en'``; None otherwise."""
    if not value:
        return None
    base = value.strip().replace("-", "_").split("_")[0].lower()
    return {"zh": "zh_CN", "en": "en"}.get(base)


def supported_locale(value: str | None) -> str | None:
    """``value`` normalised (see :func:`normalise_locale`) when it is one of the app's
    ``LANGUAGES``; None otherwise."""
    locale = normalise_locale(value)
    return locale if locale in current_app.config["LANGUAGES"] else None


def remember_language(response, locale: str):
    """Set the language switcher's cookie on ``response`` (a Flask response) and return it."""
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"], locale, max_age=365 * 24 * 3600,
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(current_app.config["LANGUAGE_COOKIE"])):
        locale = normalise_locale(candidate)
        if locale in supported:
            return locale
    best = request.accept_languages.best_match(["zh_CN", "zh-CN", "zh", "en"])
    return normalise_locale(best) or current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale: str) -> str:
    """The BCP 47 tag for ``lang`` attributes: zh_CN → zh-CN."""
    return locale.replace("_", "-")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def locale_context() -> dict[str, object]:
        locale = normalise_locale(str(get_locale())) or current_app.config["BABEL_DEFAULT_LOCALE"]
        return {"locale": locale, "html_lang": html_lang(locale), "LANGUAGE_NAMES": LANGUAGE_NAMES,
                "main_navigation": [(url, NAVIGATION_LABELS[label])
                                    for url, label in navigation_links(app.view_functions, current_user)]}
