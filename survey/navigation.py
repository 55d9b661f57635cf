"""Where to send a visitor next."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """Follow only same-site relative paths (no open redirect); the home page otherwise."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("core.home")


# Main navigation: (endpoint, label, roles that see it). An entry whose endpoint is not
# registered is left out, so a feature's link appears with its blueprint.
MAIN_NAVIGATION = (
    ("design.index", "Questionnaires", ("designer",)),
    ("invitations.index", "Invitations", ("designer",)),
    ("complaints.cases", "Complaints", ("designer", "analyst")),
    ("distribution.exports_index", "Exports", ("designer", "analyst")),
    ("reports.runs", "Analysis", ("analyst",)),
    ("reports.index", "Reports", ("viewer", "analyst")),
    ("files.index", "My files", ("viewer", "designer", "analyst")),
    ("people.index", "People", ("admin",)),
    ("people.audit_log", "Audit log", ("admin",)),
    ("admin.users", "Users", ("admin",)),
    ("admin.workspaces", "Workspaces", ("admin",)),
)


def navigation_links(app_view_functions, user) -> list[tuple[str, str]]:
    """``(url, label key)`` pairs the user may follow, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(url_for(endpoint), label) for endpoint, label, roles in MAIN_NAVIGATION
            if endpoint in app_view_functions and user.has_role(*roles)]
