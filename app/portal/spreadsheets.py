"""An uploaded spreadsheet's rows, read within fixed limits: a file made to be expensive (a ZIP bomb, a sheet that
claims a million rows, a CSV of one endless line) is refused in about a second, before it costs more.

Each limit is many times what the area-data template needs filled in (14 indicators: 15 rows of 4 columns,
about 25 KB unpacked), so only a file that is not the template, or one built to hurt, meets it."""

import copy
import csv
import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.errors import ValidationFailed
from app.portal.uploads import SNIFF_CHARS

# All of an XLSX's parts unpacked (and the most a CSV may hold): the template unpacks to 25 KB, its CSV is 1 KB;
# 2 MB leaves room for sheets of working, a logo or bloated styles. It also bounds what openpyxl reads whole and
# cannot be stopped in (the styles, the workbook): about 0.4 seconds a MB at worst on our 2-core machines.
MAX_UNPACKED_BYTES = 2 * 1024 * 1024
# Rows the first sheet may use, counting empty rows that carry formatting: the template uses 15, and formatting
# often runs further down than the figures (a new Google sheet has 1,000 rows).
MAX_SHEET_ROWS = 1_000
# Columns, counted the same way: the template uses 4 (A to D); a new Google sheet has 26 (A to Z).
MAX_SHEET_COLUMNS = 26
# Characters in one cell: the longest indicator name has 76, a period may have 60.
MAX_CELL_CHARS = 1_000
# Processor time to read the file, this thread's own (a busy server does not count against the file): a
# filled-in template takes about 10 ms, 1,000 rows of 26 numbers about 0.2 seconds.
MAX_READ_SECONDS = 1.0
CHUNK = 64 * 1024

USE_THE_TEMPLATE = "copy your figures into the template and upload that"
TOO_BIG = (f"The selected file must hold less than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB of data once opened "
           f"(a filled-in template holds about 25 KB): {USE_THE_TEMPLATE}")
CSV_TOO_BIG = (f"The selected file must be smaller than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB (a filled-in "
               f"template is under 2 KB): {USE_THE_TEMPLATE}")
TOO_SLOW = (f"The selected file must take less than {MAX_READ_SECONDS:g} second to read (a filled-in template "
            f"takes a hundredth of that): {USE_THE_TEMPLATE}")


@dataclass(frozen=True)
class Limits:
    """The limits of one kind of upload: the area data's are the module's constants (read when a file is read);
    a larger template (the person-level list of every child with SEND) passes its own."""

    unpacked_bytes: int
    rows: int
    columns: int
    seconds: float
    too_big: str
    csv_too_big: str
    too_slow: str


def area_data_limits() -> Limits:
    return Limits(MAX_UNPACKED_BYTES, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS, MAX_READ_SECONDS, TOO_BIG, CSV_TOO_BIG,
                  TOO_SLOW)


def too_many_rows(detail: str, limits: Limits | None = None) -> str:
    rows = (limits or area_data_limits()).rows
    return (f"The selected file must use no more than {rows:,} rows ({detail}): delete every row below "
            f"your figures, even empty ones, or {USE_THE_TEMPLATE}")


def too_many_columns(count: int, limits: Limits | None = None) -> str:
    columns = (limits or area_data_limits()).columns
    last = get_column_letter(min(count, 16_384))  # XFD, Excel's last column; a larger count is a made-up file
    return (f"The selected file must use no more than {columns} columns, A to "
            f"{get_column_letter(columns)} (this one goes across to column {last}): delete every column "
            f"to the right of your figures, even empty ones, or {USE_THE_TEMPLATE}")


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.ends = time.thread_time() + limits.seconds

    def check(self) -> None:
        if time.thread_time() > self.ends:
            raise _refused(self.limits.too_slow)


class _TimedFile(io.FileIO):
    """The staged file, the time checked at every read: the ZIP reader comes back here for each piece of
    compressed data, so openpyxl stops within a piece of the limit wherever it is."""

    def __init__(self, path: Path, budget: _Budget) -> None:
        super().__init__(path, "rb")
        self.budget = budget

    def read(self, size: int | None = -1) -> bytes:
        self.budget.check()
        return super().read(size)


Cell = TypeVar("Cell")


def _checked(number: int, values: list[Cell], limits: Limits) -> list[Cell]:
    if number > limits.rows:
        raise _refused(too_many_rows("this one goes further down", limits))
    if len(values) > limits.columns:
        raise _refused(too_many_columns(len(values), limits))
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise _refused(f"Row {number}, column {get_column_letter(index)} must be {MAX_CELL_CHARS:,} characters "
                           "or fewer: shorten it and upload the file again")
    return values


# --- CSV -----------------------------------------------------------------------------------------------------

def rows_of_csv(path: Path, limits: Limits | None = None) -> list[list[str]]:
    """Every row, empty ones too, as lists of text. ValidationFailed past a limit; csv.Error (or another
    error) for a file whose layout cannot be found."""
    limits = limits or area_data_limits()
    budget = _Budget(limits)
    if path.stat().st_size > limits.unpacked_bytes:
        raise _refused(limits.csv_too_big)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    dialect = csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=",;\t") if text.strip() else csv.excel
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        budget.check()
        rows.append(_checked(number, row, limits))
    return rows


# --- XLSX ----------------------------------------------------------------------------------------------------

def rows_of_xlsx(path: Path, limits: Limits | None = None) -> list[list[object]]:
    """Every row of the first sheet, empty ones too, as lists of values (a percentage as Excel shows it).
    ValidationFailed past a limit; openpyxl's or zipfile's error for a file that cannot be read."""
    budget = _Budget(limits or area_data_limits())
    with _TimedFile(path, budget) as staged:
        with zipfile.ZipFile(staged) as archive:
            _check_unpacked_size(archive, budget)
        staged.seek(0)
        book = load_workbook(staged, read_only=True, data_only=True)
        try:
            return _rows_of_sheet(book.worksheets[0], budget)
        finally:
            book.close()


def _check_unpacked_size(archive: zipfile.ZipFile, budget: _Budget) -> None:
    """The sizes the ZIP's directory declares, before anything is unpacked; then the parts unpacked, counting
    what really comes out, in case the directory under-declares. (The intake has refused any compression but
    Deflate, whose reader unpacks a piece at a time.)"""
    most = budget.limits.unpacked_bytes
    parts = archive.infolist()
    if sum(part.file_size for part in parts) > most:
        raise _refused(budget.limits.too_big)
    unpacked = 0
    for part in parts:
        # The reader stops at the size it is given: given more than the whole allowance, it stops only at the
        # part's real end or at our count.
        counted = copy.copy(part)
        counted.file_size = most + CHUNK + 1
        with archive.open(counted) as stream:
            while chunk := stream.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > most:
                    raise _refused(budget.limits.too_big)
                budget.check()


def _rows_of_sheet(sheet: Any, budget: _Budget) -> list[list[object]]:  # openpyxl's sheet (untyped)
    limits = budget.limits
    # The size the sheet declares, checked before any row is read...
    if (sheet.max_row or 0) > limits.rows:
        raise _refused(too_many_rows(f"this one goes down to row {sheet.max_row:,}", limits))
    if (sheet.max_column or 0) > limits.columns:
        raise _refused(too_many_columns(sheet.max_column, limits))
    # ...and not trusted: without it each row is as wide as the cells it really has (openpyxl would fill every
    # row out to a declared width), and reading stops one row past the limit.
    sheet.reset_dimensions()
    rows = []
    for number, row in enumerate(sheet.iter_rows(max_row=limits.rows + 1), start=1):
        budget.check()
        rows.append(_checked(number, [_cell_value(cell) for cell in row], limits))
    return rows


def _cell_value(cell: Any) -> object:
    value = getattr(cell, "value", None)
    # A cell formatted as a percentage holds 0.615 for 61.5%.
    if isinstance(value, (int, float)) and "%" in (getattr(cell, "number_format", "") or ""):
        value = round(value * 100, 9)  # 0.07 * 100 is 7.000000000000001
    return value
