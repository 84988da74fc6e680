"""Structured logs: one JSON object per line on stdout (LOG_FORMAT=text for people reading a terminal), each
carrying the id of the request it belongs to, so one request can be followed across a proxy and app replicas."""

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: ContextVar[str] = ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only if it is plainly an id: nothing a client sends reaches a log line unchecked.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_QUIET_PATHS = ("/healthz", "/readyz", "/static/")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class _OurHandler(logging.StreamHandler[TextIO]):
    """Marks the handler this module installs, so configuring again replaces it rather than adding another."""


class _TextFormatter(logging.Formatter):
    """The terminal's format. An access line's facts travel as extra fields, which a plain format never prints
    (JSON prints them all), so they are written out here: "request GET /inspections 200 12.3 ms user 4"."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        facts = record.__dict__
        if "method" in facts and "status" in facts:
            line += f" {facts['method']} {facts['path']} {facts['status']} {facts['duration_ms']} ms"
            if facts.get("user_id") is not None:
                line += f" user {facts['user_id']}"
        return line


def configure(level: str = "INFO", fmt: str = "json") -> None:
    handler = _OurHandler(sys.stdout)
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                           rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, _OurHandler)] + [handler]
    root.setLevel(level.upper())
    # uvicorn's own lines (start-up, errors) go through the same handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = [], True
    logging.getLogger("uvicorn.access").disabled = True


access_log = logging.getLogger("sendfw.access")


class RequestLogMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sent a sound one), returns it in the response
    header with the server's time (Server-Timing), and logs one line per request: method, path (never the query,
    which may hold searched text), status, duration and the signed-in user's id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        sent_id = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        rid = sent_id if _GOOD_ID.match(sent_id) else uuid.uuid4().hex
        request_id.set(rid)  # each request runs in its own task, so this never leaks into another request
        start, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Server-Timing: the server's own time for the request (reading it, the work, the commit), apart
                # from the network; browsers show it beside each request, and bench/sync.py reads it.
                took = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER.lower().encode(), rid.encode()),
                                      (b"server-timing", took.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = scope["path"]
            auth = scope.get("state", {}).get("auth")
            user_id = getattr(getattr(auth, "viewer", None), "id", None)
            level = logging.DEBUG if path.startswith(_QUIET_PATHS) and status < 400 else logging.INFO
            access_log.log(level, "request", extra={
                "method": scope["method"], "path": path, "status": status, "user_id": user_id,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1)})
