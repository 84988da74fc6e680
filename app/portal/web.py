"""What the portal's routes share: the upload intake around a service call, and sending a stored file back."""

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.errors import NotFound
from app.portal import uploads
from app.portal.models import AreaDocumentVersion
from app.portal.storage import Storage, get_storage, staging_dir
from app.web import csrf
from app.web.templating import is_htmx, render

StorageDep = Annotated[Storage, Depends(get_storage)]


async def receive(request: Request, db: Session, storage: Storage,
                  fields: tuple[str, ...] = ()) -> uploads.Upload | Response:
    """The streamed upload with its CSRF token checked, or the page that says why it could not be read.

    The request's transaction (so far: reading who is signed in) ends before the body is read: a slow upload
    must not hold a database connection, or on SQLite the write lock, while it arrives. The service call after
    it starts a new one."""
    await run_in_threadpool(db.commit)
    try:
        upload = await uploads.receive(request, staging=staging_dir(storage), fields=fields)
    except uploads.UploadRefused as refused:
        too_large = str(refused) == "far too large"
        detail = ("The selected file must be smaller than 25 MB." if too_large
                  else "The upload could not be read. Go back and choose the file again.")
        return render(request, "errors/generic.html", {"status": 413 if too_large else 400, "detail": detail},
                      status_code=413 if too_large else 400)
    try:
        csrf.verify_streamed_form(request, upload.fields.get("csrf_token"))
    except csrf.CsrfFailed:
        upload.discard()
        raise
    return upload


Result = TypeVar("Result")


async def run(work: Callable[[], Result], upload: uploads.Upload) -> Result:
    """The service call (synchronous database work) off the event loop; the staged file goes whatever happens
    (the store has moved it away if the call kept it)."""
    try:
        return await run_in_threadpool(work)
    finally:
        upload.discard()


def done(request: Request, url: str) -> Response:
    """After an upload: htmx (which showed the progress) is told where to go; a plain form is redirected."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def file_response(storage: Storage, version: AreaDocumentVersion) -> StreamingResponse:
    try:
        handle = storage.open(version.storage_key)
    except FileNotFoundError:
        raise NotFound() from None

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(256 * 1024):
                yield chunk

    ascii_name = version.filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return StreamingResponse(chunks(), media_type=uploads.FILE_TYPES[version.file_type][1], headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(version.filename)}",
        "Content-Length": str(version.size_bytes), "Cache-Control": "private, no-store"})
