"""The profile's `[case_tracking]` section: the person-level list's columns, how many cases are tracked, the
documents asked for and when they are due, the themes of case sampling. A profile without the section (2016)
has no case tracking."""

from dataclasses import dataclass
from typing import Any

from app.frameworks.service import Profile


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    also: tuple[str, ...] = ()  # other spellings an area's file may use (E for an EHC plan)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # identifier, age, choice, text, yes_no
    required: bool
    headings: tuple[str, ...]
    choices: tuple[Choice, ...] = ()

    def choice_for(self, raw: str) -> Choice | None:
        wanted = raw.strip().casefold()
        for choice in self.choices:
            if wanted in {choice.code.casefold(), choice.label.casefold(), *(a.casefold() for a in choice.also)}:
                return choice
        return None

    def label_of(self, code: str) -> str:
        return next((c.label for c in self.choices if c.code == code), code)


@dataclass(frozen=True)
class PersonLevel:
    columns: tuple[Column, ...]
    refused_headings: frozenset[str]
    youngest: int
    oldest: int

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Document:
    code: str
    label: str


@dataclass(frozen=True)
class CaseTracking:
    tracked_cases: int
    documents_due_working_days: int
    documents: tuple[Document, ...]
    conversation_ways: tuple[str, ...]
    sampling_themes: tuple[str, ...]
    person_level: PersonLevel
    due_soon_working_days: int  # how near a due day is "due soon": today or within this many working days
    list_due: str = ""  # the timeline milestone by which the area's list is due ("" for none)
    selection_due: str = ""  # the timeline milestone by which the cases are selected ("" for none)

    @property
    def document_labels(self) -> dict[str, str]:
        return {d.code: d.label for d in self.documents}

    def document_label(self, code: str) -> str:
        return next((d.label for d in self.documents if d.code == code), code)


def heading_key(text: str) -> str:
    """A column heading as compared: case, spacing and underscores do not matter (Child_ID, child id)."""
    return " ".join(text.replace("_", " ").casefold().split())


def _column(data: dict[str, Any]) -> Column:
    return Column(key=data["key"], label=data["label"], kind=data["kind"], required=bool(data["required"]),
                  headings=tuple(heading_key(h) for h in data["headings"]),
                  choices=tuple(Choice(c["code"], c["label"], tuple(c.get("also", ())))
                                for c in data.get("choices", ())))


_parsed: dict[str, CaseTracking | None] = {}


def case_tracking_of(profile: Profile) -> CaseTracking | None:
    """The profile's case tracking, or None when its framework has none."""
    if profile.code not in _parsed:
        _parsed[profile.code] = _parse(profile.data.get("case_tracking"))
    return _parsed[profile.code]


def _parse(data: dict[str, Any] | None) -> CaseTracking | None:
    if not data:
        return None
    person = data["person_level"]
    youngest, oldest = person["ages"]
    return CaseTracking(
        tracked_cases=int(data["tracked_cases"]),
        documents_due_working_days=int(data["documents_due_working_days"]),
        due_soon_working_days=int(data["due_soon_working_days"]),
        documents=tuple(Document(d["code"], d["label"]) for d in data["documents"]),
        conversation_ways=tuple(data["conversation_ways"]),
        sampling_themes=tuple(data["sampling_themes"]),
        person_level=PersonLevel(columns=tuple(_column(c) for c in person["columns"]),
                                 refused_headings=frozenset(heading_key(h) for h in person["refused_headings"]),
                                 youngest=int(youngest), oldest=int(oldest)),
        list_due=data.get("list_due", ""), selection_due=data.get("selection_due", ""),
    )
