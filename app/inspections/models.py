from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class InspectionStatus(StrEnum):
    planned = "planned"
    notified = "notified"
    on_site = "on_site"
    drafting = "drafting"
    quality_assurance = "quality_assurance"
    published = "published"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TeamRole(StrEnum):
    lead = "lead"
    cqc_inspector = "cqc_inspector"
    ofsted_inspector = "ofsted_inspector"
    la_inspector = "la_inspector"
    shadow = "shadow"

    @property
    def label(self) -> str:
        return {
            "lead": "Lead inspector (HMI)",
            "cqc_inspector": "CQC inspector",
            "ofsted_inspector": "Ofsted inspector",
            "la_inspector": "Local authority inspector",
            "shadow": "Shadow",
        }[self.value]


class Area(SQLModel, table=True):
    """A local area: the local authority's footprint, with its integrated care board. Its inspections (full,
    revisit, monitoring) link to it, so its history reads across frameworks and years."""

    __tablename__ = "areas"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    name: str = Field(max_length=200)
    la_code: str = Field(max_length=12, unique=True)  # the code an inspection is set up with: the area's identity
    integrated_care_board: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class EngagementMeeting(SQLModel, table=True):
    """A meeting of the inspectorates with the area's partnership between inspections (2023), recorded against the
    area: what the partnership shares there informs when it is next inspected."""

    __tablename__ = "engagement_meetings"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    held_on: date
    notes: str
    recorded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class Inspection(SQLModel, table=True):
    __tablename__ = "inspections"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    local_area: str = Field(max_length=200)
    la_code: str = Field(max_length=12)
    # The area as a record of its own; local_area and la_code stay as the inspection was set up (its letter's words).
    area_id: int | None = Field(default=None, foreign_key="areas.id", index=True, ondelete="SET NULL")
    # A visit that follows an inspection (a revisit, a monitoring inspection: a profiles/visits/*.toml kind) and the
    # inspection it follows; None for a full inspection.
    visit_kind: str | None = Field(default=None, max_length=30)
    follows_id: int | None = Field(default=None, foreign_key="inspections.id", index=True, ondelete="SET NULL")
    framework: str = Field(max_length=40)
    start_date: date
    # Derived from start_date and the profile when saved, kept for listing and sorting.
    notification_date: date
    last_on_site_date: date
    status: str = Field(default=InspectionStatus.planned.value, max_length=30)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # Its lifecycle, read by the core itself: once the working material is purged under the retention rules,
    # nothing more can be added or changed (the purge writes this; nothing else does).
    purged_at: datetime | None = Field(default=None)


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("inspection_id", "user_id", name="uq_team_members_inspection_user"),
        # At most one lead per inspection, enforced by the database so two requests cannot both add one.
        Index(
            "uq_team_members_one_lead",
            "inspection_id",
            unique=True,
            sqlite_where=text("team_role = 'lead'"),
            postgresql_where=text("team_role = 'lead'"),
        ),
    )

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    team_role: str = Field(max_length=30)
    added_at: datetime = Field(default_factory=utcnow)
