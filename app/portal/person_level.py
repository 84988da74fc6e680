"""The person-level list through the portal: the area's officer uploads the list of every child and young person
with SEND (CSV or XLSX, read within limits sized for a large county); case tracking checks it and keeps only the
columns selection needs. The file itself is not stored: it may hold columns the inspection must not keep."""

import csv
import io
from collections.abc import Iterable, Sequence

from sqlmodel import Session

from app.audit.service import Actor
from app.casetracking import service as casetracking
from app.casetracking.models import PersonLevelList
from app.errors import ValidationFailed
from app.inspections.models import Inspection
from app.portal import spreadsheets
from app.portal.documents import checked_type
from app.portal.uploads import Upload, safe_filename

MB = 1024 * 1024
# 50,000 children of 20 columns is about 8 MB as CSV and 30 MB unpacked as XLSX; reading that many rows takes
# openpyxl about 15 seconds of one core. Past these the file is not the list, or is built to hurt.
LIMITS = spreadsheets.Limits(
    unpacked_bytes=40 * MB,
    rows=casetracking.MAX_CHILDREN + 1_000,  # formatting often runs past the last child
    columns=60,
    seconds=30.0,
    too_big="The selected file must hold less than 40 MB of data once opened: save the list with only the "
            "template's columns and upload that",
    csv_too_big="The selected file must be smaller than 40 MB: save the list with only the template's columns "
                "and upload that",
    too_slow="The selected file took too long to read: save the list with only the template's columns as a CSV "
             "file and upload that",
)


def template_csv(inspection: Inspection) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        casetracking.template_headings(casetracking.tracking_of(inspection).person_level))
    return out.getvalue()


def _numbered(rows: Iterable[Sequence[object]]) -> list[tuple[int, Sequence[object]]]:
    """The rows that hold anything, with their numbers as the officer sees them."""
    return [(number, values) for number, values in enumerate(rows, start=1)
            if any(v is not None and str(v).strip() != "" for v in values)]


def import_person_level(*, session: Session, actor: Actor, inspection: Inspection,
                        upload: Upload) -> PersonLevelList:
    casetracking.tracking_of(inspection)  # NotFound under a framework without case tracking
    file_type = checked_type(upload, ("csv", "xlsx"), "a CSV or Excel (XLSX) file")
    try:
        if file_type == "xlsx":
            rows = _numbered(spreadsheets.rows_of_xlsx(upload.staged, LIMITS))
        else:
            rows = _numbered(spreadsheets.rows_of_csv(upload.staged, LIMITS))
    except ValidationFailed:
        raise  # past a limit on size, rows, columns or time: the message says which
    except Exception:  # noqa: BLE001 - a workbook openpyxl cannot read, a CSV whose layout cannot be found
        raise ValidationFailed(
            {"file": "The selected file could not be read: save it again as CSV or XLSX"}) from None
    return casetracking.import_list(session=session, actor=actor, inspection=inspection, rows=rows,
                                    filename=safe_filename(upload.filename, file_type), sha256=upload.sha256)
