"""What a profile says the team's decision holds: the outcomes with what each allows (areas for priority action
only where the outcome requires them), and the bodies a 2023 recommendation can be addressed to. Read from the
profile's `[[outcomes]]` and `[[responsible_bodies]]` (app/frameworks/profiles/*.toml)."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from app.frameworks.service import Profile, get_profile


@dataclass(frozen=True)
class OutcomeRule:
    code: str
    label: str
    wording: str
    next_steps: tuple[str, ...]  # the report's fixed sentences after the outcome
    priority_actions: bool  # True: at least one area for priority action, and only here


@dataclass(frozen=True)
class ResponsibleBody:
    code: str
    label: str  # what the form calls it
    name: str  # what the report calls it, with {area} filled from the inspection


@dataclass(frozen=True)
class DecisionRules:
    outcomes: tuple[OutcomeRule, ...]
    responsible_bodies: tuple[ResponsibleBody, ...]

    def outcome(self, code: str | None) -> OutcomeRule | None:
        return next((o for o in self.outcomes if o.code == code), None)


def _outcome(data: dict[str, Any]) -> OutcomeRule:
    return OutcomeRule(code=data["code"], label=data["label"], wording=data["wording"],
                       next_steps=tuple(data.get("next_steps", ())),
                       priority_actions=bool(data.get("priority_actions", False)))


@cache
def _rules(code: str) -> DecisionRules:
    data = get_profile(code).data
    return DecisionRules(tuple(_outcome(o) for o in data.get("outcomes", [])),
                         tuple(ResponsibleBody(**b) for b in data.get("responsible_bodies", [])))


def rules_of(profile: Profile) -> DecisionRules:
    """Parsed once per profile (profiles are read once, at first use)."""
    return _rules(profile.code)
