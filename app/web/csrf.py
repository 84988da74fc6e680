"""CSRF tokens. Signed-in: a random token stored with the session. Signed-out (the sign-in form): a random
nonce in a cookie and its HMAC in the form, so no server state is made for anonymous visitors."""

import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.responses import Response

from app.config import get_settings

ANON_COOKIE = "sfw_anon"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfFailed(Exception):
    pass


def _sign(nonce: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def token_for(request: Request) -> str:
    auth = getattr(request.state, "auth", None)
    if auth is not None and auth.csrf_token is not None:
        return auth.csrf_token
    nonce = request.cookies.get(ANON_COOKIE) or getattr(request.state, "new_anon_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.new_anon_nonce = nonce
    return _sign(nonce)


def set_anonymous_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "new_anon_nonce", None)
    if nonce:
        response.set_cookie(ANON_COOKIE, nonce, httponly=True, samesite="lax", secure=request.url.scheme == "https")


async def sent_token(request: Request) -> str | None:
    token = request.headers.get("X-CSRF-Token")
    if token:
        return token
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches the parsed form for the route
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def checks_token_itself(endpoint):
    """Mark a route that streams its own multipart body (an upload): reading the form here first would parse
    the whole file before the route could refuse it. The route must call verify_streamed_form()."""
    endpoint.checks_csrf_token_itself = True
    return endpoint


def defers_to_route(request: Request) -> bool:
    return (getattr(request.scope.get("endpoint"), "checks_csrf_token_itself", False)
            and not request.headers.get("X-CSRF-Token"))


def verify_streamed_form(request: Request, sent: str | None) -> None:
    """For a route marked with checks_token_itself: the header was checked before the route ran; otherwise
    check the token the streamed form carried."""
    if request.headers.get("X-CSRF-Token"):
        return
    auth = getattr(request.state, "auth", None)
    verify(request, sent, auth.csrf_token if auth else None)


def verify(request: Request, sent: str | None, session_token: str | None) -> None:
    if not sent:
        raise CsrfFailed()
    if session_token is not None:
        if not hmac.compare_digest(sent, session_token):
            raise CsrfFailed()
        return
    nonce = request.cookies.get(ANON_COOKIE)
    if not nonce or not hmac.compare_digest(sent, _sign(nonce)):
        raise CsrfFailed()
