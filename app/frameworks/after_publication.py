"""The profile's [after_publication] section: what the area owes after the letter is published and by when, who
judges it, and the visits that follow (a revisit, a monitoring inspection, the next full inspection). Data, read
from the TOML; the rules for counting days are here, once."""

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from app.frameworks import working_days
from app.frameworks.service import Profile, get_profile


@dataclass(frozen=True)
class ObligationRule:
    code: str
    title: str
    when: tuple[str, ...]  # the decisions that bring it into force: "wsoa_required" or "outcome:<code>"
    working_days: int  # after publication
    decided: bool  # the inspectorates accept it or not (a statement fit for purpose); else submitting is the end
    source: str
    hint: str = ""
    accepted_label: str = "Accepted"
    not_accepted_label: str = "Not accepted"

    def due_after(self, published: date) -> date:
        return working_days.add_working_days(published, self.working_days)


@dataclass(frozen=True)
class VisitRule:
    code: str  # revisit | monitoring_inspection | full_inspection
    title: str
    when: tuple[str, ...]
    after: str  # "published", or "accepted:<obligation code>": counted from the day it was accepted
    months: int
    approximate: bool  # "about" that date (usually 18 months), rather than "by" it (within 3 years)
    source: str

    def due_after(self, start: date) -> date:
        return add_months(start, self.months)


@dataclass(frozen=True)
class AfterPublication:
    reminder_working_days: int
    source: str
    obligations: tuple[ObligationRule, ...]
    visits: tuple[VisitRule, ...]
    engagement_meetings: str = ""
    engagement_source: str = ""

    def obligations_for(self, facts: set[str]) -> list[ObligationRule]:
        return [rule for rule in self.obligations if facts.intersection(rule.when)]

    def visits_for(self, facts: set[str]) -> list[VisitRule]:
        return [rule for rule in self.visits if facts.intersection(rule.when)]

    def obligation(self, code: str) -> ObligationRule | None:
        return next((rule for rule in self.obligations if rule.code == code), None)


NOTHING = AfterPublication(reminder_working_days=0, source="", obligations=(), visits=())


def decision_facts(*, wsoa_required: bool, outcome: str | None) -> set[str]:
    """What the team decided, in the words the rules' `when` uses."""
    facts = {"wsoa_required"} if wsoa_required else set()
    if outcome:
        facts.add(f"outcome:{outcome}")
    return facts


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _one_or_more_whens(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule brought by one decision names it; one brought by several lists them, rather than being written twice."""
    when = rule["when"]
    return {**rule, "when": (when,) if isinstance(when, str) else tuple(when)}


@cache
def _parse(code: str) -> AfterPublication:
    data = get_profile(code).data.get("after_publication")
    if not data:
        return NOTHING
    return AfterPublication(
        reminder_working_days=int(data["reminder_working_days"]),
        source=data["source"],
        obligations=tuple(ObligationRule(**_one_or_more_whens(rule)) for rule in data.get("obligations", [])),
        visits=tuple(VisitRule(**_one_or_more_whens(rule)) for rule in data.get("visits", [])),
        engagement_meetings=data.get("engagement_meetings", ""),
        engagement_source=data.get("engagement_source", ""),
    )


def after_publication(profile: Profile) -> AfterPublication:
    return _parse(profile.code)
