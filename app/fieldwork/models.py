from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models_base import utcnow, version_column, versioned


class Labelled(StrEnum):
    """An enum whose members carry the words inspectors use for them."""

    @property
    def label(self) -> str:
        return LABELS[self.value]


class SettingType(Labelled):
    early_years = "early_years"
    mainstream_school = "mainstream_school"
    special_school = "special_school"
    alternative_provision = "alternative_provision"
    further_education = "further_education"
    health_service = "health_service"
    social_care = "social_care"
    youth_justice = "youth_justice"
    other = "other"


class IdentifierKind(Labelled):
    urn = "urn"
    ukprn = "ukprn"
    ods = "ods"


class ActivityKind(Labelled):
    setting_visit = "setting_visit"
    meeting = "meeting"
    document_review = "document_review"


class MeetingWith(Labelled):
    education_leaders = "education_leaders"
    health_leaders = "health_leaders"
    social_care_leaders = "social_care_leaders"
    practitioners = "practitioners"
    parent_carer_group = "parent_carer_group"
    young_people_group = "young_people_group"


class AgeBand(Labelled):
    age_0_4 = "0-4"
    age_5_10 = "5-10"
    age_11_15 = "11-15"
    age_16_19 = "16-19"
    age_20_25 = "20-25"


class SenStatus(Labelled):
    none = "none"
    sen_support = "sen_support"
    assessment_requested = "assessment_requested"
    assessment_under_way = "assessment_under_way"
    plan_in_place = "plan_in_place"
    plan_ceased = "plan_ceased"


class PrimaryNeed(Labelled):
    """The SEN2 / school census primary need codes."""

    SpLD = "SpLD"
    MLD = "MLD"
    SLD = "SLD"
    PMLD = "PMLD"
    SEMH = "SEMH"
    SLCN = "SLCN"
    HI = "HI"
    VI = "VI"
    MSI = "MSI"
    PD = "PD"
    ASD = "ASD"
    OTH = "OTH"
    NSA = "NSA"


class Contribution(Labelled):
    yes = "yes"
    no = "no"
    not_known = "not_known"


class Rating(Labelled):
    strong = "strong"
    adequate = "adequate"
    weak = "weak"
    not_evidenced = "not_evidenced"


LABELS = {
    "early_years": "Early years setting", "mainstream_school": "Mainstream school", "special_school": "Special school",
    "alternative_provision": "Alternative provision", "further_education": "Further education",
    "health_service": "Health service", "social_care": "Social care", "youth_justice": "Youth justice",
    "other": "Other",
    "urn": "URN (Ofsted unique reference number)", "ukprn": "UKPRN (UK provider reference number)",
    "ods": "ODS code (NHS organisation)",
    "setting_visit": "Visit to a setting", "meeting": "Meeting", "document_review": "Data or document review",
    "education_leaders": "Leaders of education", "health_leaders": "Leaders of health",
    "social_care_leaders": "Leaders of social care", "practitioners": "Practitioners",
    "parent_carer_group": "A group of parents and carers", "young_people_group": "A group of children and young people",
    "0-4": "0 to 4", "5-10": "5 to 10", "11-15": "11 to 15", "16-19": "16 to 19", "20-25": "20 to 25",
    "none": "No SEN support or plan", "sen_support": "SEN support",
    "assessment_requested": "EHC needs assessment requested",
    "assessment_under_way": "EHC needs assessment under way", "plan_in_place": "EHC plan in place",
    "plan_ceased": "EHC plan ceased",
    "SpLD": "SpLD – specific learning difficulty", "MLD": "MLD – moderate learning difficulty",
    "SLD": "SLD – severe learning difficulty", "PMLD": "PMLD – profound and multiple learning difficulty",
    "SEMH": "SEMH – social, emotional and mental health", "SLCN": "SLCN – speech, language and communication needs",
    "HI": "HI – hearing impairment", "VI": "VI – vision impairment", "MSI": "MSI – multi-sensory impairment",
    "PD": "PD – physical disability", "ASD": "ASD – autistic spectrum disorder",
    "OTH": "OTH – other difficulty or disability",
    "NSA": "NSA – SEN support but no specialist assessment of type of need",
    "yes": "Yes", "no": "No", "not_known": "Not known",
    "strong": "Strong", "adequate": "Adequate", "weak": "Weak", "not_evidenced": "Not evidenced",
}


class Setting(SQLModel, table=True):
    """A provider the team visits or hears about. Not inspected itself (framework, footnote 4)."""

    __tablename__ = "settings"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    setting_type: str = Field(max_length=30)
    identifier_kind: str | None = Field(default=None, max_length=10)
    identifier: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


_ACTIVITY_VERSION = version_column()
_FILE_REVIEW_VERSION = version_column()


class Activity(SQLModel, table=True):
    """A visit, a meeting or a data/document review on one of the days on site."""

    __tablename__ = "activities"
    __mapper_args__ = versioned(_ACTIVITY_VERSION)

    id: str = Field(primary_key=True, max_length=36)  # a UUID, which a tablet may make offline
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    meeting_with: str | None = Field(default=None, max_length=30)
    setting_id: int | None = Field(default=None, foreign_key="settings.id", ondelete="SET NULL")
    title: str = Field(max_length=200)
    day: date
    start_time: str | None = Field(default=None, max_length=5)  # HH:MM, local time on site
    inspector_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attendees: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="")
    # Kinds of personal data the free text still seems to hold (names, NHS numbers...): flagged, holds up the letter.
    personal_data: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    version: int = Field(default=1, sa_column=_ACTIVITY_VERSION)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FileReview(SQLModel, table=True):
    """A sampled child's file, under a pseudonymous case reference only."""

    __tablename__ = "file_reviews"
    __mapper_args__ = versioned(_FILE_REVIEW_VERSION)

    id: str = Field(primary_key=True, max_length=36)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    case_reference: str = Field(max_length=40)
    age_band: str = Field(max_length=10)
    setting_type: str = Field(max_length=30)
    sen_status: str = Field(max_length=30)
    primary_need: str = Field(max_length=10)
    concern_raised_on: date | None = None
    assessment_requested_on: date | None = None
    plan_issued_on: date | None = None
    attendance_percent: float | None = None
    health_contributed: str = Field(default="not_known", max_length=10)
    social_care_contributed: str = Field(default="not_known", max_length=10)
    # aspect code -> {"rating": strong|adequate|weak|not_evidenced, "comment": str}
    ratings: dict[str, dict[str, str]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="")
    # Kinds of personal data the free text still seems to hold (names, NHS numbers...): flagged, holds up the letter.
    personal_data: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    activity_id: str | None = Field(default=None, foreign_key="activities.id", ondelete="SET NULL")
    version: int = Field(default=1, sa_column=_FILE_REVIEW_VERSION)
    reviewed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
