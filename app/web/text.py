"""One boundary for text: what any text entering the service must look like, and what is done when it does not.

Every text is stored in Unicode NFC, so the same words typed on two devices compare equal. Some characters can
never be stored or exported: NUL (PostgreSQL refuses it), lone surrogates (not UTF-8 at all), and the C0/C1
control characters other than tab, line feed and carriage return (Word refuses them, and they are invisible on a
page). Where a person could not have typed them (an HTML form, a spreadsheet cell, a file name) they are removed;
where a program sent them (the JSON API, a tablet's sync op) they are refused with the field's name, so the
device keeps the op for its user to see. Numbers and dates have their own bounds: an id beyond the database's
integer column cannot exist, and a date outside 1990-2100 is never a date of an inspection.
"""

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import HTTPException, Request
from pydantic import AfterValidator

from app.errors import NotFound

# C0 but tab, LF and CR; DEL and C1; lone surrogates (a pair arrives from JSON as one character); the two
# non-characters XML 1.0 forbids.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

INT_MAX = 2**31 - 1  # every integer column is a 32-bit INTEGER on PostgreSQL
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def fault(value: str) -> str | None:
    """Why this text cannot be stored, in words, or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = "an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"contains {kind} (U+{code:04X}) at character {found.start() + 1}, which cannot be stored: remove it"


def clean(value: str) -> str:
    """NFC, with the characters no one can type removed (forms, cells, file names, exports)."""
    if _FORBIDDEN.search(value):
        value = _FORBIDDEN.sub("", value)
    return unicodedata.normalize("NFC", value) if not value.isascii() else value


def checked(value: str) -> str:
    """NFC, or ValueError with the reason (pydantic turns it into a field error)."""
    if problem := fault(value):
        raise ValueError(f"Text {problem}")
    return unicodedata.normalize("NFC", value) if not value.isascii() else value


def screen_json(value: Any) -> tuple[Any, dict[str, str]]:
    """A JSON value (any shape: hence Any) with every string in it NFC, keys too, and every string in it that
    cannot be stored, by its dotted path (keys included): one walk for both, as a sync batch walks 500 of them."""
    faults: dict[str, str] = {}
    if type(value) is dict and _flat_and_plain(value):
        return value, faults  # a flat op's data that is stored as sent (most are): the same object back
    return _screen(value, (), faults), faults


def _flat_and_plain(value: dict[Any, Any]) -> bool:
    """Every key text and _plain, every value _plain or a list of _plain values: one loop, printable ASCII text
    (nearly every key and value) judged inline rather than by a call."""
    for key, item in value.items():
        if not (type(key) is str and ((key.isascii() and key.isprintable()) or _plain(key))):
            return False
        if type(item) is str and item.isascii() and item.isprintable():
            continue
        if not (_plain(item) or (type(item) is list and all(map(_plain, item)))):
            return False
    return True


def _plain(value: Any) -> bool:
    """A scalar that _screen would leave as it is and find no fault in: text all in ASCII without a character that
    cannot be stored (printable, or else searched), a number within the integer columns' range, true/false/null."""
    kind = type(value)
    if kind is str:
        return value.isascii() and (value.isprintable() or not _FORBIDDEN.search(value))
    if kind is int:
        return bool(-INT_MAX <= value <= INT_MAX)
    return kind is bool or kind is float or value is None


def _screen(value: Any, path: tuple[object, ...], faults: dict[str, str]) -> Any:
    if isinstance(value, str):
        if problem := fault(value):
            faults[".".join(map(str, path)) or "value"] = problem[0].upper() + problem[1:]
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            nfc_key = key
            if isinstance(key, str):
                if problem := fault(key):
                    where = ".".join(map(str, (*path, key)))
                    faults[where.encode("unicode_escape").decode("ascii")] = f"The field name {problem}"
                    continue
                nfc_key = key if key.isascii() else unicodedata.normalize("NFC", key)
            if isinstance(item, str) and not _FORBIDDEN.search(item):  # most values: no path to build
                out[nfc_key] = item if item.isascii() else unicodedata.normalize("NFC", item)
            else:
                out[nfc_key] = _screen(item, (*path, key), faults)
        return out
    if isinstance(value, list):
        return [_screen(item, (*path, index), faults) for index, item in enumerate(value)]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_MAX:
        faults[".".join(map(str, path)) or "value"] = f"The number must be between -{INT_MAX:,} and {INT_MAX:,}"
    return value


def date_problem(value: date | datetime, what: str) -> str | None:
    """A date an inspection could never have (0001-01-01, 9999-12-31), refused before any arithmetic on it."""
    day = value.date() if isinstance(value, datetime) else value
    if EARLIEST <= day <= LATEST:
        return None
    return f"{what} must be between {EARLIEST.year} and {LATEST.year}"


def id_fits(value: str) -> bool:
    """Whether a number given as an id could be one: digits within the integer column's range. (isdecimal: a
    superscript "¹" is a digit to isdigit, but int() refuses it.)"""
    return value.isdecimal() and int(value) <= INT_MAX if len(value) <= 12 else False


# A text field of the JSON API: NFC, or a 422 naming the field.
Text = Annotated[str, AfterValidator(checked)]


def _number_too_large(value: str) -> bool:
    """A whole number, signed or not, past any id: the database would overflow on it rather than find nothing."""
    digits = value[1:] if value[:1] in "+-" else value
    return digits.isdigit() and not id_fits(digits)


def check_address(request: Request) -> None:
    """Applied to every route before anything reads the address: a path naming what cannot exist is not found;
    a query value no one could type, or a number past any id, is refused with its name."""
    for value in request.path_params.values():
        if isinstance(value, str) and (fault(value) or _number_too_large(value)):
            raise NotFound()
    for name, value in request.query_params.multi_items():
        shown = name.encode("unicode_escape").decode("ascii")[:40]
        if fault(name) or fault(value):
            raise HTTPException(400, f"The address has a character that cannot be used in '{shown}': check the "
                                     "link or go back and try again")
        if _number_too_large(value):
            raise HTTPException(400, f"The number in '{shown}' in the address is too large: check the link")


def as_id(value: object) -> int | None:
    """A row id from text, or None when it could not be one (so a lookup finds nothing, never overflows)."""
    value = str(value if value is not None else "").strip()
    return int(value) if id_fits(value) else None


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 case", "3 cases", "2 children" (many given)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
