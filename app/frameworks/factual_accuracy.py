"""The factual accuracy check of the draft letter, as the framework profile sets it ([factual_accuracy]): how
many working days the area has to comment, who checks, what they may comment on, and where the rule comes from."""

from dataclasses import dataclass
from datetime import date

from app.frameworks.service import Profile
from app.frameworks.working_days import add_working_days


@dataclass(frozen=True)
class FactualAccuracyRules:
    working_days: int  # after the day the draft is sent; comments are taken until the end of the last one
    checked_by: str
    guidance: str
    source: str

    def deadline(self, sent_on: date) -> date:
        """The last day for comments: the n-th working day after the draft was sent (weekends and England's bank
        holidays skipped)."""
        return add_working_days(sent_on, self.working_days)


def rules_of(profile: Profile) -> FactualAccuracyRules | None:
    """The profile's rules, or None where its framework has no factual accuracy check."""
    data = profile.data.get("factual_accuracy")
    if data is None:
        return None
    working_days = int(data["working_days"])
    if working_days < 1:
        raise ValueError(f"{profile.code}: factual_accuracy.working_days must be at least 1")
    return FactualAccuracyRules(working_days=working_days, checked_by=str(data["checked_by"]),
                                guidance=str(data["guidance"]), source=str(data["source"]))
