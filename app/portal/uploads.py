"""The upload intake: a multipart body streamed to a staging file (never held in memory), its SHA-256 and size
counted on the way, then what the file really is decided from its content, not its name."""

import codecs
import csv
import hashlib
import io
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import filetype
from fastapi import Request
from pathvalidate import sanitize_filename
from streaming_form_data import StreamingFormDataParser
from streaming_form_data.targets import BaseTarget, ValueTarget
from streaming_form_data.validators import MaxSizeValidator

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# Past the limit the rest of the body is read and thrown away, so the browser gets the error page rather than
# a reset connection; past this much more, reading stops.
DRAIN_LIMIT = 4 * MAX_UPLOAD_BYTES
FIELD_LIMIT = 20_000  # bytes of any ordinary form field
HEAD_BYTES = 8192
# The table of contents of a DOCX, XLSX or ODS package, about 100 bytes a part: a real one lists tens of parts (a
# Word file full of pictures, a few hundred). Reading it costs about 6 microseconds a part, so 25 MB of empty
# parts would cost two seconds before anything else.
MAX_PACKAGE_DIRECTORY_BYTES = 1024 * 1024
# How the parts may be compressed: what Office and LibreOffice write. Python's bzip2 and LZMA readers unpack a
# whole compressed chunk at once, whatever it holds (a 500-byte upload took nearly 1 GB of memory).
PACKAGE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
SNIFF_CHARS = 4096  # csv.Sniffer's quote search takes time in the square of its sample: 64 KB took 14 s

FILE_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "csv": ("CSV", "text/csv"),
}
ODF_MIMETYPES = {b"application/vnd.oasis.opendocument.spreadsheet": "ods"}
LOOKS_LIKE = {"exe": "a Windows program", "elf": "a Linux program", "dmg": "a Mac disk image", "zip": "a ZIP archive",
              "rar": "a RAR archive", "7z": "a 7-Zip archive", "jpg": "a photo", "png": "an image", "gif": "an image",
              "doc": "an old-style Word document", "xls": "an old-style Excel spreadsheet"}


class UploadRefused(Exception):
    """The body could not be read as an upload form at all (malformed, or far too large)."""


class _Staging(BaseTarget):
    """Writes the file part to a staging file as it arrives; beyond the limit it only counts."""

    def __init__(self, directory: Path, limit: int):
        super().__init__()
        self.directory, self.limit = directory, limit
        self.path: Path | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = bytearray()
        self._file: IO[bytes] | None = None

    def on_start(self) -> None:
        if self.path is not None:  # a second file part: one file per upload, or the checks would see another file
            raise UploadRefused("more than one file")
        self.directory.mkdir(parents=True, exist_ok=True)
        # Open across the parser's calls (closed when the part ends or is dropped), so not in a with block.
        self._file = tempfile.NamedTemporaryFile(dir=self.directory, prefix="upload-", delete=False)  # noqa: SIM115
        self.path = Path(self._file.name)

    def on_data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            self._drop()
            if self.size > DRAIN_LIMIT:
                raise UploadRefused("far too large")
            return
        if self._file is None:  # a part's data always follows its start
            raise UploadRefused("file data before the file part began")
        self._file.write(chunk)
        self.digest.update(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[:HEAD_BYTES - len(self.head)]

    def on_finish(self) -> None:
        if self._file is not None:
            self._file.close()

    def _drop(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)


@dataclass
class Upload:
    fields: dict[str, str]
    filename: str = ""  # as the browser sent it: not safe to show or store until sanitised
    path: Path | None = None  # the staged file, while it is there
    size: int = 0
    sha256: str = ""
    head: bytes = b""
    too_large: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def chosen(self) -> bool:
        return bool(self.filename) or self.size > 0

    @property
    def staged(self) -> Path:
        """The staged file, asked for once the upload's checks found one (see documents.checked_type)."""
        if self.path is None:
            raise UploadRefused("no file was staged")
        return self.path

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


async def receive(request: Request, *, staging: Path, file_field: str = "file", fields: tuple[str, ...] = (),
                  limit: int = MAX_UPLOAD_BYTES) -> Upload:
    """Read the multipart body of `request` as it arrives. Ordinary fields named in `fields` (and csrf_token)
    are kept as text; the file part goes to a staging file."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadRefused("not a multipart form")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > DRAIN_LIMIT:
        raise UploadRefused("far too large")
    parser = StreamingFormDataParser(headers=request.headers)
    values = {name: ValueTarget(validator=MaxSizeValidator(FIELD_LIMIT)) for name in {"csrf_token", *fields}}
    for name, target in values.items():
        parser.register(name, target)
    target = _Staging(staging, limit)
    parser.register(file_field, target)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > DRAIN_LIMIT:  # the whole body, parts the parser ignores included
                raise UploadRefused("far too large")
            parser.data_received(chunk)
    except UploadRefused:
        target._drop()
        raise
    except Exception as error:  # a malformed body (the parser's errors) or a field over its limit
        target._drop()
        raise UploadRefused(f"the form could not be read: {type(error).__name__}") from error
    target.on_finish()
    upload = Upload(fields={name: t.value.decode("utf-8", "replace") for name, t in values.items()},
                    filename=target.multipart_filename or "", size=target.size, head=bytes(target.head),
                    too_large=target.size > limit)
    if upload.too_large or target.size == 0:
        target._drop()
    else:
        upload.path, upload.sha256 = target.path, target.digest.hexdigest()
    if target.path is not None and upload.path is None:
        target.path.unlink(missing_ok=True)
    return upload


# --- What the file is ----------------------------------------------------------------------------------------

def identify(path: Path, head: bytes) -> tuple[str | None, str]:
    """(file type, '') for an accepted file; (None, what it looks like) otherwise."""
    kind = filetype.guess(head)
    if kind is None:
        return ("csv", "") if _is_delimited_text(path) else (None, "")
    if kind.extension == "pdf":
        return "pdf", ""
    if head.startswith(b"PK\x03\x04"):
        return _office_package(path)
    return None, LOOKS_LIKE.get(kind.extension, f"a {kind.extension.upper()} file")


def _office_package(path: Path) -> tuple[str | None, str]:
    """DOCX, XLSX and ODS are ZIP packages: read the package's own table of contents to tell which, and
    refuse any other ZIP (a renamed archive)."""
    try:
        with path.open("rb") as f:
            # The ZIP's last record, by the standard library's own reader (private, so not in its type stubs).
            end = zipfile._EndRecData(f)  # type: ignore[attr-defined]
        if end is None or end[zipfile._ECD_SIZE] > MAX_PACKAGE_DIRECTORY_BYTES:  # type: ignore[attr-defined]
            return None, "a damaged or incomplete file"  # measured before the directory is read
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            if (sum(info.file_size for info in entries) > 20 * MAX_UPLOAD_BYTES
                    or any(info.compress_type not in PACKAGE_COMPRESSION for info in entries)):
                return None, "a damaged or incomplete file"  # far more inside than any real document: a zip bomb
            names = set(package.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx", ""
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx", ""
            if "mimetype" in names:
                with package.open("mimetype") as entry:
                    found = ODF_MIMETYPES.get(entry.read(100).strip())
                return (found, "") if found else (None, "an OpenDocument file of another kind")
    except (zipfile.BadZipFile, OSError, KeyError):
        return None, "a damaged or incomplete file"
    return None, "a ZIP archive"


def _is_delimited_text(path: Path) -> bool:
    """Text (UTF-8 or Windows-1252, as Excel saves CSV) in rows of at least two delimited columns."""
    with path.open("rb") as f:
        sample = f.read(64 * 1024)
    if b"\x00" in sample or sample.startswith((b"#!", b"MZ")):
        return False
    text = _decode(sample)
    if text is None or any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        return False
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines)[:SNIFF_CHARS], delimiters=",;\t")
    except csv.Error:
        return False
    first = next(csv.reader(io.StringIO(lines[0]), dialect))
    return len(first) >= 2


def _decode(sample: bytes) -> str | None:
    try:  # incremental, so a sample cut in the middle of a character still reads as UTF-8
        return codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    try:
        return sample.decode("cp1252")
    except UnicodeDecodeError:
        return None


def safe_filename(sent: str, file_type: str) -> str:
    """The browser's file name without any folder, control characters or characters a file system or a
    Content-Disposition header would choke on; ending with the extension of what the file really is."""
    # Browsers send " as %22 and line breaks as %0D/%0A in a multipart file name (the HTML standard).
    name = sent.replace("%22", '"').replace("%0D", "").replace("%0A", "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    name = sanitize_filename(name, replacement_text="_").strip(" .")[:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if not name.lower().endswith(f".{file_type}"):
        name = f"{name or 'document'}.{file_type}" if stem else f"document.{file_type}"
    return name
