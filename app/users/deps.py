"""Who is signed in, for every route: the session from its cookie, CSRF on unsafe requests, the signed-in user
(and the states that stop them: a temporary password, a code still to give, two-factor sign-in to set up), the
administrator, a recent password for exports, and the acting user for the audit trail."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.audit.service import Actor
from app.errors import NotFound
from app.users import service as users
from app.users import two_factor
from app.users.models import Role, User, UserSession
from app.web import csrf
from app.web.deps import DbSession, SettingsDep, client_ip

SESSION_COOKIE = "sfw_session"



@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user: plain values, still readable in an error page rendered
    after the request's database session has been rolled back and closed."""

    id: int
    email: str
    name: str
    role: str
    role_label: str
    must_change_password: bool


@dataclass
class RequestAuth:
    user_session: UserSession | None = None
    user: User | None = None
    viewer: Viewer | None = None
    csrf_token: str | None = None
    # Password given, code not yet: only the two-factor page is open to this session.
    awaiting_code: User | None = None

    @property
    def signed_in_session(self) -> UserSession:
        """The session of a request signed in (or awaiting its code), for the routes only such a request reaches."""
        if self.user_session is None:
            raise NotAuthenticated()
        return self.user_session


class NotAuthenticated(Exception):
    pass


class PasswordChangeRequired(Exception):
    pass


class SecondFactorRequired(Exception):
    """Signed in with the password; the code is still to come."""


class TwoFactorSetupRequired(Exception):
    """An administrator without two-factor sign-in: nothing else until it is set up."""


class RecentSignInRequired(Exception):
    """Exports and user administration: give the password (and code) again first."""


def get_auth(request: Request, db: DbSession, settings: SettingsDep) -> RequestAuth:
    loaded = users.load_session(session=db, settings=settings, token=request.cookies.get(SESSION_COOKIE))
    auth = RequestAuth()
    if loaded and loaded[0].second_factor_pending:
        auth = RequestAuth(loaded[0], None, None, loaded[0].csrf_token, awaiting_code=loaded[1])
    elif loaded:
        user_session, user = loaded
        viewer = Viewer(user.id, user.email, user.name, user.role, user.role_label, user.must_change_password)
        auth = RequestAuth(user_session, user, viewer, user_session.csrf_token)
    request.state.auth = auth
    return auth


Auth = Annotated[RequestAuth, Depends(get_auth)]


async def csrf_protect(request: Request, auth: Auth) -> None:
    """Applied to every route: unsafe methods must carry the token (form field or X-CSRF-Token)."""
    if request.method in csrf.SAFE_METHODS or csrf.defers_to_route(request):
        return
    sent = await csrf.sent_token(request)
    csrf.verify(request, sent, auth.csrf_token)


def signed_in_user(auth: Auth) -> User:
    """The signed-in user, even one who must still change a temporary password or set up two-factor sign-in."""
    if auth.awaiting_code is not None:
        raise SecondFactorRequired()
    if auth.user is None:
        raise NotAuthenticated()
    return auth.user


def require_user(user: Annotated[User, Depends(signed_in_user)]) -> User:
    if user.must_change_password:
        raise PasswordChangeRequired()
    if two_factor.needs_enrolment(user):
        raise TwoFactorSetupRequired()
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def require_admin(user: CurrentUser, auth: Auth) -> User:
    if user.role != Role.admin:
        raise NotFound()  # pages that do not exist for you look like pages that do not exist
    if not two_factor.recently_confirmed(auth.user_session):
        raise RecentSignInRequired()  # user administration: the password (and code) again first
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def require_recent_sign_in(user: CurrentUser, auth: Auth) -> User:
    """For exports: whoever asks has given their password (and code) in the last few minutes."""
    if not two_factor.recently_confirmed(auth.user_session):
        raise RecentSignInRequired()
    return user


RecentlySignedIn = Annotated[User, Depends(require_recent_sign_in)]


def get_actor(request: Request, auth: Auth) -> Actor:
    user = auth.user
    return Actor(user_id=user.id if user else None, email=user.email if user else None, ip_address=client_ip(request))


ActorDep = Annotated[Actor, Depends(get_actor)]
