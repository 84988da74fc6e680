"""Evidence belongs to the day it was seen or heard (issue #16 point 3), in Chromium: Thursday's meeting written up
on Friday lands under Thursday in the board's day filter and the evening summary, on a phone and on a tablet."""

import re
import sqlite3
from contextlib import closing
from datetime import timedelta

from app.clock import today_in_england
from app.demo import DEMO_AREA
from app.frameworks import working_days
from app.frameworks.service import get_profile
from app.inspections.service import schedule_for
from tests.e2e.conftest import axe_violations, open_demo_inspection


def move_the_week_on_site(workdir) -> tuple[list, str]:
    """The clock moved on: the demo's week on site is made to end today (or on the last working day before it),
    and its meeting with health leaders to the fourth day. Returns the days on site and the meeting's id."""
    # A 2016 week on site is Monday to Friday: the latest whole week that has ended by today, and one with no bank
    # holiday in it, so that it has a Thursday and a Friday.
    today = today_in_england()
    start = today - timedelta(days=today.weekday())
    if start + timedelta(days=4) > today:
        start -= timedelta(days=7)
    schedule = schedule_for(get_profile("send-2016"), start)
    while len(schedule.on_site_days) < 5 or not working_days.is_working_day(start):
        start -= timedelta(days=7)
        schedule = schedule_for(get_profile("send-2016"), start)
    days = schedule.on_site_days
    with closing(sqlite3.connect(workdir / "live.db")) as db, db:
        db.execute("UPDATE inspections SET start_date = ?, notification_date = ?, last_on_site_date = ? "
                   "WHERE local_area = ?", (start.isoformat(), schedule.notification_date.isoformat(),
                                            days[-1].isoformat(), DEMO_AREA))
        db.execute("UPDATE activities SET day = ? WHERE kind = 'meeting'", (days[3].isoformat(),))
        (meeting,) = db.execute("SELECT id FROM activities WHERE kind = 'meeting'").fetchone()
    return days, meeting


def test_thursdays_meeting_written_up_on_friday_is_under_thursday(own_server, page_at):
    days, meeting = move_the_week_on_site(own_server.workdir)
    thursday, friday = days[3], days[4]
    text = "Fictional: health leaders described the new joint triage for speech therapy."

    # Written up on Friday (or later), from the meeting's page on a phone: the day is the meeting's.
    phone = page_at(375, 812)
    base = open_demo_inspection(phone, own_server.url, "cqc@example.org", "demo-cqc-password")
    phone.goto(f"{base}/activities/{meeting}")
    form = phone.locator("#capture-form")
    day_observed = form.get_by_label("Day observed")
    assert day_observed.locator("option:checked").inner_text() == (
        f"Day 4: {thursday:%A %-d %B} (the day of this activity)")
    form.get_by_label("What did you see or hear?").fill(text)
    form.get_by_label("2. Meeting needs and improving outcomes").check()
    form.locator("input[name=aspect]:visible").first.check()
    form.get_by_label("Strength", exact=True).check()
    form.get_by_label("Health", exact=True).check()
    form.get_by_role("button", name="Save evidence").click()
    saved = phone.locator("#source-evidence .app-evidence", has_text=text)
    saved.wait_for()
    meta = " ".join(saved.locator(".app-evidence__meta").inner_text().split())
    assert f"{thursday:%a %-d %b} (written up {today_in_england():%a %-d %b})" in meta
    assert axe_violations(phone) == []

    for page in (phone, page_at(768, 1024)):
        if page is not phone:
            open_demo_inspection(page, own_server.url, "lead@example.org", "demo-lead-password")
        # The board's day filter: there under Thursday, not under Friday.
        page.goto(f"{base}/board?heading=2")
        page.get_by_label("Day", exact=True).select_option(label=f"Day 4: {thursday:%a %-d %b}")
        page.wait_for_url(re.compile(rf"day={thursday.isoformat()}"))
        page.locator("#results .app-evidence", has_text=text).wait_for()
        assert axe_violations(page) == []
        page.get_by_label("Day", exact=True).select_option(label=f"Day 5: {friday:%a %-d %b}")
        page.wait_for_url(re.compile(rf"day={friday.isoformat()}"))
        assert page.locator("#results .app-evidence", has_text=text).count() == 0
        # The evening summary for Thursday lists it among proposal 2's strengths.
        page.goto(f"{base}/summary")
        page.get_by_label("Day", exact=True).select_option(label=f"Day 4: {thursday:%A %-d %B}")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(re.compile(rf"day={thursday.isoformat()}"))
        strengths = page.locator("section", has=page.locator("#summary-p2"))
        assert text in strengths.inner_text()
        assert axe_violations(page) == []
        assert page.errors == [], page.errors
