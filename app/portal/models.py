from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class PortalInvitation(SQLModel, table=True):
    """The lead's invitation to the area's nominated officer: a single-use link that expires. Only the SHA-256
    of its token is stored, so the database alone cannot be used to accept it."""

    __tablename__ = "portal_invitations"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    contact: str = Field(default="nominated_officer", max_length=30)  # a key of invitations.CONTACTS
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime
    used_at: datetime | None = None
    withdrawn_at: datetime | None = None
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")  # who accepted it
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class AreaOfficer(SQLModel, table=True):
    """An la_officer account and the one inspection it belongs to (the unique user id makes it one)."""

    __tablename__ = "area_officers"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", unique=True, ondelete="CASCADE")
    contact: str = Field(default="nominated_officer", max_length=30)  # a key of invitations.CONTACTS
    added_at: datetime = Field(default_factory=utcnow)


class AreaDocument(SQLModel, table=True):
    """A document the area sent (its self-evaluation, strategy...), with every version ever uploaded."""

    __tablename__ = "area_documents"
    __table_args__ = (
        # One area-data document per inspection (its uploads are its versions), even if two arrive at once.
        Index("uq_area_documents_one_area_data", "inspection_id", unique=True,
              sqlite_where=text("requested = 'area_data'"), postgresql_where=text("requested = 'area_data'")),
    )

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    requested: str = Field(max_length=40)  # a [[requested]] key of content.toml, or area_data
    created_at: datetime = Field(default_factory=utcnow)


class AreaDocumentVersion(SQLModel, table=True):
    __tablename__ = "area_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_area_document_versions_number"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    document_id: int = Field(foreign_key="area_documents.id", index=True, ondelete="CASCADE")
    number: int
    filename: str = Field(max_length=200)  # sanitised; the stored object is named by storage_key
    file_type: str = Field(max_length=10)  # pdf | docx | xlsx | ods | csv, decided from the content
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200, unique=True)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


class AreaIndicatorValue(SQLModel, table=True):
    """One figure of the area's key indicators, from the latest accepted area data upload."""

    __tablename__ = "area_indicator_values"
    __table_args__ = (UniqueConstraint("inspection_id", "code", name="uq_area_indicator_values_code"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=60)
    value: float
    period: str = Field(default="", max_length=60)
    source_version_id: int | None = Field(default=None, foreign_key="area_document_versions.id", ondelete="SET NULL")


class SefClaim(SQLModel, table=True):
    """A claim of the area's self-evaluation, tied to a heading and aspect, and the inspectors' verdict on it."""

    __tablename__ = "sef_claims"
    __table_args__ = (Index("ix_sef_claims_inspection_heading", "inspection_id", "heading"),)

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    inspection_id: int = Field(foreign_key="inspections.id", index=True, ondelete="CASCADE")
    heading: int
    aspect: str = Field(max_length=60)
    text: str
    source_document_id: int | None = Field(default=None, foreign_key="area_documents.id", ondelete="SET NULL")
    source_reference: str = Field(default="", max_length=100)  # e.g. "page 12, paragraph 3"
    recorded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    recorded_by_officer: bool = Field(default=False)
    verdict: str = Field(default="not_yet_tested", max_length=30)
    verdict_note: str = Field(default="")
    verdict_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    verdict_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SefClaimEvidence(SQLModel, table=True):
    """An evidence item behind an inspectors' verdict on a claim."""

    __tablename__ = "sef_claim_evidence"

    claim_id: int = Field(foreign_key="sef_claims.id", primary_key=True, ondelete="CASCADE")
    evidence_item_id: str = Field(foreign_key="evidence_items.id", primary_key=True, max_length=36,
                                  index=True, ondelete="CASCADE")
