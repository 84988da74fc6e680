"""The area's documents: each upload checked by content, stored through the storage interface, and kept as a
version when it is replaced."""

import uuid
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.portal import content
from app.portal.models import AreaDocument, AreaDocumentVersion
from app.portal.storage import Storage, delete_after_commit, save_in_transaction
from app.portal.uploads import FILE_TYPES, MAX_UPLOAD_BYTES, Upload, identify, safe_filename
from app.web import text

DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "ods", "csv")
TYPES_SENTENCE = "a PDF, Word (DOCX), Excel (XLSX), OpenDocument spreadsheet (ODS) or CSV file"


def checked_type(upload: Upload, allowed: tuple[str, ...], sentence: str) -> str:
    """The file's real type, or ValidationFailed with the GOV.UK message for what is wrong with it."""
    if not upload.chosen:
        raise ValidationFailed({"file": "Select a file to upload"})
    if upload.too_large:
        raise ValidationFailed(
            {"file": f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"})
    if upload.size == 0 or upload.path is None:
        raise ValidationFailed({"file": "The selected file is empty"})
    file_type, looks_like = identify(upload.path, upload.head)
    if file_type not in allowed:
        what = looks_like or (FILE_TYPES[file_type][0] if file_type else "")  # a type, but not one taken here
        seen = f" (this one is {what})" if what else ""
        raise ValidationFailed({"file": f"The selected file must be {sentence}{seen}"})
    return file_type


def store_version(*, session: Session, actor: Actor, storage: Storage, inspection: Inspection, upload: Upload,
                  file_type: str, document: AreaDocument) -> AreaDocumentVersion:
    """Move the staged file into the store and record it as the document's next version."""
    # Checked again here: the upload arrived after the request's first transaction ended (see portal.web.receive).
    inspections.refuse_changes_if_purged(session=session, inspection_id=inspection.id)
    session.exec(select(AreaDocument).where(AreaDocument.id == document.id).with_for_update()).one()
    number = (session.exec(select(func.max(AreaDocumentVersion.number)).where(
        AreaDocumentVersion.document_id == document.id)).one() or 0) + 1
    key = f"inspection-{inspection.id}/{uuid.uuid4().hex}.{file_type}"
    version = AreaDocumentVersion(document_id=document.id, number=number,
                                  filename=safe_filename(upload.filename, file_type), file_type=file_type,
                                  size_bytes=upload.size, sha256=upload.sha256, storage_key=key,
                                  uploaded_by_id=actor.user_id)
    save_in_transaction(session, storage, key, upload.staged)
    upload.path = None  # the store has it now
    session.add(version)
    session.flush()
    record(session=session, actor=actor,
           action="portal.document_uploaded" if number == 1 else "portal.document_replaced",
           object_type="area_document", object_id=document.id, inspection_id=inspection.id,
           detail={"version": number, "filename": version.filename, "type": file_type, "bytes": upload.size,
                   "sha256": upload.sha256, "requested": document.requested})
    return version


def new_document(*, session: Session, inspection: Inspection, requested: str) -> AreaDocument:
    document = AreaDocument(inspection_id=inspection.id, requested=requested)
    session.add(document)
    session.flush()
    return document


def upload_document(*, session: Session, actor: Actor, storage: Storage, inspection: Inspection, upload: Upload,
                    requested: str = "", document_id: int | None = None) -> AreaDocumentVersion:
    """A new document (answering one of the requests) or, with document_id, a new version of one."""
    document = get_document(session=session, inspection=inspection, document_id=document_id) if document_id else None
    errors = {}
    if document is None and requested not in {r.key for r in content.requested()}:
        errors["requested"] = "Select what this document is"
    try:
        file_type = checked_type(upload, DOCUMENT_TYPES, TYPES_SENTENCE)
    except ValidationFailed as failure:
        errors.update(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    document = document or new_document(session=session, inspection=inspection, requested=requested)
    return store_version(session=session, actor=actor, storage=storage, inspection=inspection, upload=upload,
                         file_type=file_type, document=document)


def get_document(*, session: Session, inspection: Inspection, document_id: int | str | None) -> AreaDocument:
    document = session.get(AreaDocument, did) if (did := text.as_id(document_id)) else None
    if document is None or document.inspection_id != inspection.id:
        raise NotFound()
    return document


def get_version(*, session: Session, inspection: Inspection, document_id: int, number: int) -> AreaDocumentVersion:
    document = get_document(session=session, inspection=inspection, document_id=document_id)
    version = session.exec(select(AreaDocumentVersion).where(AreaDocumentVersion.document_id == document.id,
                                                              AreaDocumentVersion.number == number)).first()
    if version is None:
        raise NotFound()
    return version


@dataclass
class DocumentRow:
    document: AreaDocument
    versions: list[AreaDocumentVersion]  # newest first

    @property
    def current(self) -> AreaDocumentVersion:
        return self.versions[0]

    @property
    def requested_title(self) -> str:
        return content.requested_title(self.document.requested)


def documents_of(*, session: Session, inspection: Inspection, include_area_data: bool = True) -> list[DocumentRow]:
    rows: dict[int, DocumentRow] = {}
    query = (select(AreaDocument, AreaDocumentVersion)
             .join(AreaDocumentVersion, col(AreaDocumentVersion.document_id) == AreaDocument.id)
             .where(AreaDocument.inspection_id == inspection.id)
             .order_by(col(AreaDocument.id), col(AreaDocumentVersion.number).desc()))
    for document, version in session.exec(query).all():
        if document.requested == "area_data" and not include_area_data:
            continue
        rows.setdefault(document.id, DocumentRow(document, [])).versions.append(version)
    order = {r.key: n for n, r in enumerate(content.requested())}
    return sorted(rows.values(), key=lambda r: (order.get(r.document.requested, 99), r.document.id))


def has_self_evaluation(*, session: Session, inspection: Inspection) -> bool:
    return session.exec(select(AreaDocument.id).where(AreaDocument.inspection_id == inspection.id,
                                                      AreaDocument.requested == "self_evaluation")).first() is not None


# --- Retention -------------------------------------------------------------------------------------------------


# What the area sends for an obligation after publication (a written statement of action, a plan) is its answer to
# the public letter, not fieldwork: the inspectorates' decision rests on it, and one sent again may still await a
# decision when the purge comes. It stays, as the obligation's record does.
KEPT_BY_PURGE = "after_inspection"


def stored_files(*, session: Session, inspection_id: int) -> list[str]:
    """The storage keys of every version the area uploaded for this inspection that the purge removes."""
    return list(session.exec(select(AreaDocumentVersion.storage_key)
                             .join(AreaDocument, col(AreaDocument.id) == AreaDocumentVersion.document_id)
                             .where(AreaDocument.inspection_id == inspection_id,
                                    AreaDocument.requested != KEPT_BY_PURGE)).all())


def purge(*, session: Session, storage: Storage | None, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """The area's documents and every version go; their files only after the commit (delete_after_commit).
    A dry run only counts them, and needs no storage."""
    keys = stored_files(session=session, inspection_id=inspection_id)
    if not dry_run:
        if storage is None:
            raise ValueError("Deleting the area's documents needs the storage their files are in")
        for document in session.exec(select(AreaDocument).where(AreaDocument.inspection_id == inspection_id,
                                                                AreaDocument.requested != KEPT_BY_PURGE)).all():
            session.delete(document)  # and its versions, by the foreign key
        for key in keys:
            delete_after_commit(session, storage, key)
        session.flush()
    return {"uploaded_files": len(keys)}


def all_stored_files(*, session: Session) -> set[str]:
    return set(session.exec(select(AreaDocumentVersion.storage_key)).all())
