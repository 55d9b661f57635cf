"""The application factory."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from config import ROOT, load_environment
from survey import observability
from survey import (asset_urls, body_limits, compression, db, errors, i18n, jobs, proxies, public_urls, rate_limits,
                    routing, security_headers, timezones)

logger = logging.getLogger(__name__)
csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration (environment read once, here), database, languages, login,
    CSRF, blueprints, commands and error pages. ``test_config`` overrides everything."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(ROOT / "instance"),
    )
    environ = None
    if test_config is not None and "ENVIRON" in test_config:
        environ = test_config["ENVIRON"]
    app.config.from_mapping(load_environment(environ))
    if test_config is not None:
        app.config.from_mapping({k: v for k, v in test_config.items() if k != "ENVIRON"})

    observability.init_app(app)  # first: request id and clock before any hook can answer
    db.init_app(app)
    i18n.init_app(app)
    body_limits.init_app(app)  # before CSRF protection, which parses the form
    csrf.init_app(app)
    _init_login(app)
    routing.init_app(app)  # before the blueprints: their <int:...> rules use it
    _register_blueprints(app)
    errors.init_app(app)
    rate_limits.init_app(app)  # after the blueprints: it limits their views by endpoint
    public_urls.init_app(app)
    timezones.init_app(app)
    security_headers.init_app(app)
    asset_urls.init_app(app)  # ?v=<digest> on static URLs; a year's caching at that URL
    compression.init_app(app)  # zstd / brotli / gzip text responses
    jobs.init_app(app)
    # Last: the outermost WSGI layer, so every middleware and view sees the client's address,
    # scheme and host when TRUSTED_PROXIES is set.
    proxies.init_app(app)
    return app


def _init_login(app: Flask) -> None:
    """Flask-Login with revocable sessions (see survey/auth/sessions.py)."""
    from survey.auth import sessions

    sessions.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from survey.admin.cli import bp as workspaces_cli
    from survey.auth.cli import bp as users_cli
    from survey.auth.views import bp as auth_bp
    from survey.backups.cli import bp as backup_cli
    from survey.core.cli import bp as demo_cli
    from survey.core.views import bp as core_bp
    from survey.admin.views import bp as admin_bp
    from survey.analysis.cli import bp as analysis_cli
    from survey.api.cli import bp as api_tokens_cli
    from survey.api.cli import complaints_bp as complaints_cli
    from survey.api.views import bp as api_bp
    from survey.collect.views import bp as collect_bp
    from survey.complaints.views import bp as complaints_bp
    from survey.design.cli import bp as questionnaire_cli
    from survey.design.views import bp as design_bp
    from survey.distribution.views import bp as distribution_bp
    from survey.files.views import bp as files_bp
    from survey.inbox.views import bp as inbox_bp
    from survey.invitations.cli import bp as invitations_cli
    from survey.people.cli import bp as people_cli
    from survey.people.views import bp as people_bp
    from survey.invitations.views import bp as invitations_bp
    from survey.reports.cli import bp as report_cli
    from survey.reports.schedules import bp as schedules_bp
    from survey.reports.views import bp as reports_bp

    csrf.exempt(api_bp)  # API clients authenticate with a bearer token, not a session cookie
    # RFC 8058 one-click unsubscribe: the mail program POSTs without a session; the personal
    # token in the URL is the credential.
    csrf.exempt("survey.collect.views.unsubscribe")
    for blueprint in (core_bp, auth_bp, users_cli, demo_cli, questionnaire_cli, design_bp,
                      collect_bp, distribution_bp, invitations_bp, complaints_bp, api_bp,
                      analysis_cli, jobs.cli, api_tokens_cli, complaints_cli, reports_bp, report_cli, files_bp,
                      invitations_cli, people_cli, people_bp, inbox_bp, admin_bp, workspaces_cli, backup_cli,
                      schedules_bp):
        app.register_blueprint(blueprint)
