from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models_base import utcnow


class Role(StrEnum):
    admin = "admin"
    inspector = "inspector"
    la_officer = "la_officer"
    planner = "planner"  # reads the national view of every local area, and nothing else

    @property
    def label(self) -> str:
        return {"admin": "Administrator", "inspector": "Inspector", "la_officer": "Local area officer",
                "planner": "Planner (national view, read-only)"}[self.value]


class InspectorKind(StrEnum):
    hmi = "hmi"
    ofsted_inspector = "ofsted_inspector"
    cqc = "cqc"
    la_peer = "la_peer"

    @property
    def label(self) -> str:
        return {
            "hmi": "His Majesty's Inspector (Ofsted)",
            "ofsted_inspector": "Ofsted Inspector",
            "cqc": "CQC Children's Services Inspector",
            "la_peer": "Local authority inspector",
        }[self.value]


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    email: str = Field(max_length=254, unique=True)  # stored lower-case
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    inspector_kind: str | None = Field(default=None, max_length=30)
    home_area: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=255)
    must_change_password: bool = Field(default=False)
    active: bool = Field(default=True)
    # Two-factor sign-in (TOTP): the shared secret once enrolled, and the last time-step a code was accepted
    # for, so a code seen over a shoulder cannot be used again.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = None
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def kind_label(self) -> str:
        return InspectorKind(self.inspector_kind).label if self.inspector_kind else ""

    @property
    def kind(self) -> InspectorKind:
        """An inspector's kind: every inspector has one (the account form requires it), no one else has."""
        if self.inspector_kind is None:
            raise ValueError(f"user {self.id} is not an inspector")
        return InspectorKind(self.inspector_kind)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: int = Field(default=None, primary_key=True)  # set by the database on flush (app/models_base.py)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ip_address: str | None = Field(default=None, max_length=45)
    # Signed in with the password, still to give the code: the session opens nothing else until then.
    second_factor_pending: bool = Field(default=False)
    second_factor_failures: int = Field(default=0)
    pending_totp_secret: str | None = Field(default=None, max_length=64)  # while enrolling
    # The last time the password (and code) were given again: exports and user administration ask for it.
    reauthenticated_at: datetime | None = None


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per email address, kept in the database so every app process sees them."""

    __tablename__ = "login_throttles"

    email: str = Field(primary_key=True, max_length=254)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow)
