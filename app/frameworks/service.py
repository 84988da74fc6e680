"""Loads framework profiles from their TOML files; nothing else in the app knows their wording."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True)
class Aspect:
    code: str
    text: str
    file_review: bool = False  # rated in each sampled case file (paras 27 and 30)


@dataclass(frozen=True)
class Heading:
    """An evidence heading: what evidence is captured, counted, triangulated and reported under, as the profile
    defines them (`[[evidence_headings]]`, named by its `heading_word`). `number` is what evidence stores."""

    number: int
    title: str
    statement: str
    paragraphs: str
    aspects: tuple[Aspect, ...]
    word: str = "Heading"  # what the profile calls a heading (heading_word)

    @property
    def label(self) -> str:
        """The heading as the inspectors name it: the profile's word and the number ("Evaluation criterion 2")."""
        return f"{self.word} {self.number}"


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    wording: str


@dataclass(frozen=True)
class Milestone:
    label: str
    working_days_after: int


@dataclass(frozen=True)
class LetterSection:
    heading: str
    aspects: tuple[str, ...]
    judgements: tuple[str, ...] = ("strength", "area_for_development")  # the evidence it draws on
    style: str = "strengths_and_areas"  # or "paragraphs", "bullets": how its points are written


@dataclass(frozen=True)
class LetterWording:
    """The outcome letter's structure and fixed wording (profile data, not code)."""

    title: str
    addressees: tuple[str, ...]
    opening: str
    team: str
    did: str
    this_letter: str
    wsoa: str
    sign_off: str
    sections: tuple[LetterSection, ...]
    twenty_week_aspect: str = ""  # the aspect a point about timeliness may quote the file sample's 20-week figure on


@dataclass(frozen=True)
class Profile:
    code: str
    title: str
    short_title: str
    overall_grade: bool
    written_statement_of_action: bool
    headings: tuple[Heading, ...]
    heading_word: str = "Heading"  # the profile's word for an evidence heading ("Evaluation criterion")
    heading_word_plural: str = "Headings"
    outcomes: tuple[Outcome, ...] = field(default=())
    after_fieldwork: tuple[Milestone, ...] = field(default=())
    letter: LetterWording | None = None
    # The whole TOML as read, so that a domain can parse the section it owns (app/frameworks/<section>.py)
    # without every feature growing this class; left out of equality and hashing.
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def aspect(self, code: str) -> tuple[Heading, Aspect]:
        for heading in self.headings:
            for aspect in heading.aspects:
                if aspect.code == code:
                    return heading, aspect
        raise KeyError(code)

    def file_review_aspects(self) -> list[tuple[Heading, Aspect]]:
        return [(p, a) for p in self.headings for a in p.aspects if a.file_review]

    def heading(self, number: int) -> Heading:
        for heading in self.headings:
            if heading.number == number:
                return heading
        raise KeyError(number)


class UnknownFramework(LookupError):
    pass


def _parse(data: dict[str, Any]) -> Profile:
    return Profile(
        code=data["code"],
        title=data["title"],
        short_title=data["short_title"],
        overall_grade=bool(data["overall_grade"]),
        written_statement_of_action=bool(data["written_statement_of_action"]),
        headings=tuple(
            Heading(
                number=p["number"],
                title=p["title"],
                statement=p["statement"],
                paragraphs=p["paragraphs"],
                aspects=tuple(Aspect(**a) for a in p["aspects"]),
                word=data["heading_word"],
            )
            for p in data["evidence_headings"]
        ),
        heading_word=data["heading_word"],
        heading_word_plural=data["heading_word_plural"],
        # An outcome's other keys (what it obliges) are read by app/frameworks/decisions.py.
        outcomes=tuple(Outcome(o["code"], o["label"], o["wording"]) for o in data.get("outcomes", [])),
        after_fieldwork=tuple(Milestone(**m) for m in data.get("after_fieldwork", [])),
        letter=_letter(data["letter"]) if "letter" in data else None,
        data=data,
    )


def _letter(data: dict[str, Any]) -> LetterWording:
    # Only the keys named here: the rest of [letter] (the report's structure) is read where it is used.
    return LetterWording(**{k: data.get(k, "") for k in ("title", "opening", "team", "did", "this_letter", "wsoa",
                                                         "sign_off", "twenty_week_aspect")},
                         addressees=tuple(data.get("addressees", ())),
                         sections=tuple(LetterSection(s["heading"], tuple(s["aspects"]),
                                                       tuple(s.get("judgements", ("strength", "area_for_development"))),
                                                       s.get("style", "strengths_and_areas"))
                                         for s in data["sections"]))


@cache
def all_profiles() -> dict[str, Profile]:
    profiles = {}
    for path in sorted(PROFILES_DIR.glob("*.toml")):
        profile = _parse(tomllib.loads(path.read_text(encoding="utf-8")))
        profiles[profile.code] = profile
    return profiles


def get_profile(code: str) -> Profile:
    try:
        return all_profiles()[code]
    except KeyError:
        raise UnknownFramework(code) from None
