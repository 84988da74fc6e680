"""JSON API for offline devices: POST /api/v1/sync and GET /api/v1/inspections/{id}/changes (firm contract)."""

import gc
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field

from app.db import run_retrying
from app.inspections.deps import CurrentInspection
from app.sync import service
from app.users.deps import CurrentUser
from app.web import text
from app.web.deps import DbSession, client_ip
from app.web.json_route import OrjsonRequest, OrjsonRoute


class SyncIn(BaseModel):
    device_id: Annotated[str, AfterValidator(text.clean)] = Field(min_length=1, max_length=100)
    # left_to_right: an op that matches the schema becomes an Op here, once; in pydantic's default "smart"
    # mode the Any branch wins for every dict and each op would be validated a second time in the service.
    ops: list[Annotated[service.Op | Any, Field(union_mode="left_to_right")]] = Field(
        max_length=service.MAX_OPS,
        description="At most 500 operations, applied in order. Each is validated alone: a malformed op is "
                    "rejected with its errors and never fails the batch.")


class OpResult(BaseModel):
    op_id: str | None
    status: str = Field(description="applied | duplicate | conflict | rejected")
    id: str | None
    version: int | None
    errors: list[str]


class SyncOut(BaseModel):
    results: list[OpResult] = Field(description="One result per op, in the order sent.")
    cursor: str


class Change(BaseModel):
    entity: str
    id: str
    version: int
    deleted: bool = Field(description="A tombstone: the record was deleted.")
    data: dict[str, Any] | None
    seq: int = Field(description="Where this change sits in the team's change log. Pages carry the position they "
                                 "were drawn at (data-cursor), so a device can show what arrived after a saved page.")


class ChangesOut(BaseModel):
    changes: list[Change]
    cursor: str
    more: bool


_gc_lock = threading.Lock()
_gc_pauses = 0


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A batch of 500 ops makes some 20,000 containers that live until its response is sent: the cyclic garbage
    collector would walk them a dozen times while they are built (and now and then the whole heap, 100 ms and
    more), to find no garbage. It waits for the batch instead, and collects as usual after. Counted, so that one
    batch ending never switches it back on while another is still running."""
    global _gc_pauses  # noqa: PLW0603 - one count for the process, as the collector is one for the process
    with _gc_lock:
        _gc_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                gc.enable()


class _CollectorPausingRequest(OrjsonRequest):
    """The collector paused from the moment the whole body has arrived to the encoded response, not only while
    the batch is applied: the body's ops are the first 10,000 of those containers, and a collection while they
    were decoded (the whole heap, now and then, 90-170 ms) landed in the request's time as surely as one while
    they were applied. Not while the body arrives: a slow sender, signed in or not (the body is read before the
    session and CSRF checks), would hold the collector off for every other request."""

    _pause: ExitStack | None = None

    def received(self) -> None:
        if self._pause is None:
            self._pause = ExitStack()
            self._pause.enter_context(_collector_paused())

    def finished(self) -> None:
        if self._pause is not None:
            self._pause.close()
            self._pause = None


class _CollectorPausedRoute(OrjsonRoute):
    request_class = _CollectorPausingRequest


router = APIRouter(prefix="/api/v1", tags=["sync"], route_class=_CollectorPausedRoute)


@router.post("/sync", max_body_size=16 * 1024 * 1024, response_model=SyncOut,
             responses={401: {"description": "Not signed in"}, 403: {"description": "Missing CSRF token"}})
def sync(body: SyncIn, request: Request, db: DbSession, user: CurrentUser) -> SyncOut:
    """Apply a device's queued operations. Idempotent by op_id: a replay returns `duplicate` with the first
    result and changes nothing. A stale base_version, or a create for an id that exists with other content, is a
    `conflict`: the incoming version is kept beside the current one for the team to resolve."""
    # Ops that matched the schema arrive as Op objects; the rest as sent, to be rejected one by one.
    # Two devices editing the same records in opposite orders can deadlock in PostgreSQL; the loser runs again.
    # (The collector is paused from the decoded body to the response: see _CollectorPausingRequest.)
    results = run_retrying(db, lambda: service.apply_batch(session=db, user=user, device_id=body.device_id,
                                                           ops=body.ops, ip_address=client_ip(request)))
    return SyncOut.model_validate({"results": results, "cursor": service.current_cursor(session=db)})


@router.get("/inspections/{inspection_id}/changes", response_model=ChangesOut,
            responses={404: {"description": "Not found"}, 422: {"description": "Bad cursor"}})
def changes(inspection: CurrentInspection, db: DbSession,
            since: str = Query("", description="Cursor from the last pull"),
            limit: int = Query(service.CHANGES_PAGE, ge=1, le=service.CHANGES_PAGE)) -> ChangesOut | JSONResponse:
    """Every change the team made since the cursor, each record once as it is now (tombstones for deletions),
    paged: pull again with the returned cursor while `more` is true."""
    try:
        found, cursor, more = service.changes_since(session=db, inspection=inspection, cursor=since, limit=limit)
    except service.CursorInvalid:
        return JSONResponse({"detail": "The cursor is not valid",
                             "errors": {"since": "Use a cursor this API returned"}}, status_code=422)
    return ChangesOut(changes=[Change.model_validate(c) for c in found], cursor=cursor, more=more)
