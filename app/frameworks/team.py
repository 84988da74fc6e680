"""The inspection team as the profile composes it (the profile's [team] section): each role, the kinds of inspector
who may hold it, and how a published letter or report names it."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.frameworks.service import Profile

LEAD = "lead"  # every profile has it: the lead is always one of His Majesty's Inspectors, and leads the inspection
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]  # as letters write them


@dataclass(frozen=True)
class Role:
    code: str
    label: str  # as the team page shows it
    kinds: frozenset[str]  # the inspector kinds (users' InspectorKind values) who may hold it
    one: str  # how the letter or report names one of them ("" for a role it does not name)
    several: str  # and several
    source: str

    @property
    def value(self) -> str:  # read by the radio-item filter like an enum member's
        return self.code

    def in_words(self, count: int) -> str:
        """"an Ofsted Inspector", "two Ofsted Inspectors": the count in words, as published letters write it."""
        return self.one if count == 1 else \
            f"{NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} {self.several}"


def _role(data: dict[str, Any]) -> Role:
    return Role(code=data["code"], label=data["label"], kinds=frozenset(data["kinds"]), one=data.get("one", ""),
                several=data.get("several", ""), source=data["source"])


def roles_of(profile: Profile) -> tuple[Role, ...]:
    return tuple(_role(r) for r in profile.data["team"]["roles"])


def named(profile: Profile, team_roles: list[str]) -> list[str]:
    """The team other than the lead as the letter or report names it, in the profile's words and in the order of
    its [team] roles ("an Ofsted Inspector", "a Children's Services Inspector from the CQC"). Roles named alike (an
    Ofsted Inspector, whether from Ofsted or a serving local authority officer) are counted together; roles the
    profile does not name (the lead, a shadow) are left out. The one place the team's words are read from: the team
    page and the letter's team sentence both come here."""
    counts = Counter(team_roles)
    together: dict[str, tuple[Role, int]] = {}
    for r in roles_of(profile):
        if r.one and counts[r.code]:
            first, n = together.get(r.one, (r, 0))
            together[r.one] = (first, n + counts[r.code])
    return [r.in_words(n) for r, n in together.values()]


def role(profile: Profile, code: str) -> Role | None:
    return next((r for r in roles_of(profile) if r.code == code), None)


def role_for_kind(profile: Profile, kind: str) -> Role | None:
    """The first role, after the lead's, that this kind of inspector may hold: where a lead who steps down goes."""
    return next((r for r in roles_of(profile) if r.code != LEAD and kind in r.kinds), None)
