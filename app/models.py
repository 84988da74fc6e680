"""Imports every domain's tables so that SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

from app.audit.models import AuditEvent
from app.casetracking.models import CaseDocumentRequest, CaseSelection, PersonLevelChild, PersonLevelList, TrackedCase
from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview, Setting
from app.inspections.models import Area, EngagementMeeting, Inspection, TeamMember
from app.letters.models import (
    AccuracyCheck,
    AccuracyComment,
    LetterComment,
    LetterDecision,
    LetterPublication,
    LetterVersion,
    LetterWorkflow,
)
from app.obligations.models import CarriedItem, CarriedItemEvidence, Obligation
from app.portal.models import (
    AreaDocument,
    AreaDocumentVersion,
    AreaIndicatorValue,
    AreaOfficer,
    PortalInvitation,
    SefClaim,
    SefClaimEvidence,
)
from app.ratelimit import RateLimitWindow
from app.retention.models import RetentionPurge
from app.safeguarding.models import SafeguardingConcern
from app.survey.models import SurveyLink, SurveyResponse
from app.sync.models import SyncChange, SyncConflict, SyncOperation
from app.users.models import LoginThrottle, User, UserSession

metadata = SQLModel.metadata

__all__ = [
    "AccuracyCheck", "AccuracyComment", "Activity", "Area", "AreaDocument", "AreaDocumentVersion",
    "AreaIndicatorValue", "AreaOfficer", "AuditEvent", "CarriedItem", "CarriedItemEvidence", "CaseDocumentRequest",
    "CaseSelection", "EngagementMeeting", "EvidenceItem", "FileReview", "Inspection", "LetterComment",
    "LetterDecision", "LetterPublication", "LetterVersion", "LetterWorkflow", "LoginThrottle", "Obligation",
    "PersonLevelChild", "PersonLevelList", "PortalInvitation", "RateLimitWindow", "RetentionPurge",
    "SafeguardingConcern", "SefClaim", "SefClaimEvidence", "Setting", "SurveyLink", "SurveyResponse", "SyncChange",
    "SyncConflict", "SyncOperation", "TeamMember", "TrackedCase", "User", "UserSession", "metadata",
]
