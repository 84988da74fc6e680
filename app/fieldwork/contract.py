"""The activity and case-file forms described once (see app/forms_contract.py): their pages, the sync entities
and the tablet read them. The days, the team and the rated aspects are the inspection's own."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from app.fieldwork import rules
from app.fieldwork.models import (
    ActivityKind,
    AgeBand,
    Contribution,
    MeetingWith,
    PrimaryNeed,
    Rating,
    SenStatus,
    SettingType,
)
from app.forms_contract import Choice, Contract, Field, choices_of, too_long
from app.frameworks.service import Profile
from app.web import text

NOTES_LIMIT = 20_000
COMMENT_LIMIT = 2_000
TITLE_LIMIT = 200


def activity_contract(days: list[date] | tuple[date, ...] = (), team: list[tuple[int, str]] | None = None) -> Contract:
    """The day-plan form. With no days or team given (reading a sync op's types), those choices are left open."""
    return Contract("activity", "Add an activity", (
        Field("kind", "What kind of activity?", "choice", choices=choices_of(ActivityKind),
              required="Select what kind of activity this is", anchor="kind"),
        Field("meeting_with", "Who is the meeting with?", "choice", choices=choices_of(MeetingWith),
              when={"kind": (ActivityKind.meeting.value,)}, required="Select who the meeting is with",
              anchor="meeting_with"),
        # Whether the setting is in the register only the server knows; a visit needs one.
        Field("setting_id", "Setting", required="Select the setting visited (add it to the settings register first)",
              required_when={"kind": (ActivityKind.setting_visit.value,)}, anchor="setting_id"),
        Field("title", "Title (optional)", limit=TITLE_LIMIT, too_long=too_long("Title", TITLE_LIMIT), anchor="title"),
        Field("day", "Day", "choice", required="Select one of the days on site", anchor="day",
              choices=tuple(Choice(d.isoformat(), f"Day {n}: {d:%A %-d %B}") for n, d in enumerate(days, start=1))
              if days else None),
        Field("start_time", "Start time (optional)", "time",
              invalid="Enter the start time as hours and minutes, like 09:30", anchor="start_time"),
        Field("inspector_ids", "Inspectors", "choices", required="Select at least one inspector from the team",
              choices=tuple(Choice(str(i), name) for i, name in team) if team is not None else None,
              anchor="inspector_ids"),
        Field("notes", "Notes (optional)", limit=NOTES_LIMIT, too_long=too_long("Notes", NOTES_LIMIT), anchor="notes"),
    ))


DATES = (("concern_raised_on", "Concerns first raised (optional)", "The date concerns were first raised"),
         ("assessment_requested_on", "EHC needs assessment requested (optional)",
          "The date the assessment was requested"),
         ("plan_issued_on", "EHC plan issued (optional)", "The date the plan was issued"))
_NOT_BEFORE = {"assessment_requested_on": ("concern_raised_on",
                                           "The assessment cannot be requested before concerns were first raised"),
               "plan_issued_on": ("assessment_requested_on",
                                  "The plan cannot be issued before the assessment was requested")}


def _choice(name: str, label: str, enum: Iterable[Any], message: str, **extra: Any) -> Field:
    return Field(name, label, "choice", choices=choices_of(enum), required=message, anchor=name, **extra)


def file_review_contract(profile: Profile | None = None) -> Contract:
    """The case-file form. Without a profile (reading a sync op's types) no aspect may be rated."""
    aspects = profile.file_review_aspects() if profile else []
    return Contract("file_review", "Review a case file", (
        Field("case_reference", "Case reference", required=rules.CASE_REFERENCE_REQUIRED,
              limit=rules.CASE_REFERENCE_LIMIT, too_long=rules.CASE_REFERENCE_TOO_LONG,
              refuse=tuple((pattern.pattern, message) for pattern, message in rules.CASE_REFERENCE_REFUSED),
              anchor="case_reference"),
        _choice("age_band", "Age band", AgeBand, "Select the child or young person's age band"),
        _choice("setting_type", "Type of setting", SettingType, "Select the type of setting"),
        _choice("sen_status", "SEN support or EHC plan status", SenStatus, "Select the SEN support or EHC plan status"),
        _choice("primary_need", "Primary need", PrimaryNeed, "Select the primary need"),
        _choice("health_contributed", "Did health contribute to the assessment?", Contribution,
                "Select whether health contributed to the assessment", default=Contribution.not_known.value),
        _choice("social_care_contributed", "Did social care contribute to the assessment?", Contribution,
                "Select whether social care contributed to the assessment", default=Contribution.not_known.value),
        *(Field(name, label, "date", invalid=f"{what} must be a real date", past=f"{what} must be today or in the past",
                out_of_range=f"{what} must be between {text.EARLIEST.year} and {text.LATEST.year}",
                not_before=_NOT_BEFORE.get(name), anchor=f"{name}-day")
          for name, label, what in DATES),
        Field("attendance_percent", "Latest attendance (optional)", "number", minimum=0, maximum=100,
              invalid="Attendance must be a percentage from 0 to 100, like 87.5", anchor="attendance_percent"),
        Field("ratings", "Ratings", "ratings", choices=choices_of(Rating),
              aspects=tuple(Choice(a.code, f"{p.label}: {a.text}") for p, a in aspects),
              invalid="Select strong, adequate, weak or not evidenced",
              other_group="Unknown aspect {value!r} for this framework",
              comment_limit=COMMENT_LIMIT, comment_too_long=too_long("Comment", COMMENT_LIMIT)),
        Field("notes", "Notes (optional)", limit=NOTES_LIMIT, too_long=too_long("Notes", NOTES_LIMIT), anchor="notes"),
        # Whether the activity is in the day plan only the server knows.
        Field("activity_id", "Seen during (optional)", anchor="activity_id"),
    ))
