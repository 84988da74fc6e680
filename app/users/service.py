"""Accounts, sign-in with throttling, and server-side sessions."""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NoReturn

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, delete, select

from app.audit.service import Actor, record
from app.config import Settings
from app.errors import NotFound, ValidationFailed
from app.models_base import utcnow
from app.users import passwords
from app.users.models import InspectorKind, LoginThrottle, Role, User, UserSession

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def normalise_area(area: str | None) -> str:
    """Area names compare without case, punctuation or a trailing 'council'."""
    text = re.sub(r"[^a-z0-9]+", " ", (area or "").lower()).strip()
    return re.sub(r"\s+(county|city|borough|metropolitan)?\s*council$", "", text).strip()


class UserForm(BaseModel):
    email: str = ""
    name: str = ""
    role: str = ""
    inspector_kind: str = ""
    home_area: str = ""


def _validate_user_form(form: UserForm, *, session: Session, existing: User | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = normalise_email(form.email)
    if not email:
        errors["email"] = "Enter an email address"
    elif len(email) > 254 or not EMAIL_RE.match(email):
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    else:
        other = get_user_by_email(session=session, email=email)
        if other is not None and (existing is None or other.id != existing.id):
            errors["email"] = "A user with this email address already exists"
    name = form.name.strip()
    if not name:
        errors["name"] = "Enter the user's full name"
    elif len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    if form.role not in Role.__members__:
        errors["role"] = "Select the user's role"
    if form.role == Role.inspector:
        if form.inspector_kind not in InspectorKind.__members__:
            errors["inspector_kind"] = "Select what kind of inspector this is"
        elif form.inspector_kind == InspectorKind.la_peer and not form.home_area.strip():
            errors["home_area"] = "Enter the local authority a local authority inspector comes from"
    elif form.inspector_kind and form.inspector_kind not in InspectorKind.__members__:
        errors["inspector_kind"] = "Select what kind of inspector this is"
    if len(form.home_area.strip()) > 200:
        errors["home_area"] = "Home area must be 200 characters or fewer"
    return errors


def _apply(user: User, form: UserForm) -> None:
    user.email = normalise_email(form.email)
    user.name = form.name.strip()
    user.role = form.role
    user.inspector_kind = form.inspector_kind if form.role == Role.inspector else None
    user.home_area = form.home_area.strip() or None


def create_user(*, session: Session, actor: Actor, form: UserForm, password: str) -> User:
    errors = _validate_user_form(form, session=session)
    problem = passwords.password_problem(password)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    user = User(email="", name="", role="", password_hash=passwords.hash_password(password))
    _apply(user, form)
    session.add(user)
    session.flush()
    record(session=session, actor=actor, action="user.created", object_type="user", object_id=user.id,
           detail={"email": user.email, "role": user.role})
    return user


def update_user(*, session: Session, actor: Actor, user: User, form: UserForm) -> User:
    errors = _validate_user_form(form, session=session, existing=user)
    if errors:
        raise ValidationFailed(errors)
    before = {"email": user.email, "name": user.name, "role": user.role,
              "inspector_kind": user.inspector_kind, "home_area": user.home_area}
    _apply(user, form)
    after = {"email": user.email, "name": user.name, "role": user.role,
             "inspector_kind": user.inspector_kind, "home_area": user.home_area}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    session.add(user)
    record(session=session, actor=actor, action="user.updated", object_type="user", object_id=user.id,
           detail={"changed": changed})
    return user


def set_active(*, session: Session, actor: Actor, user: User, active: bool) -> User:
    if not active and actor.user_id == user.id:
        raise ValidationFailed({"active": "You cannot deactivate your own account"})
    user.active = active
    session.add(user)
    if not active:
        session.exec(delete(UserSession).where(col(UserSession.user_id) == user.id))
    record(session=session, actor=actor, action="user.activated" if active else "user.deactivated",
           object_type="user", object_id=user.id)
    return user


def reset_password(*, session: Session, actor: Actor, user: User, keep: UserSession | None = None) -> str:
    """Give the user a one-off password to change at next sign-in; their sessions end (all but `keep`, the
    administrator's own, when they reset their own password)."""
    temporary = passwords.temporary_password()
    user.password_hash = passwords.hash_password(temporary)
    user.must_change_password = True
    user.totp_secret, user.totp_last_step = None, None  # a lost phone is the usual reason to ask
    session.add(user)
    end_other_sessions(session=session, user=user, keep=keep)
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.email) == user.email))
    record(session=session, actor=actor, action="user.password_reset", object_type="user", object_id=user.id)
    return temporary


class SessionEnded(Exception):
    """Too many wrong passwords (or codes) from a signed-in session: the account is locked and this session is
    over; sign in again once the lock lapses."""


def change_password(*, session: Session, settings: Settings, actor: Actor, user: User, user_session: UserSession,
                    current: str, new: str, confirm: str) -> None:
    """A new password for the signed-in user. A wrong current password counts against the account like a wrong
    sign-in (a stolen session must not become a way to guess it), and at the lock this session ends. Once
    changed, every other session of the account ends: this browser stays signed in."""
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = "Enter your current password"
    elif not passwords.verify_password(user.password_hash, current):
        record(session=session, actor=actor, action="user.password_change_failed", object_type="user",
               object_id=user.id)
        if register_failure(session=session, settings=settings, email=user.email).locked_until:
            session.delete(user_session)
            raise SessionEnded()
        errors["current_password"] = "Your current password is not correct"
    problem = passwords.password_problem(new)
    if problem:
        errors["new_password"] = problem
    elif new != confirm:
        errors["confirm_password"] = "The passwords do not match"
    elif new == current:
        errors["new_password"] = "Choose a password different from your current one"
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    session.add(user)
    end_other_sessions(session=session, user=user, keep=user_session)
    record(session=session, actor=actor, action="user.password_changed", object_type="user", object_id=user.id)


def set_password(*, session: Session, actor: Actor, user: User, new: str, confirm: str) -> None:
    """A password chosen through a single-use link (an invitation): no current password to give. Any other
    session of the account ends."""
    problem = passwords.password_problem(new)
    if problem:
        raise ValidationFailed({"password": problem})
    if new != confirm:
        raise ValidationFailed({"confirm_password": "The passwords do not match"})
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    session.add(user)
    session.exec(delete(UserSession).where(col(UserSession.user_id) == user.id))
    record(session=session, actor=actor, action="user.password_set", object_type="user", object_id=user.id)


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.active).desc(), User.name)).all())


# --- Sign-in ---------------------------------------------------------------------------------------------


class LoginFailed(Exception):
    message = "Enter a correct email address and password"


class LoginThrottled(LoginFailed):
    def __init__(self, minutes: int):
        super().__init__()
        self.minutes = minutes
        self.message = (
            "There have been too many failed attempts to sign in to this account. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def authenticate(*, session: Session, settings: Settings, email: str, password: str, ip_address: str | None,
                 between: Callable[[], None] | None = None) -> User:
    """Check a sign-in. Failures are counted per email address, known or not, and audited.

    The password hash is checked between two transactions: `between` (the route's commit) ends the first, which
    only read, so the slow Argon2 check holds no database lock (on SQLite, the write lock every transaction
    takes). The counts are then read again and written in the second."""
    email = normalise_email(email)
    actor = Actor(user_id=None, email=email or None, ip_address=ip_address)
    throttle = session.get(LoginThrottle, email) if email else None
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        _refuse_locked(session, actor, throttle.locked_until)
    user = get_user_by_email(session=session, email=email) if email else None
    stored_hash = user.password_hash if user else None
    if between is not None:
        between()
    valid = passwords.verify_password(stored_hash, password or "")
    now = utcnow()
    if email:
        session.expire_all()  # what other attempts wrote meanwhile; the row stays locked until commit
        throttle = session.get(LoginThrottle, email, with_for_update=True)
        user = get_user_by_email(session=session, email=email)
        if throttle and throttle.locked_until and throttle.locked_until > now:
            # Locked by attempts that finished first: refused, even if right.
            _refuse_locked(session, actor, throttle.locked_until)

    if not (valid and user and user.active):
        if email:
            throttle = register_failure(session=session, settings=settings, email=email, now=now)
        record(session=session, actor=Actor(user.id if user else None, email or None, ip_address),
               action="login.failed", object_type="user", object_id=user.id if user else None,
               detail={"reason": "inactive" if (valid and user) else "bad_credentials"})
        if throttle and throttle.locked_until and throttle.locked_until > now:
            raise LoginThrottled(settings.login_lockout_minutes)
        raise LoginFailed()

    if throttle and not user.totp_secret:  # with a code still to come, the count stands until the code is right
        session.delete(throttle)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
    record(session=session, actor=Actor(user.id, user.email, ip_address), action="login.succeeded",
           object_type="user", object_id=user.id)
    return user


def register_failure(*, session: Session, settings: Settings, email: str, now: datetime | None = None) -> LoginThrottle:
    """One more failed attempt (a password or a sign-in code) against this address; locks it at the limit. The
    row is locked while counting, and a first failure racing another inserts once, so no count is lost."""
    now = now or utcnow()
    throttle = session.get(LoginThrottle, email, with_for_update=True)
    if throttle is None:
        try:
            with session.begin_nested():
                throttle = LoginThrottle(email=email, failures=0)
                session.add(throttle)
                session.flush()
        except IntegrityError:
            throttle = session.get(LoginThrottle, email, with_for_update=True, populate_existing=True)
            if throttle is None:  # the row that won the race was cleared again at once (by a sign-in)
                raise StaleDataError("the sign-in count changed at the same moment") from None
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failures, throttle.locked_until = 0, None
    throttle.failures += 1
    throttle.updated_at = now
    if throttle.failures >= settings.login_max_failures:
        throttle.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
    session.add(throttle)
    return throttle


def clear_failures(*, session: Session, email: str) -> None:
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.email) == email))


def is_locked(*, session: Session, email: str) -> bool:
    throttle = session.get(LoginThrottle, email)
    return bool(throttle and throttle.locked_until and throttle.locked_until > utcnow())


def _refuse_locked(session: Session, actor: Actor, locked_until: datetime) -> NoReturn:
    minutes = max(1, -(-int((locked_until - utcnow()).total_seconds()) // 60))
    record(session=session, actor=actor, action="login.refused_throttled", object_type="user",
           detail={"locked_until": locked_until.isoformat()})
    raise LoginThrottled(minutes)


# --- Sessions --------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User, ip_address: str | None) -> tuple[str, UserSession]:
    token = secrets.token_urlsafe(32)
    user_session = UserSession(
        token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32), ip_address=ip_address
    )
    session.add(user_session)
    session.flush()
    return token, user_session


def load_session(*, session: Session, settings: Settings, token: str | None) -> tuple[UserSession, User] | None:
    """The live session for a cookie token, or None when it is unknown, idle too long or too old."""
    if not token or len(token) > 100:
        return None
    user_session = session.exec(select(UserSession).where(UserSession.token_hash == _token_hash(token))).first()
    if user_session is None:
        return None
    now = utcnow()
    if _expired(user_session, settings=settings, now=now):
        session.delete(user_session)
        return None
    user = session.get(User, user_session.user_id)
    if user is None or not user.active:
        return None
    # Touch at most once a minute: every page view need not be a write.
    if now - user_session.last_seen_at > timedelta(minutes=1):
        user_session.last_seen_at = now
        session.add(user_session)
    return user_session, user


def _expired(user_session: UserSession, *, settings: Settings, now: datetime) -> bool:
    return (
        now - user_session.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
        or now - user_session.created_at > timedelta(hours=settings.session_absolute_hours)
    )


def end_other_sessions(*, session: Session, user: User, keep: UserSession | None = None) -> None:
    """Sign the account out everywhere but `keep` (the browser that changed the password)."""
    ending = delete(UserSession).where(col(UserSession.user_id) == user.id)
    if keep is not None:
        ending = ending.where(col(UserSession.id) != keep.id)
    session.exec(ending)


def end_session(*, session: Session, user_session: UserSession, actor: Actor) -> None:
    session.delete(user_session)
    record(session=session, actor=actor, action="logout", object_type="user", object_id=user_session.user_id)
