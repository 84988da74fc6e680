"""Working days in England and Wales around the bank holidays, and the inspection schedule built on them."""

from datetime import date, timedelta

import pytest

from app.frameworks.service import get_profile
from app.frameworks.working_days import add_working_days, is_working_day, why_not_working_day, working_days_from
from app.inspections.service import schedule_for


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 25), False),  # Christmas Day (Friday)
        (date(2026, 12, 28), False),  # Boxing Day substitute (26th is a Saturday)
        (date(2027, 1, 1), False),    # New Year's Day
        (date(2027, 3, 26), False),   # Good Friday 2027
        (date(2027, 3, 29), False),   # Easter Monday 2027
        (date(2027, 3, 30), True),
        (date(2026, 11, 21), False),  # a Saturday
        (date(2026, 11, 23), True),
    ],
)
def test_working_days_know_weekends_and_bank_holidays(day, expected):
    assert is_working_day(day) is expected


def test_why_a_day_is_not_working_names_it():
    assert why_not_working_day(date(2026, 11, 22)) == "Sunday"
    assert "Christmas" in why_not_working_day(date(2026, 12, 25))
    assert why_not_working_day(date(2026, 11, 23)) is None


def test_monday_start_with_two_days_notice_is_notified_the_thursday_before():
    profile = get_profile("send-2016")
    schedule = schedule_for(profile, date(2026, 11, 23))  # a Monday
    assert schedule.notification_date == date(2026, 11, 19)  # Thursday
    assert schedule.notification_date.strftime("%A") == "Thursday"


def test_notice_skips_easter():
    # Tuesday 30 March 2027: two working days back skips Easter Monday and Good Friday.
    assert add_working_days(date(2027, 3, 30), -2) == date(2027, 3, 24)


def test_notice_skips_christmas_and_new_year():
    # Monday 4 January 2027 with 2 days' notice: 1 Jan and 28 Dec are bank holidays.
    assert add_working_days(date(2027, 1, 4), -2) == date(2026, 12, 30)


def test_on_site_days_skip_bank_holidays():
    days = working_days_from(date(2026, 12, 22), 5)
    assert days == [date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 29),
                    date(2026, 12, 30)]


def test_on_site_days_run_over_a_weekend():
    days = working_days_from(date(2026, 11, 25), 5)
    assert [d.strftime("%a") for d in days] == ["Wed", "Thu", "Fri", "Mon", "Tue"]


def test_2023_profile_runs_over_three_weeks_from_the_notification():
    schedule = schedule_for(get_profile("send-2023"), date(2027, 3, 1))  # notified on a Monday
    assert schedule.notification_date == date(2027, 3, 1)
    assert schedule.on_site_days == [date(2027, 3, 15) + timedelta(days=i) for i in range(5)]  # the third week
    assert schedule.milestone("set_up_meeting") == date(2027, 3, 2)
    assert schedule.milestone("case_selection") == date(2027, 3, 4)


def test_add_zero_working_days_is_the_same_day():
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)


def test_timeline_lists_notice_days_on_site_and_what_follows():
    schedule = schedule_for(get_profile("send-2016"), date(2027, 3, 8))
    kinds = [entry.kind for entry in schedule.timeline]
    assert kinds == ["notice"] + ["on_site"] * 5 + ["after", "after"]
    letter = schedule.timeline[6]
    assert letter.day == add_working_days(date(2027, 3, 12), 15)
