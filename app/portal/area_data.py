"""The area's key indicators: a template to fill in, an upload checked cell by cell (every problem shown with its
row and column before anything is saved), and the figures shown beside the case-file sample's own."""

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.audit.service import Actor, record
from app.errors import ValidationFailed
from app.fieldwork import service as fieldwork
from app.forms_common import CellProblem, CellsInvalid
from app.inspections.models import Inspection
from app.portal import content, spreadsheets
from app.portal.documents import checked_type, new_document, store_version
from app.portal.models import AreaDocument, AreaIndicatorValue
from app.portal.storage import Storage
from app.portal.uploads import Upload
from app.web.text import clean as clean_text

HEADINGS = ("code", "indicator", "value", "period")
MAX_ROWS = 500


class AreaDataInvalid(CellsInvalid):
    pass


@dataclass(frozen=True)
class Figure:
    code: str
    value: float
    period: str


# --- Template -------------------------------------------------------------------------------------------------

def _template_rows() -> list[list[str]]:
    return [[i.code, i.label, "", ""] for i in content.indicators().values()]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    writer.writerows(_template_rows())
    return out.getvalue()


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Key indicators"
    sheet.append(list(HEADINGS))
    for row in _template_rows():
        sheet.append(row)
    units = book.create_sheet("How to fill this in")
    units.append(["code", "unit", "what to enter"])
    explain = {"count": "a whole number, e.g. 412", "percent": "a percentage from 0 to 100, e.g. 61.5",
               "weeks": "a number of weeks, e.g. 18"}
    for indicator in content.indicators().values():
        units.append([indicator.code, indicator.unit_label, explain[indicator.unit]])
    for ws, widths in ((sheet, (34, 80, 12, 16)), (units, (34, 10, 50))):
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Reading and checking an upload ----------------------------------------------------------------------------

Row = tuple[int, list[object]]  # the row's number as the officer sees it, and its cells


def _numbered(rows: Iterable[Sequence[object]]) -> list[Row]:
    """The rows that hold anything, with their numbers: a sheet formatted further down than its figures or a CSV
    ending in empty lines is as long as what is written in it."""
    kept: list[Row] = []
    for number, values in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() != "" for v in values):
            kept.append((number, list(values)))
            if len(kept) > MAX_ROWS + 1:
                break
    return kept


def _number(raw: object, unit: str) -> tuple[float | None, str]:
    if isinstance(raw, bool):
        return None, "Enter a number"
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace(" ", "")
        if unit == "percent":
            text = text.removesuffix("%")
        try:
            value = float(text)
        except ValueError:
            like = "61.5" if unit == "percent" else "412"
            return None, f"Enter a number, like {like} (not ‘{str(raw).strip()[:40]}’)"
    if not math.isfinite(value):
        return None, "Enter a number"
    if unit == "percent" and not 0 <= value <= 100:
        return None, "Enter a percentage from 0 to 100"
    if value < 0:
        return None, "Enter a number of 0 or more"
    if unit == "count" and value != int(value):
        return None, "Enter a whole number"
    return value, ""


def check_rows(rows: list[Row]) -> tuple[list[Figure], list[CellProblem]]:
    """Every problem in the sheet at once, each with its row and column, or the figures it holds. `rows` are
    the rows that hold anything; the first is the headings."""
    problems: list[CellProblem] = []
    if not rows:
        return [], [CellProblem(1, "A", "", "The file is empty: use the template")]
    header_number, header_cells = rows[0]
    header = [str(v or "").strip().lower() for v in header_cells]
    columns = {name: header.index(name) for name in HEADINGS if name in header}
    missing = [name for name in ("code", "value") if name not in columns]
    if missing:
        return [], [CellProblem(header_number, "A", "", "The first row must be the column headings of the template, "
                                                        f"including {' and '.join(missing)}")]
    if len(rows) > MAX_ROWS + 1:
        return [], [CellProblem(rows[-1][0], "A", "", f"The file has more than {MAX_ROWS} rows: use the template")]
    letter = {name: get_column_letter(index + 1) for name, index in columns.items()}
    indicators = content.indicators()
    figures: list[Figure] = []
    first_row: dict[str, int] = {}

    def cell(row: list[object], name: str) -> object:
        index = columns.get(name)
        value = row[index] if index is not None and index < len(row) else None
        # A cell's text passes the one boundary for text: no one typed a control character into a spreadsheet.
        return clean_text(value) if isinstance(value, str) else value

    for number, row in rows[1:]:
        code = str(cell(row, "code") or "").strip().upper()
        raw_value = cell(row, "value")
        has_value = raw_value is not None and str(raw_value).strip() != ""
        if not code and not has_value:
            continue  # a blank row, or an indicator the area has no figure for
        if not code:
            problems.append(CellProblem(number, letter["code"], "code", "Enter the indicator code for this figure"))
            continue
        indicator = indicators.get(code)
        if indicator is None:
            problems.append(CellProblem(number, letter["code"], "code",
                                        f"‘{code[:40]}’ is not an indicator code of the template"))
            continue
        if code in first_row:
            problems.append(CellProblem(number, letter["code"], "code",
                                        f"{code} is also in row {first_row[code]}: give each indicator once"))
            continue
        first_row[code] = number
        if not has_value:
            continue
        value, message = _number(raw_value, indicator.unit)
        if value is None:
            problems.append(CellProblem(number, letter["value"], "value", message))
            continue
        period = str(cell(row, "period") or "").strip()
        if len(period) > 60:
            problems.append(CellProblem(number, letter.get("period", "D"), "period",
                                        "Period must be 60 characters or fewer"))
            continue
        figures.append(Figure(code, value, period))
    if not figures and not problems:
        problems.append(CellProblem(header_number + 1, letter["value"], "value",
                                    "The file has no figures: fill in the value column for at least one indicator"))
    return figures, problems


def import_area_data(*, session: Session, actor: Actor, storage: Storage, inspection: Inspection,
                     upload: Upload) -> int:
    """Check the upload; if every cell is right, keep the file as the next version of the area data and replace
    the figures. Nothing is saved when anything is wrong."""
    file_type = checked_type(upload, ("csv", "xlsx"), "a CSV or Excel (XLSX) file")
    read = spreadsheets.rows_of_xlsx if file_type == "xlsx" else spreadsheets.rows_of_csv
    try:
        rows = _numbered(read(upload.staged))
    except ValidationFailed:
        raise  # past a limit on size, rows, columns or time: the message says which
    except Exception:  # noqa: BLE001 - a workbook openpyxl cannot read, a CSV whose layout cannot be found
        raise ValidationFailed(
            {"file": "The selected file could not be read: save it again from the template"}) from None
    figures, problems = check_rows(rows)
    if problems:
        raise AreaDataInvalid(problems)
    document = _area_data_document(session, inspection)
    version = store_version(session=session, actor=actor, storage=storage, inspection=inspection, upload=upload,
                            file_type=file_type, document=document)
    session.exec(delete(AreaIndicatorValue).where(col(AreaIndicatorValue.inspection_id) == inspection.id))
    session.add_all(AreaIndicatorValue(inspection_id=inspection.id, code=f.code, value=f.value, period=f.period,
                                       source_version_id=version.id) for f in figures)
    session.flush()
    record(session=session, actor=actor, action="portal.area_data_imported", object_type="area_document",
           object_id=document.id, inspection_id=inspection.id, detail={"version": version.number,
                                                                       "figures": len(figures)})
    return len(figures)


def _area_data_document(session: Session, inspection: Inspection) -> AreaDocument:
    """The inspection's one area-data document, made by the first upload; if two first uploads race, the
    unique index lets one make it and the other uses it."""
    find = select(AreaDocument).where(AreaDocument.inspection_id == inspection.id,
                                      AreaDocument.requested == "area_data")
    if (document := session.exec(find).first()) is not None:
        return document
    try:
        with session.begin_nested():
            return new_document(session=session, inspection=inspection, requested="area_data")
    except IntegrityError:
        return session.exec(find).one()


# --- What inspectors see -----------------------------------------------------------------------------------------

@dataclass
class IndicatorRow:
    label: str
    unit: str
    area: AreaIndicatorValue | None
    sample: fieldwork.SampleFigure | None
    has_sample: bool


def figures_of(*, session: Session, inspection: Inspection) -> dict[str, AreaIndicatorValue]:
    return {v.code: v for v in session.exec(select(AreaIndicatorValue).where(
        AreaIndicatorValue.inspection_id == inspection.id)).all()}


def comparison(*, session: Session, inspection: Inspection) -> list[IndicatorRow]:
    """Every indicator: the area's figure (if given) and the case-file sample's own where there is one."""
    area = figures_of(session=session, inspection=inspection)
    sample = fieldwork.sample_figures(session=session, inspection=inspection)
    return [IndicatorRow(i.label, i.unit, area.get(code), sample.get(i.sample) if i.sample else None, bool(i.sample))
            for code, i in content.indicators().items()]
