"""The deadline follows the category: at once; the end of the day met; or the LADO within one working day,
skipping weekends and England and Wales bank holidays (in England's time, summer or winter)."""

from datetime import UTC, datetime

import pytest

from app.clock import LONDON
from app.safeguarding.service import categories, due_by


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(("category", "met", "due"), [
    ("allegation", "2027-03-10 11:00", "2027-03-11 23:59:59"),  # Wednesday -> Thursday
    ("allegation", "2027-03-12 15:00", "2027-03-15 23:59:59"),  # Friday -> Monday, over the weekend
    ("allegation", "2027-05-28 16:30", "2027-06-01 23:59:59"),  # Friday before the spring bank holiday -> Tuesday
    # Christmas Eve -> after Christmas and Boxing Day (their substitute days)
    ("allegation", "2027-12-24 10:00", "2027-12-29 23:59:59"),
    ("allegation", "2027-03-13 09:00", "2027-03-15 23:59:59"),  # met on a Saturday -> Monday
    ("low_level", "2027-06-15 09:00", "2027-06-15 23:59:59"),  # the same day, in summer time
    ("other", "2027-01-15 17:45", "2027-01-15 23:59:59"),
])
def test_the_deadline_follows_the_category_and_the_working_day_rules(category, met, due):
    assert due_by(categories()[category], at(met)) == at(due)


def test_a_child_at_immediate_risk_is_due_at_once():
    met = at("2027-03-12 15:00")
    assert due_by(categories()["immediate_risk"], met) == met


def test_every_category_says_whom_to_tell():
    assert set(categories()) == {"immediate_risk", "allegation", "low_level", "other"}
    assert "LADO" in categories()["allegation"].refer_to
    assert categories()["allegation"].deadline_words == "Within 1 working day"
