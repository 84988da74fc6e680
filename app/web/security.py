"""Security headers on every response."""

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Pages no browser cache or service worker may keep (a shared tablet, a session that timed out): safeguarding
# concerns and their list, account and sign-in pages (a two-factor key is shown there), administration, the
# officer's invitation. A concern's blank form is not among them: it must work offline.
NEVER_STORED = re.compile(r"^/(inspections/\d+/concerns(/(?!new$)[^/]+.*)?$|account/|admin/|login|invitations/)")


def _signed_in(scope: Scope) -> bool:
    auth = scope.get("state", {}).get("auth")  # set by the sign-in dependency, when the route used it
    return getattr(auth, "user_session", None) is not None


def security_headers(scope: Scope) -> dict[bytes, bytes]:
    """The headers every response carries (a response's own header of the same name wins)."""
    headers = {
        b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"same-origin",
        b"x-frame-options": b"DENY",
        b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
        b"cross-origin-opener-policy": b"same-origin",
    }
    if NEVER_STORED.match(scope.get("path", "")):
        headers[b"cache-control"] = b"no-store"
    elif _signed_in(scope):
        # Someone's own page: no shared cache keeps it, and the browser asks again before showing a kept copy
        # (after sign-out, Back must not show it). The service worker still keeps pages saved for offline use.
        headers[b"cache-control"] = b"private, no-cache"
    if scope.get("scheme") == "https":
        headers[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
    return headers


def add_security_headers(request: Request, response: Response) -> Response:
    """For the one response the middleware never sees: the 500 page. Starlette's ServerErrorMiddleware, which
    renders it with the app's handler for Exception, always sits outside every middleware the app adds."""
    for name, value in security_headers(request.scope).items():
        response.headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return response


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in security_headers(scope).items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
