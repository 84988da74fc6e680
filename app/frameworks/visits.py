"""The visits that follow an inspection (a revisit in 2016, a monitoring inspection in 2023), each its own profile
in profiles/visits/*.toml: its notice and days on site, what it carries from the original (significant weaknesses
or areas for priority action), the judgement it makes on each and its letter's wording. A visit keeps the original
profile's headings, so evidence is captured the same way; the Profile it runs under is the original's with this
file's timing and titles."""

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from app.frameworks.service import PROFILES_DIR, Profile, get_profile

VISITS_DIR = PROFILES_DIR / "visits"


@dataclass(frozen=True)
class Judgement:
    code: str
    label: str


@dataclass(frozen=True)
class VisitLetter:
    title: str
    opening: str
    item: str
    finding: str
    not_judged: str
    sign_off: str


@dataclass(frozen=True)
class VisitProfile:
    code: str
    kind: str  # the original profile's [[after_publication.visits]] code it fulfils: revisit | monitoring_inspection
    follows: str  # the original's profile code
    title: str
    short_title: str
    notice_working_days: int
    notice_description: str
    on_site_days: int
    carries: str  # significant_weaknesses | priority_actions: the decision's list carried forward
    item_label: str
    question: str
    source: str
    judgements: tuple[Judgement, ...]
    letter: VisitLetter

    def judgement(self, code: str | None) -> Judgement | None:
        return next((j for j in self.judgements if j.code == code), None)


def _parse(data: dict[str, Any]) -> VisitProfile:
    plain = {k: v for k, v in data.items() if k not in {"judgements", "letter"}}
    return VisitProfile(**plain, judgements=tuple(Judgement(**j) for j in data["judgements"]),
                        letter=VisitLetter(**data["letter"]))


@cache
def visit_profiles() -> dict[tuple[str, str], VisitProfile]:
    """Keyed by (the original's profile code, the kind of visit)."""
    found = {}
    for path in sorted(VISITS_DIR.glob("*.toml")):
        visit = _parse(tomllib.loads(path.read_text(encoding="utf-8")))
        found[(visit.follows, visit.kind)] = visit
    return found


def visit_profile(follows: str, kind: str) -> VisitProfile | None:
    return visit_profiles().get((follows, kind))


@cache
def profile_for(framework: str, kind: str) -> Profile:
    """The Profile a visit runs under: the original's headings and letter, the visit's titles and timing."""
    parent, visit = get_profile(framework), visit_profile(framework, kind)
    if visit is None:
        return parent
    # The visit's own timing as a timeline section (app/frameworks/timeline.py): the lead enters the first day on
    # site; notice and days on site are the visit's.
    visit_timeline = {
        "entered": "first_day_on_site", "entered_label": "The first day on site",
        "entered_hint": f"A working day. Notice is given {visit.notice_working_days} working days before it.",
        "notice_working_days": visit.notice_working_days, "on_site_days": visit.on_site_days,
        "notice_description": visit.notice_description, "source": visit.source,
        "survey": {"opens": "notification", "closes": "last_on_site_day"}}
    return replace(parent, title=visit.title, short_title=visit.short_title, after_fieldwork=(),
                   data={**parent.data, "timeline": visit_timeline})
