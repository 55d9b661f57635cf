"""Workspaces and who may see what.

A questionnaire (and so its versions, invitations, responses, follow-up tasks and analysis runs)
and a complaint case belong to one workspace. Admins see every workspace; every other user sees
the workspaces they are a member of. A :data:`Scope` says which: ``None`` is "every workspace",
a frozenset the workspace ids allowed (possibly none). Services take a scope and filter with
:func:`in_scope`; the views get the current user's scope from ``survey.workspace_access``.

The first workspace (lowest id) is the default: an install starts with it, and a user or
questionnaire created without naming a workspace lands in it, so a one-team install never has
to think about workspaces. Functions flush, never commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, false, func, select, true
from sqlalchemy.orm import Session

from models import User, Workspace, WorkspaceMember
from models.questionnaire import Questionnaire

#: Which workspaces a user or token may reach: None for all of them.
Scope = frozenset[int] | None

DEFAULT_NAME = "默认 · Default"
NAME_MAX = 120


class WorkspaceError(ValueError):
    """A workspace cannot be created or changed as asked; the message names the value and the rule."""


@dataclass(frozen=True, slots=True)
class WorkspaceRow:
    """A workspace as the admin list shows it."""

    workspace: Workspace
    members: int
    questionnaires: int


def default_workspace(session: Session) -> Workspace:
    """The first workspace, created when there is none yet."""
    found = session.scalars(select(Workspace).order_by(Workspace.id).limit(1)).first()
    if found is None:
        found = Workspace(name=DEFAULT_NAME)
        session.add(found)
        session.flush()
    return found


def scope_of(session: Session, user: User) -> Scope:
    """The workspaces ``user`` may see: None (all) for an admin, else their memberships."""
    return None if user.role == "admin" else frozenset(member_ids(session, user.id))


def in_scope(column: ColumnElement[int], scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose workspace ``column`` is in ``scope``."""
    if scope is None:
        return true()
    if not scope:
        return false()
    return column.in_(sorted(scope))


def allows(scope: Scope, workspace_id: int | None) -> bool:
    """True when ``scope`` reaches ``workspace_id`` (None: an object of no workspace, admins only)."""
    return scope is None or (workspace_id is not None and workspace_id in scope)


def questionnaire_in_scope(session: Session, questionnaire_id: int, scope: Scope) -> Questionnaire | None:
    """The questionnaire when it exists and ``scope`` reaches it, else None (the same answer for
    "does not exist" and "not yours", so ids of other workspaces reveal nothing)."""
    questionnaire = session.get(Questionnaire, questionnaire_id)
    if questionnaire is None or not allows(scope, questionnaire.workspace_id):
        return None
    return questionnaire


def visible_workspaces(session: Session, scope: Scope) -> list[Workspace]:
    """The workspaces in ``scope``, by name."""
    return list(session.scalars(select(Workspace).where(in_scope(Workspace.id, scope)).order_by(Workspace.name)))


def _check_name(session: Session, name: str, *, keep: int | None = None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise WorkspaceError(f"a workspace needs a name of 1 to {NAME_MAX} characters (got {len(name)})")
    taken = session.scalars(select(Workspace.id).where(func.lower(Workspace.name) == name.lower())).first()
    if taken is not None and taken != keep:
        raise WorkspaceError(f"a workspace named {name!r} already exists")
    return name


def create_workspace(session: Session, name: str) -> Workspace:
    """A new, empty workspace. Raises :class:`WorkspaceError` for an empty, long or taken name."""
    default_workspace(session)  # the default stays the first one
    workspace = Workspace(name=_check_name(session, name))
    session.add(workspace)
    session.flush()
    return workspace


def rename_workspace(session: Session, workspace: Workspace, name: str) -> None:
    workspace.name = _check_name(session, name, keep=workspace.id)
    session.flush()


def find_workspace(session: Session, key: str) -> Workspace:
    """A workspace by id or (case-insensitive) name; :class:`WorkspaceError` when none matches."""
    key = key.strip()
    found = session.get(Workspace, int(key)) if key.isdigit() and len(key) < 10 else None
    found = found or session.scalars(select(Workspace).where(func.lower(Workspace.name) == key.lower())).first()
    if found is None:
        raise WorkspaceError(f"no workspace has the id or name {key!r}")
    return found


def member_ids(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)))


def set_memberships(session: Session, user: User, workspace_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """Make ``user`` a member of exactly ``workspace_ids``; returns (added, removed). Raises
    :class:`WorkspaceError` naming an id that is no workspace."""
    wanted = set(workspace_ids)
    known = set(session.scalars(select(Workspace.id).where(Workspace.id.in_(sorted(wanted))))) if wanted else set()
    if wanted - known:
        raise WorkspaceError(f"workspace {min(wanted - known)} does not exist")
    current = member_ids(session, user.id)
    added, removed = wanted - current, current - wanted
    if removed:
        session.execute(delete(WorkspaceMember).where(WorkspaceMember.user_id == user.id,
                                                      WorkspaceMember.workspace_id.in_(sorted(removed))))
    session.add_all(WorkspaceMember(workspace_id=w, user_id=user.id) for w in sorted(added))
    session.flush()
    return added, removed


def join_default(session: Session, user: User) -> None:
    """Make a new non-admin user a member of the default workspace."""
    if user.role != "admin":
        set_memberships(session, user, member_ids(session, user.id) | {default_workspace(session).id})


def workspace_rows(session: Session) -> list[WorkspaceRow]:
    """Every workspace with its member and questionnaire counts, by name."""
    members = dict(session.execute(select(WorkspaceMember.workspace_id, func.count())
                                   .group_by(WorkspaceMember.workspace_id)).all())
    owned = dict(session.execute(select(Questionnaire.workspace_id, func.count())
                                 .group_by(Questionnaire.workspace_id)).all())
    return [WorkspaceRow(w, members.get(w.id, 0), owned.get(w.id, 0))
            for w in session.scalars(select(Workspace).order_by(Workspace.name))]


def members(session: Session, workspace_id: int) -> list[User]:
    return list(session.scalars(select(User).join(WorkspaceMember, WorkspaceMember.user_id == User.id)
                                .where(WorkspaceMember.workspace_id == workspace_id).order_by(User.email)))


def users_reaching(session: Session, workspace_id: int, roles: Sequence[str]) -> list[User]:
    """Active users who may work in ``workspace_id`` with one of ``roles``: its members holding
    one of them, and every admin."""
    members_of = select(WorkspaceMember.user_id).where(WorkspaceMember.workspace_id == workspace_id)
    return list(session.scalars(
        select(User).where(User.active.is_(True),
                           (User.role == "admin") | (User.role.in_(list(roles)) & User.id.in_(members_of)))
        .order_by(User.email)))


def move_questionnaire(session: Session, questionnaire: Questionnaire, workspace_id: int) -> None:
    """Give a questionnaire (with its responses, invitations and runs) to another workspace."""
    if session.get(Workspace, workspace_id) is None:
        raise WorkspaceError(f"workspace {workspace_id} does not exist")
    questionnaire.workspace_id = workspace_id
    session.flush()
