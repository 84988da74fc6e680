"""Two-factor sign-in with time-based codes (TOTP, pyotp): optional for everyone, required for administrators;
and asking for the password (and code) again before exports and user administration."""

import time
from datetime import timedelta

import pyotp
import segno
from sqlmodel import Session

from app.audit.service import Actor, record
from app.config import Settings
from app.errors import ValidationFailed
from app.models_base import utcnow
from app.users import passwords
from app.users import service as users
from app.users.models import Role, User, UserSession

ISSUER = "SEND Fieldwork"
MAX_CODE_FAILURES = 5  # then the half-signed-in session ends and the password (itself throttled) is needed again
REAUTH_FOR = timedelta(minutes=15)


def required_for(user: User) -> bool:
    return user.role == Role.admin


def needs_enrolment(user: User) -> bool:
    return required_for(user) and not user.totp_secret


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time-step the code belongs to (now, or one step either side for a slow hand or clock), if it has not
    been used already."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, now_step = pyotp.TOTP(secret), int(time.time()) // 30
    for step in (now_step, now_step - 1, now_step + 1):
        if totp.at(step * 30) == code and (last_step is None or step > last_step):
            return step
    return None


def start_enrolment(*, session: Session, user_session: UserSession) -> str:
    """A new secret kept with this browser's session until a code from it is confirmed."""
    if not user_session.pending_totp_secret:
        user_session.pending_totp_secret = pyotp.random_base32()
        session.add(user_session)
        session.flush()
    return user_session.pending_totp_secret


def qr_svg(user: User, secret: str) -> str:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", title="QR code for "
                                                 "your authenticator app")


def confirm_enrolment(*, session: Session, actor: Actor, user: User, user_session: UserSession, code: str) -> None:
    secret = user_session.pending_totp_secret
    step = _matching_step(secret, code, None) if secret else None
    if step is None:
        raise ValidationFailed({"code": "Enter the 6-digit code your authenticator app shows now"})
    user.totp_secret, user.totp_last_step = secret, step
    user_session.pending_totp_secret, user_session.reauthenticated_at = None, utcnow()
    session.add_all([user, user_session])
    record(session=session, actor=actor, action="user.two_factor_enrolled", object_type="user", object_id=user.id)


def pass_second_factor(*, session: Session, settings: Settings, actor: Actor, user: User, user_session: UserSession,
                       code: str) -> bool:
    """True when the code is right (the session is then fully signed in). Wrong codes count against the account
    like wrong passwords (the same lock, whichever session they come from), and MAX_CODE_FAILURES end this
    session: False, and the caller sends the person back to the password."""
    session.refresh(user, with_for_update=True)  # one request at a time decides whether this code was used
    if users.is_locked(session=session, email=user.email):
        session.delete(user_session)
        return False
    step = _matching_step(user.totp_secret or "", code, user.totp_last_step)
    if step is None:
        user_session.second_factor_failures += 1
        locked = users.register_failure(session=session, settings=settings, email=user.email).locked_until
        record(session=session, actor=actor, action="login.second_factor_failed", object_type="user", object_id=user.id)
        if locked or user_session.second_factor_failures >= MAX_CODE_FAILURES:
            session.delete(user_session)
            return False
        session.add(user_session)
        raise ValidationFailed({"code": "Enter the 6-digit code your authenticator app shows now"})
    user.totp_last_step = step
    users.clear_failures(session=session, email=user.email)
    user_session.second_factor_pending, user_session.second_factor_failures = False, 0
    user_session.reauthenticated_at = utcnow()
    session.add_all([user, user_session])
    record(session=session, actor=actor, action="login.second_factor_passed", object_type="user", object_id=user.id)
    return True


def recently_confirmed(user_session: UserSession | None) -> bool:
    return bool(user_session and user_session.reauthenticated_at
                and utcnow() - user_session.reauthenticated_at < REAUTH_FOR)


SessionEnded = users.SessionEnded  # too many wrong answers to "confirm it is you": sign in again


def reauthenticate(*, session: Session, settings: Settings, actor: Actor, user: User, user_session: UserSession,
                   password: str, code: str) -> None:
    """The password (and code) again. One message whichever was wrong, so neither can be guessed on its own;
    failures count against the account like sign-in failures, and at the lock the session ends."""
    session.refresh(user, with_for_update=True)
    step = _matching_step(user.totp_secret, code, user.totp_last_step) if user.totp_secret else None
    right = passwords.verify_password(user.password_hash, password or "") and (step is not None or not user.totp_secret)
    if not right:
        record(session=session, actor=actor, action="user.reauthentication_failed", object_type="user",
               object_id=user.id)
        throttle = users.register_failure(session=session, settings=settings, email=user.email)
        if throttle.locked_until:
            session.delete(user_session)
            raise SessionEnded()
        raise ValidationFailed({"password": "Your password or code is not correct" if user.totp_secret
                                else "Your password is not correct"})
    if step is not None:
        user.totp_last_step = step
        session.add(user)
    user_session.reauthenticated_at = utcnow()
    session.add(user_session)
    record(session=session, actor=actor, action="user.reauthenticated", object_type="user", object_id=user.id)
