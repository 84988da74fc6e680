"""The nominated officer's way in: the lead invites an email address; the link works once, for 48 hours, and
makes (or re-opens) an la_officer account bound to that one inspection."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.config import Settings, get_settings
from app.errors import NotFound, ValidationFailed
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow
from app.portal.models import AreaOfficer, PortalInvitation
from app.users import passwords
from app.users import service as users
from app.users.models import Role, User

LIFETIME = timedelta(hours=48)
# Who an area contact is: the nominated officer, or a further contact the lead adds for one of the responsible
# bodies (for the factual accuracy check above all). Each is invited the same way and sees the same portal.
CONTACTS = {"nominated_officer": "Nominated officer", "local_authority": "Local authority",
            "integrated_care_board": "Integrated care board"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def state_of(invitation: PortalInvitation, now: datetime | None = None) -> str:
    """accepted | withdrawn | expired | pending."""
    now = now or utcnow()
    if invitation.used_at:
        return "accepted"
    if invitation.withdrawn_at:
        return "withdrawn"
    return "expired" if invitation.expires_at <= now else "pending"


def bound_inspection_id(*, session: Session, user: User) -> int | None:
    """The one inspection an la_officer account belongs to, if any."""
    row = session.exec(select(AreaOfficer).where(AreaOfficer.user_id == user.id)).first()
    return row.inspection_id if row else None


def bind(*, session: Session, inspection: Inspection, user: User, contact: str = "nominated_officer") -> None:
    """Make an la_officer account belong to this inspection (the demo's officer; an accepted invitation)."""
    if user.role != Role.la_officer:
        raise ValueError("only a local area officer's account is bound to an inspection")
    if bound_inspection_id(session=session, user=user) is None:
        session.add(AreaOfficer(inspection_id=inspection.id, user_id=user.id, contact=contact))
        session.flush()


def contacts_of(*, session: Session, inspection: Inspection) -> dict[int, str]:
    """Each of the inspection's area officers (user id) and who they are for the area (a key of CONTACTS)."""
    return dict(session.exec(
        select(AreaOfficer.user_id, AreaOfficer.contact).where(AreaOfficer.inspection_id == inspection.id)).all())


def officers_of(*, session: Session, inspection: Inspection) -> list[User]:
    return list(session.exec(select(User).join(AreaOfficer, col(AreaOfficer.user_id) == User.id).where(
        AreaOfficer.inspection_id == inspection.id).order_by(User.name)).all())


def invitations_of(*, session: Session, inspection: Inspection) -> list[PortalInvitation]:
    return list(session.exec(select(PortalInvitation).where(PortalInvitation.inspection_id == inspection.id)
                             .order_by(col(PortalInvitation.created_at).desc())).all())


def _account_problem(session: Session, inspection: Inspection, email: str) -> str | None:
    existing = users.get_user_by_email(session=session, email=email)
    if existing is None:
        return None
    if existing.role != Role.la_officer:
        return "This email address belongs to an inspector's or administrator's account: invite the area's own officer"
    bound = bound_inspection_id(session=session, user=existing)
    if bound is not None and bound != inspection.id:
        return ("This officer already has access to another inspection, "
                "and an officer's account belongs to one inspection only")
    return None


def invite(*, session: Session, actor: Actor, inspection: Inspection, email: str, name: str = "",
           contact: str = "nominated_officer", now: datetime | None = None) -> tuple[PortalInvitation, str]:
    """A new invitation and its token (shown once: only its hash is kept). Earlier pending invitations of the
    same address to this inspection are withdrawn, so only the newest link works."""
    now = now or utcnow()
    email, name = users.normalise_email(email), name.strip()
    errors = {}
    if not email:
        errors["email"] = "Enter the nominated officer's email address"
    elif len(email) > 254 or not users.EMAIL_RE.match(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    elif problem := _account_problem(session, inspection, email):
        errors["email"] = problem
    if len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    if contact not in CONTACTS:
        errors["contact"] = "Select who this contact is for the area"
    if errors:
        raise ValidationFailed(errors)
    session.exec(update(PortalInvitation).where(
        col(PortalInvitation.inspection_id) == inspection.id, col(PortalInvitation.email) == email,
        col(PortalInvitation.used_at).is_(None), col(PortalInvitation.withdrawn_at).is_(None)).values(withdrawn_at=now))
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation(inspection_id=inspection.id, email=email, name=name, contact=contact,
                                  token_hash=_hash(token),
                                  expires_at=now + LIFETIME, created_by_id=actor.user_id, created_at=now)
    session.add(invitation)
    session.flush()
    record(session=session, actor=actor, action="portal.officer_invited", object_type="portal_invitation",
           object_id=invitation.id, inspection_id=inspection.id, detail={"email": email, "contact": contact})
    return invitation, token


def withdraw(*, session: Session, actor: Actor, inspection: Inspection, invitation_id: int) -> None:
    invitation = session.get(PortalInvitation, invitation_id)
    if invitation is None or invitation.inspection_id != inspection.id:
        raise NotFound()
    if state_of(invitation) != "pending":
        raise ValidationFailed({"invitation": "Only an invitation that has not been used or expired can be withdrawn"})
    invitation.withdrawn_at = utcnow()
    session.add(invitation)
    record(session=session, actor=actor, action="portal.invitation_withdrawn", object_type="portal_invitation",
           object_id=invitation.id, inspection_id=inspection.id)


def by_token(*, session: Session, token: str) -> PortalInvitation:
    invitation = session.exec(select(PortalInvitation).where(PortalInvitation.token_hash == _hash(token or ""))).first()
    if invitation is None:
        raise NotFound()
    return invitation


@dataclass
class Accepted:
    user: User
    inspection_id: int


def existing_account(*, session: Session, invitation: PortalInvitation) -> User | None:
    return users.get_user_by_email(session=session, email=invitation.email)


def accept(*, session: Session, token: str, name: str, password: str, confirm: str, ip_address: str | None,
           settings: Settings | None = None, between: Callable[[], None] | None = None,
           now: datetime | None = None) -> Accepted:
    """Use the link: check everything, then claim the invitation with one conditional UPDATE, so two tabs
    sending the form at once cannot both use it. A new address gets an account with the password chosen; an
    existing officer's account is only bound, with its own password: the link is shown to the lead, so it must
    never be a way to take over (or reactivate) someone's account. That password is checked as sign-in checks
    it (users.authenticate: wrong ones count towards the same lock, and `between` is its commit); the caller
    then signs the officer in, asking for their code first if they have two-factor sign-in."""
    now = now or utcnow()
    settings = settings or get_settings()
    invitation = by_token(session=session, token=token)
    inspections.refuse_changes_if_purged(session=session, inspection_id=invitation.inspection_id)
    state = state_of(invitation, now)
    if state != "pending":
        raise ValidationFailed({"invitation": state})
    user = existing_account(session=session, invitation=invitation)
    errors = {}
    inspection = inspections.get_inspection(session=session, inspection_id=invitation.inspection_id)
    if problem := _account_problem(session, inspection, invitation.email):
        errors["invitation"] = problem
    elif user is not None:
        if not user.active:
            errors["invitation"] = "This account has been deactivated: ask an administrator to reactivate it"
        else:
            try:
                user = users.authenticate(session=session, settings=settings, email=invitation.email,
                                          password=password, ip_address=ip_address, between=between)
            except users.LoginThrottled as locked:
                errors["password"] = locked.message
            except users.LoginFailed:
                errors["password"] = "Enter the password of your existing account"
    else:
        name = name.strip()
        if not name:
            errors["name"] = "Enter your full name"
        elif len(name) > 200:
            errors["name"] = "Name must be 200 characters or fewer"
        if problem := passwords.password_problem(password):
            errors["password"] = problem
        elif password != confirm:
            errors["confirm_password"] = "The passwords do not match"
    if errors:
        raise ValidationFailed(errors)
    claimed = session.exec(update(PortalInvitation).where(
        col(PortalInvitation.id) == invitation.id, col(PortalInvitation.used_at).is_(None),
        col(PortalInvitation.withdrawn_at).is_(None), col(PortalInvitation.expires_at) > now).values(used_at=now))
    if claimed.rowcount != 1:
        raise ValidationFailed({"invitation": "accepted"})
    if user is None:
        try:
            user = users.create_user(session=session, actor=Actor(None, invitation.email, ip_address),
                                     password=password, form=users.UserForm(email=invitation.email, name=name,
                                                                            role=Role.la_officer))
        except ValidationFailed as failure:
            # Another invitation to this address was accepted at the same instant: undo this one's use.
            raise StaleDataError(str(failure)) from failure
    bind(session=session, inspection=inspection, user=user, contact=invitation.contact)
    invitation.user_id, invitation.used_at = user.id, now
    session.add(invitation)
    session.flush()
    record(session=session, actor=Actor(user.id, user.email, ip_address), action="portal.invitation_accepted",
           object_type="portal_invitation", object_id=invitation.id, inspection_id=invitation.inspection_id)
    return Accepted(user, invitation.inspection_id)
