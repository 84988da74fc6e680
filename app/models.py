"""Imports every domain's tables so that SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

from app.audit.models import AuditEvent
from app.inspections.models import Inspection, TeamMember
from app.users.models import LoginThrottle, User, UserSession

metadata = SQLModel.metadata

__all__ = ["AuditEvent", "Inspection", "LoginThrottle", "TeamMember", "User", "UserSession", "metadata"]
