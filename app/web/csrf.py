"""CSRF tokens. Signed-in: a random token stored with the session. Signed-out (the sign-in form): a random
nonce in a cookie and its HMAC in the form, so no server state is made for anonymous visitors.

Every response carries the token masked afresh (a random pad and the token XORed with it, as Django does), so no
secret repeats from one response to the next: pages can then be compressed without the BREACH attack learning
the token byte by byte from their compressed sizes. Any masking of the token verifies, and so does the token
itself (a page saved for offline use before masking began still works)."""

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.responses import Response

from app.config import get_settings

ANON_COOKIE = "sfw_anon"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfFailed(Exception):
    pass


def _sign(nonce: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def mask(token: str) -> str:
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))).decode().rstrip("=")


def unmask(sent: str) -> bytes | None:
    try:
        data = base64.urlsafe_b64decode(sent + "=" * (-len(sent) % 4))
    except (ValueError, binascii.Error):
        return None
    half = len(data) // 2
    if not data or len(data) % 2:
        return None
    return bytes(a ^ b for a, b in zip(data[:half], data[half:], strict=True))


def _matches(sent: str, token: str) -> bool:
    expected = token.encode()
    unmasked = unmask(sent)
    return (unmasked is not None and hmac.compare_digest(unmasked, expected)) or \
        hmac.compare_digest(sent.encode("utf-8", "surrogatepass"), expected)


def token_for(request: Request) -> str:
    """The token to put in this response, masked afresh."""
    auth = getattr(request.state, "auth", None)
    if auth is not None and auth.csrf_token is not None:
        return mask(auth.csrf_token)
    nonce = request.cookies.get(ANON_COOKIE) or getattr(request.state, "new_anon_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.new_anon_nonce = nonce
    return mask(_sign(nonce))


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


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_CHECK_THEIR_OWN_TOKEN: set[Callable[..., Any]] = set()


def checks_token_itself(endpoint: Endpoint) -> Endpoint:
    """Mark a route that streams its own multipart body (an upload): reading the form here first would parse
    the whole file before the route could refuse it. The route must call verify_streamed_form()."""
    _CHECK_THEIR_OWN_TOKEN.add(endpoint)
    return endpoint


def defers_to_route(request: Request) -> bool:
    return request.scope.get("endpoint") in _CHECK_THEIR_OWN_TOKEN and not request.headers.get("X-CSRF-Token")


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
        if not _matches(sent, session_token):
            raise CsrfFailed()
        return
    nonce = request.cookies.get(ANON_COOKIE)
    if not nonce or not _matches(sent, _sign(nonce)):
        raise CsrfFailed()
