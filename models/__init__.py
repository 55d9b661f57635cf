"""SQLAlchemy 2.0 declarative models. Imports sqlalchemy only (no Flask, no acsi)."""
from models.analysis import AnalysisResult, AnalysisRun
from models.api_tokens import ApiToken
from models.audit import AuditEvent
from models.base import Base
from models.collection import Invitation, Response
from models.complaints import ComplaintCase
from models.draft_snapshot import DraftSnapshot
from models.file_job import FileJob
from models.import_job import ImportJob
from models.followup import FollowUpTask, FollowUpTaskEvent
from models.mailing import Delivery, MessageTemplate, OptOut, PeriodicRun, SendBatch
from models.questionnaire import (
    Choice,
    MatrixRow,
    Page,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from models.quotas import Quota
from models.report_schedule import ReportSchedule
from models.user import ROLES, User
from models.workspace import Workspace, WorkspaceMember

__all__ = [
    "AnalysisResult",
    "AnalysisRun",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Choice",
    "ComplaintCase",
    "Delivery",
    "DraftSnapshot",
    "FileJob",
    "FollowUpTask",
    "ImportJob",
    "FollowUpTaskEvent",
    "Invitation",
    "MatrixRow",
    "MessageTemplate",
    "OptOut",
    "Page",
    "PeriodicRun",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "Quota",
    "ReportSchedule",
    "ROLES",
    "Response",
    "SendBatch",
    "User",
    "Workspace",
    "WorkspaceMember",
]
