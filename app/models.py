"""Imports every domain's tables so that SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

from app.audit.models import AuditEvent
from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview, Setting
from app.inspections.models import Inspection, TeamMember
from app.users.models import LoginThrottle, User, UserSession

metadata = SQLModel.metadata

__all__ = ["Activity", "AuditEvent", "EvidenceItem", "FileReview", "Setting", "Inspection", "LoginThrottle", "TeamMember", "User", "UserSession", "metadata"]
