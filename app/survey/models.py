from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class SurveyLink(SQLModel, table=True):
    """One questionnaire of one inspection, reached through an unguessable token in its public address."""

    __tablename__ = "survey_links"
    __table_args__ = (UniqueConstraint("inspection_id", "audience"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    audience: str = Field(max_length=20)  # parent_carer | young_person
    token: str = Field(max_length=40, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class SurveyResponse(SQLModel, table=True):
    """One anonymous answer to a questionnaire. Deliberately no address, no browser id, no time finer than the
    hour: nothing here can lead back to who answered."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_inspection_audience", "inspection_id", "audience"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    audience: str = Field(max_length=20)
    respondent_type: str = Field(max_length=30)
    # Question code -> option code.
    answers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    support: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="")
    personal_data: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    submitted_on: date
    submitted_hour: int  # 0-23, for the responses-over-time chart
    # The form's one-time id: the same form sent twice (a double tap, a retry) is stored once.
    submission_id: str = Field(max_length=36, unique=True)
