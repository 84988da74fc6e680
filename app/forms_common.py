"""Checks shared by the domain services' forms."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum


def parse_iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def new_id(value: str | None = None) -> str:
    """A client-made UUID if it is one (normalised), else a fresh one; raises ValueError for junk."""
    if not value:
        return str(uuid.uuid4())
    return str(uuid.UUID(str(value)))


def offered_id(value: object, taken: Callable[[str], bool]) -> str | None:
    """The id a web form offers for what it creates, if it may have it: a well-formed UUID that `taken(id)` says is
    free. Junk, or an id already used (perhaps in another inspection), gets None, so the server makes one, and
    the person is told nothing about the id they sent."""
    try:
        candidate = new_id(str(value)) if value else None
    except ValueError:
        return None
    return candidate if candidate and not taken(candidate) else None


def choice_problem(value: str, choices: type[Enum] | Iterable[object], message: str) -> str | None:
    # An Enum answers membership from its own value map; anything else is searched (a sync batch asks 500 times).
    known = choices._value2member_map_ if hasattr(choices, "_value2member_map_") else \
        {c.value if hasattr(c, "value") else c for c in choices}
    return None if value in known else message


def text_problem(value: str, *, required: str | None, limit: int, what: str) -> str | None:
    text = (value or "").strip()
    if not text and required:
        return required
    if len(text) > limit:
        return f"{what} must be {limit:,} characters or fewer"
    return None


@dataclass(frozen=True)
class CellProblem:
    """One problem in an uploaded spreadsheet (area data, the person-level list), where the officer will find it."""

    row: int
    column: str  # the spreadsheet's letter, as the officer sees it
    heading: str
    message: str

    @property
    def where(self) -> str:
        return f"Row {self.row}, column {self.column}" + (f" ({self.heading})" if self.heading else "")


class CellsInvalid(Exception):
    """A spreadsheet refused with every cell's problem; nothing of it is saved."""

    def __init__(self, problems: list[CellProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
