"""Area data read within limits: a ZIP bomb, a directory that under-declares, too many rows or columns, an
over-long cell, a file too slow to read and packages the intake will not unpack are refused through the
officer's upload with a message that says which limit and what to do, and nothing is kept. (How quickly is
measured in bench/area_data_bomb.py, not here.)"""

import csv
import io
import struct
import zipfile

import pytest
from openpyxl import Workbook
from sqlmodel import select

from app.portal import area_data, spreadsheets
from app.portal.models import AreaDocument, AreaDocumentVersion
from tests.integration.conftest import csrf_of, error_summary, soup
from tests.integration.test_area_data import figures, officer_client, send  # noqa: F401 - officer_client: a fixture

SHEET = "xl/worksheets/sheet1.xml"
ROW = b'<row><c t="n"><v>1</v></c><c t="n"><v>2</v></c><c t="n"><v>3</v></c><c t="n"><v>4</v></c></row>'


def template_with(sheet: dict[str, object] | None = None, rows: list[list[object]] | None = None) -> bytes:
    """The template as an officer fills it in: figures in the value column, and anything else given by cell."""
    book = Workbook()
    ws = book.active
    ws.append(list(area_data.HEADINGS))
    for row in rows or [["EHC_REQUESTS", "Requests", 412, "2025"]]:
        ws.append(row)
    for ref, value in (sheet or {}).items():
        ws[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet_part(xlsx: bytes, write_sheet, *, compresslevel: int = 6, force_zip64: bool = False) -> bytes:
    """`xlsx` with its first sheet's XML replaced by what `write_sheet(stream)` writes, streamed into the ZIP (never
    whole in memory)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as package:
        for info in source.infolist():
            if info.filename == SHEET:
                with package.open(SHEET, "w", force_zip64=force_zip64) as stream:
                    write_sheet(stream)
            else:
                package.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def rows_of_ones(megabytes: int):
    chunk = ROW * (1024 * 1024 // len(ROW))

    def write(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        for _ in range(megabytes):
            stream.write(chunk)
        stream.write(b"</sheetData></worksheet>")
    return write


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A 4 MB XLSX whose sheet unpacks to 450 MB of rows (quick to make at the lowest compression)."""
    return with_sheet_part(template_with(), rows_of_ones(450), compresslevel=1, force_zip64=True)


def nothing_more_kept(db, storage, versions: int = 0) -> bool:
    return (len(storage.keys()) == versions and list(storage.staging_dir.iterdir()) == []
            and len(db.exec(select(AreaDocumentVersion)).all()) == versions
            and (versions > 0) == (db.exec(select(AreaDocument)).first() is not None))


def refused(page, message: str) -> bool:
    assert page.status_code == 422
    assert error_summary(page) == [message]
    assert soup(page).select_one("#file-error").get_text(" ", strip=True) == f"Error: {message}"
    return True


def test_a_zip_bomb_is_refused_from_the_sizes_its_directory_declares_and_the_figures_stay(
        client, db, storage, officer_client, zip_bomb):
    client, inspection, _ = officer_client
    assert send(client, inspection, b"code,value\nMEDIATION_CASES,31\n").status_code == 303
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist())
    assert declared > 450_000_000 and len(zip_bomb) < 5_000_000
    page = send(client, inspection, zip_bomb, "area-data.xlsx")
    assert refused(page, "The selected file must hold less than 2 MB of data once opened (a filled-in template "
                         "holds about 25 KB): copy your figures into the template and upload that")
    assert figures(db) == {"MEDIATION_CASES": (31.0, "")}  # the earlier upload's, untouched
    assert nothing_more_kept(db, storage, versions=1)


def under_declared(xlsx: bytes, name: str, size: int) -> bytes:
    """`xlsx` with the part `name` declared in the ZIP's central directory as `size` bytes unpacked."""
    data = bytearray(xlsx)
    start = 0
    while (start := data.find(b"PK\x01\x02", start + 1)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, start + 24, size)  # the central header's uncompressed size
            return bytes(data)
    raise AssertionError(f"{name} not found")


def test_a_directory_that_under_declares_is_caught_by_counting_what_really_unpacks(client, db, storage,
                                                                                    officer_client):
    client, inspection, _ = officer_client
    liar = under_declared(with_sheet_part(template_with(), rows_of_ones(5)), SHEET, 4_000)
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(liar)).infolist()) < 30_000
    page = send(client, inspection, liar, "area-data.xlsx")
    assert refused(page, spreadsheets.TOO_BIG)
    assert figures(db) == {} and nothing_more_kept(db, storage)


ROWS_MESSAGE = ("The selected file must use no more than 1,000 rows ({}): delete every row below your figures, even "
                "empty ones, or copy your figures into the template and upload that")
COLUMNS_MESSAGE = ("The selected file must use no more than 26 columns, A to Z (this one goes across to column {}): "
                   "delete every column to the right of your figures, even empty ones, or copy your figures into the "
                   "template and upload that")


def without_dimension(xlsx: bytes) -> bytes:
    """As some programs write it: no <dimension>, so the sheet's size is known only by reading it."""
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read(SHEET)
    start = sheet.index(b"<dimension")
    return with_sheet_part(xlsx, lambda stream: stream.write(sheet[:start] + sheet[sheet.index(b"/>", start) + 2:]))


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize(("make", "filename", "message"), [
    # A stray mark far down the sheet: its declared dimension says so before a row is read.
    (lambda: template_with({"A1048576": "x"}), "area-data.xlsx",
     ROWS_MESSAGE.format("this one goes down to row 1,048,576")),
    (lambda: template_with({"C1001": 5}), "area-data.xlsx", ROWS_MESSAGE.format("this one goes down to row 1,001")),
    # No dimension: reading stops one row past the limit.
    (lambda: without_dimension(template_with(rows=[["EHC_REQUESTS", "", n, ""] for n in range(5_000)])),
     "area-data.xlsx", ROWS_MESSAGE.format("this one goes further down")),
    (lambda: csv_of([["code", "value"]] + [["", ""]] * 1_000 + [["EHC_REQUESTS", "4"]]), "area-data.csv",
     ROWS_MESSAGE.format("this one goes further down")),
    (lambda: template_with({"XFD1": "x"}), "area-data.xlsx", COLUMNS_MESSAGE.format("XFD")),
    (lambda: template_with({"AA2": "notes"}), "area-data.xlsx", COLUMNS_MESSAGE.format("AA")),
    (lambda: without_dimension(template_with({"AD7": "notes"})), "area-data.xlsx", COLUMNS_MESSAGE.format("AD")),
    (lambda: csv_of([["code", "value"] + [f"note {n}" for n in range(28)], ["EHC_REQUESTS", "4"] + ["-"] * 28]),
     "area-data.csv",
     COLUMNS_MESSAGE.format("AD")),
    (lambda: csv_of([["code", "value", "period"], ["EHC_REQUESTS", "4", "x" * 1_001]]), "area-data.csv",
     "Row 2, column C must be 1,000 characters or fewer: shorten it and upload the file again"),
    (lambda: template_with({"B3": "y" * 1_500}), "area-data.xlsx",
     "Row 3, column B must be 1,000 characters or fewer: shorten it and upload the file again"),
    (lambda: b"code,value\n" + b"MEDIATION_CASES,1\n" * 120_000, "area-data.csv",
     ("The selected file must be smaller than 2 MB (a filled-in template is under 2 KB): copy your figures into the "
      "template and upload that")),
], ids=["stray-mark-in-the-last-row", "row-1001", "5000-rows-undeclared", "csv-1002-rows", "stray-mark-in-XFD",
        "column-AA", "column-AD-undeclared", "csv-30-columns", "csv-long-cell", "xlsx-long-cell", "csv-over-2-MB"])
def test_a_file_past_a_limit_is_refused_saying_which_and_nothing_is_kept(client, db, storage, officer_client,
                                                                        make, filename, message):
    client, inspection, _ = officer_client
    assert refused(send(client, inspection, make(), filename), message)
    assert figures(db) == {} and nothing_more_kept(db, storage)


def test_a_sheet_formatted_to_the_limits_is_read(client, db, storage, officer_client):
    """1,000 rows by 26 columns (the size of a new Google sheet), a figure in the last row."""
    client, inspection, _ = officer_client
    book = Workbook()
    ws = book.active
    ws.append(list(area_data.HEADINGS))
    ws.append(["EHC_REQUESTS", "Requests", 412, "2025"])
    ws["Z2"].number_format = ws["D999"].number_format = "@"  # formatted, empty
    ws.append([])
    ws["A1000"], ws["C1000"] = "TRIBUNAL_APPEALS", 57
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    assert b'<dimension ref="A1:Z1000"/>' in sheet
    sent = send(client, inspection, content, "area-data.xlsx")
    assert sent.status_code == 303, error_summary(sent)
    assert figures(db) == {"EHC_REQUESTS": (412.0, "2025"), "TRIBUNAL_APPEALS": (57.0, "")}


def test_a_file_that_takes_longer_than_the_time_allowed_is_refused(client, db, storage, officer_client, monkeypatch):
    client, inspection, _ = officer_client
    monkeypatch.setattr(spreadsheets, "MAX_READ_SECONDS", 0.0)  # the real limit, reached at once
    page = send(client, inspection, template_with(), "area-data.xlsx")
    assert refused(page, "The selected file must take less than 1 second to read (a filled-in template takes a "
                         "hundredth of that): copy your figures into the template and upload that")
    assert figures(db) == {} and nothing_more_kept(db, storage)


def bzip2_package(kind: str) -> bytes:
    """A package whose parts are compressed with bzip2, which Python's reader unpacks a whole chunk at a time: a
    few hundred bytes that would unpack to 200 MB at once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as package:
        if kind == "ods":
            with package.open("mimetype", "w") as stream:
                for _ in range(200):  # 200 MB of zeros: 300 bytes of bzip2
                    stream.write(b"\0" * (1024 * 1024))
        else:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def many_parts() -> bytes:
    """A package whose table of contents lists 25,000 empty parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(25_000):
            package.writestr(f"xl/media/part{n:05d}.bin", b"")
    return out.getvalue()


@pytest.mark.parametrize(("make", "filename"), [
    (lambda: bzip2_package("ods"), "area-data.ods"), (lambda: bzip2_package("xlsx"), "area-data.xlsx"),
    (many_parts, "area-data.xlsx"),
], ids=["bzip2-ods", "bzip2-xlsx", "25000-parts"])
@pytest.mark.parametrize("route", ["area data", "documents"])
def test_packages_the_intake_will_not_unpack_are_refused_on_both_upload_routes(client, db, storage, officer_client,
                                                                               make, filename, route):
    client, inspection, _ = officer_client
    content = make()
    if route == "area data":
        page = send(client, inspection, content, filename)
        message = "The selected file must be a CSV or Excel (XLSX) file (this one is a damaged or incomplete file)"
    else:
        page = client.post(f"/portal/{inspection.id}/documents",
                           data={"csrf_token": csrf_of(client, f"/portal/{inspection.id}"),
                                 "requested": "self_evaluation"},
                           files={"file": (filename, content, "application/octet-stream")})
        message = ("The selected file must be a PDF, Word (DOCX), Excel (XLSX), OpenDocument spreadsheet (ODS) or CSV "
                   "file (this one is a damaged or incomplete file)")
    assert refused(page, message)
    assert nothing_more_kept(db, storage)


def test_an_ods_is_refused_by_its_type_without_being_unpacked(client, db, storage, officer_client):
    """Area data is read from CSV and XLSX only: an OpenDocument spreadsheet, however large inside, is refused
    once its 'mimetype' part (a few bytes) says what it is."""
    client, inspection, _ = officer_client
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        with package.open("content.xml", "w") as stream:
            for _ in range(30):  # 30 MB
                stream.write(b"<table:table-row/>" * 58_000)
    page = send(client, inspection, out.getvalue(), "area-data.ods")
    assert refused(page, "The selected file must be a CSV or Excel (XLSX) file (this one is OpenDocument spreadsheet)")
    assert nothing_more_kept(db, storage)


def test_a_csv_that_sends_the_delimiter_guess_into_square_time_is_read_as_far_as_its_columns(client, db, storage,
                                                                                            officer_client):
    """64 KB of 'a,"': csv.Sniffer took 14 s over it when the intake sniffed the whole sample."""
    client, inspection, _ = officer_client
    page = send(client, inspection, (b'a,"' * 22_000)[:65_536], "area-data.csv")
    assert page.status_code == 422
    assert error_summary(page)[0].startswith("The selected file must use no more than 26 columns, A to Z")
    assert nothing_more_kept(db, storage)
