"""An inspection's timeline as its profile sets it (the profile's [timeline] section): which date the lead enters,
the dated milestones before fieldwork in working days from the notification, the on-site week, and what follows.

Dates are computed here, once, from the date entered; the inspection stores the notification and the on-site days
it was given, so an inspection set up under older rules keeps its dates."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.frameworks import working_days
from app.frameworks.service import Profile

NOTIFICATION = "notification"
FIRST_DAY_ON_SITE = "first_day_on_site"
LAST_ON_SITE_DAY = "last_on_site_day"


@dataclass(frozen=True)
class Milestone:
    code: str
    label: str
    working_days_after: int  # working days after the notification; 0 is the notification's own day
    hint: str
    source: str


@dataclass(frozen=True)
class Timeline:
    entered: str  # NOTIFICATION or FIRST_DAY_ON_SITE: the date the lead enters
    entered_label: str
    entered_hint: str
    notice_working_days: int  # FIRST_DAY_ON_SITE: the notification this many working days before
    monday_start: bool  # FIRST_DAY_ON_SITE: the days on site are one working week from its first working day
    on_site_days: int  # at most this many days on site
    on_site_week: int  # NOTIFICATION: the on-site week, the notification's own week counted as week 1
    notice_description: str
    milestones: tuple[Milestone, ...]
    keep_in_touch: str  # the hint on every on-site day but the last ("" for none)
    final_feedback: str  # what the final feedback meeting on the last on-site day is ("" for none)
    keep_in_touch_weekly: str  # a meeting on the last working day of each week before fieldwork ("" for none)
    survey_opens: str  # a milestone's code
    survey_closes: str  # a milestone's code, or LAST_ON_SITE_DAY
    source: str

    def milestone(self, code: str) -> Milestone:
        return next(m for m in self.milestones if m.code == code)


def timeline_of(profile: Profile) -> Timeline:
    return _parse(profile.data["timeline"])


def _parse(data: dict[str, Any]) -> Timeline:
    return Timeline(
        entered=data["entered"], entered_label=data["entered_label"], entered_hint=data["entered_hint"],
        notice_working_days=int(data.get("notice_working_days", 0)), on_site_week=int(data.get("on_site_week", 0)),
        monday_start=bool(data.get("monday_start", False)), on_site_days=int(data.get("on_site_days", 5)),
        notice_description=data["notice_description"],
        milestones=tuple(Milestone(code=m["code"], label=m["label"], working_days_after=int(m["working_days_after"]),
                                   hint=m.get("hint", ""), source=m["source"]) for m in data.get("milestones", [])),
        keep_in_touch=data.get("keep_in_touch", ""), final_feedback=data.get("final_feedback", ""),
        keep_in_touch_weekly=data.get("keep_in_touch_weekly", ""),
        survey_opens=data["survey"]["opens"], survey_closes=data["survey"]["closes"], source=data["source"])


@dataclass(frozen=True)
class Entry:
    day: date
    label: str
    kind: str  # notice | before | on_site | after
    hint: str = ""
    code: str = ""


@dataclass(frozen=True)
class Schedule:
    notification_date: date
    on_site_days: list[date]
    timeline: list[Entry] = field(default_factory=list)
    survey_opens: date | None = None
    survey_closes: date | None = None

    def milestone(self, code: str) -> date:
        """The date of a milestone by its profile code (for example "case_selection"); KeyError if the profile
        has none."""
        for entry in self.timeline:
            if entry.code == code:
                return entry.day
        raise KeyError(code)


def _week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(5)]


def on_site_week(day: date) -> list[date]:
    """The working days of `day`'s week from `day` on: the on-site days stay in one week."""
    return [d for d in _week_of(day) if d >= day and working_days.is_working_day(d)]


def first_working_day_of_week(day: date) -> date | None:
    return next((d for d in _week_of(day) if working_days.is_working_day(d)), None)


def problem(profile: Profile, entered: date) -> str | None:
    """Why this date cannot anchor this profile's timeline, in the lead's words; None when it can."""
    t = timeline_of(profile)
    if not working_days.is_working_day(entered):
        reason = working_days.why_not_working_day(entered)
        what = f"a {reason}" if reason in {"Saturday", "Sunday"} else f"a bank holiday ({reason})"
        return f"{t.entered_label} must be a working day: {entered:%-d %B %Y} is {what}"
    if t.entered == FIRST_DAY_ON_SITE and t.monday_start and first_working_day_of_week(entered) != entered:
        return (f"{t.entered_label} must be a Monday, or the Tuesday after a bank holiday Monday, so that the days "
                f"on site form one working week: {entered:%-d %B %Y} is a {entered:%A}")
    notification, on_site = plan(profile, entered)
    if not on_site:
        return f"The on-site week after a notification on {entered:%-d %B %Y} has no working days"
    late = [m for m in t.milestones if working_days.add_working_days(notification, m.working_days_after)
            >= on_site[0]]
    if late:
        return (f"{t.entered_label} leaves too few working days before the on-site week (it starts "
                f"{on_site[0]:%A %-d %B %Y}): {late[0].label.lower()} would fall in it. Choose another date")
    return None


def plan(profile: Profile, entered: date) -> tuple[date, list[date]]:
    """The notification and the on-site days for the date the lead entered (call `problem` first)."""
    t = timeline_of(profile)
    if t.entered == NOTIFICATION:
        week = entered + timedelta(weeks=t.on_site_week - 1)
        first = first_working_day_of_week(week)
        return entered, on_site_week(first)[:t.on_site_days] if first else []
    notification = working_days.add_working_days(entered, -t.notice_working_days)
    if t.monday_start:
        return notification, on_site_week(entered)[:t.on_site_days]
    return notification, working_days.working_days_from(entered, t.on_site_days)


def schedule(profile: Profile, notification: date, on_site: list[date]) -> Schedule:
    """Every dated milestone, from the notification and the on-site days (as stored for the inspection)."""
    t = timeline_of(profile)
    entries = [Entry(notification, "Notification", "notice", t.notice_description, "notification")]
    entries += [Entry(working_days.add_working_days(notification, m.working_days_after), m.label,
                      "notice" if m.working_days_after == 0 else "before", m.hint, m.code) for m in t.milestones]
    if t.keep_in_touch_weekly:
        day = notification
        while on_site and day < on_site[0]:
            last = max((d for d in _week_of(day) if working_days.is_working_day(d) and d < on_site[0]), default=None)
            if last is not None and last >= notification:
                entries.append(Entry(last, "Keep-in-touch meeting", "before", t.keep_in_touch_weekly,
                                     "keep_in_touch"))
            day = _week_of(day)[0] + timedelta(weeks=1)
    entries.sort(key=lambda e: e.day)  # stable: same-day milestones keep the profile's order
    for i, day in enumerate(on_site, start=1):
        entries.append(Entry(day, f"On site: day {i}", "on_site", t.keep_in_touch if i < len(on_site) else "",
                             f"on_site_{i}"))
    if t.final_feedback and on_site:
        entries.append(Entry(on_site[-1], "Final feedback meeting", "on_site", t.final_feedback, "final_feedback"))
    entries += [Entry(working_days.add_working_days(on_site[-1], m.working_days_after), m.label, "after",
                      f"{m.working_days_after} working days after the last day on site")
                for m in profile.after_fieldwork]
    built = Schedule(notification, on_site, entries)
    closes = on_site[-1] if t.survey_closes == LAST_ON_SITE_DAY else built.milestone(t.survey_closes)
    opens = notification if t.survey_opens == NOTIFICATION else built.milestone(t.survey_opens)
    return Schedule(notification, on_site, entries, opens, closes)
