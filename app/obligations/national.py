"""The national view: every local area with its last inspection and outcome, what it owes and what is overdue,
the revisit or monitoring inspection due, and the window of its next full inspection. Read by administrators and
planners; filtered on the page, the API and the CSV alike."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session

from app import clock
from app.inspections import areas as area_records
from app.inspections import service as inspections
from app.inspections.models import Area, Inspection
from app.letters import service as letters
from app.obligations import service
from app.obligations.service import NextVisit, ObligationView

SHOW = {
    "": "All local areas",
    "overdue": "Something overdue",
    "outstanding": "Something owed or awaiting a decision",
    "visit": "A revisit or monitoring inspection to come",
    "never": "Not yet inspected here",
}


class AreaFilters(BaseModel):
    q: str = ""  # part of the area's name or its local authority code
    framework: str = ""
    show: str = ""  # a key of SHOW

    def clean(self) -> "AreaFilters":
        """Unknown choices fall back to everything, as a link from an old page would expect."""
        frameworks = {code for code, _ in inspections.framework_choices()}
        return AreaFilters(q=self.q.strip()[:200], framework=self.framework if self.framework in frameworks else "",
                           show=self.show if self.show in SHOW else "")


@dataclass
class AreaRow:
    area: Area
    inspections: list[Inspection]  # newest first
    last: Inspection | None
    last_status: str
    outcome: str  # the latest published letter's outcome, in the profile's words
    published_on: date | None
    obligations: list[ObligationView] = field(default_factory=list)
    visits: list[NextVisit] = field(default_factory=list)
    followed_by: Inspection | None = None  # the revisit or monitoring inspection, once set up

    @property
    def owed(self) -> list[ObligationView]:
        return [v for v in self.obligations if v.status in {"due", "overdue", "not_accepted", "submitted"}]

    @property
    def overdue(self) -> list[ObligationView]:
        return [v for v in self.obligations if v.status == "overdue"]

    @property
    def follow_up(self) -> NextVisit | None:
        """The revisit (2016) or monitoring inspection (2023) to come."""
        return next((v for v in self.visits if v.rule.code != "full_inspection"), None)

    @property
    def next_full(self) -> NextVisit | None:
        return next((v for v in self.visits if v.rule.code == "full_inspection"), None)


def _outcome(inspection: Inspection, published: letters.Published) -> str:
    profile = inspections.profile_of(inspection)
    if profile.outcomes:
        return next((o.label for o in profile.outcomes if o.code == published.outcome), "Outcome not recorded")
    if profile.written_statement_of_action:
        return ("Written statement of action required" if published.wsoa_required
                else "No written statement of action")
    return "Published"


def area_rows(*, session: Session, filters: AreaFilters | None = None, today: date | None = None) -> list[AreaRow]:
    filters = (filters or AreaFilters()).clean()
    today = today or clock.today_in_england()
    every = area_records.all_areas(session=session)
    needle = filters.q.casefold()
    if needle:
        every = [a for a in every if needle in a.name.casefold() or needle in a.la_code.casefold()]
    by_area = area_records.inspections_of(session=session, area_ids=[a.id for a in every])
    all_inspections = [i for found in by_area.values() for i in found]
    published = letters.published(session=session, inspection_ids=[i.id for i in all_inspections])
    views = service.obligations_for(session=session, inspections_=[i for i in all_inspections if i.id in published],
                                    today=today)
    rows = []
    for area in every:
        found = by_area[area.id]
        last = found[0] if found else None
        row = AreaRow(area, found, last, inspections.status_label(last) if last else "Not inspected here",
                      "", None)
        # The outcome and what follows come from the latest published full inspection, not a revisit's letter.
        latest = next((i for i in found if i.id in published and not i.visit_kind), None)
        if latest is not None:
            facts = published[latest.id]
            row.outcome, row.published_on = _outcome(latest, facts), facts.published_on
            row.visits = service.next_visits(latest, facts, views.get(latest.id, []))
            row.followed_by = next((i for i in found if i.follows_id == latest.id), None)
        row.obligations = [v for i in found for v in views.get(i.id, [])]
        rows.append(row)
    return [row for row in rows if _kept(row, filters)]


def _kept(row: AreaRow, filters: AreaFilters) -> bool:
    if filters.framework and (row.last is None or row.last.framework != filters.framework):
        return False
    return {
        "": True,
        "overdue": bool(row.overdue),
        "outstanding": bool(row.owed),
        "visit": row.follow_up is not None,
        "never": row.last is None,
    }[filters.show]


def area_row(*, session: Session, area: Area, today: date | None = None) -> AreaRow:
    rows = area_rows(session=session, filters=AreaFilters(q=area.la_code), today=today)
    return next(row for row in rows if row.area.id == area.id)


CSV_COLUMNS = ("Local area", "Local authority code", "Integrated care board", "Last inspection starts",
               "Framework", "Stage", "Outcome", "Published", "Owed or awaiting a decision", "Overdue",
               "Revisit or monitoring", "Next full inspection")


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def export_csv(rows: list[AreaRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        follow, full = row.follow_up, row.next_full
        writer.writerow([_cell(v) for v in (
            row.area.name, row.area.la_code, row.area.integrated_care_board,
            row.last.start_date.isoformat() if row.last else "",
            inspections.profile_of(row.last).short_title if row.last else "", row.last_status, row.outcome,
            row.published_on.isoformat() if row.published_on else "",
            "; ".join(f"{v.obligation.title} ({v.label.lower()}, due {v.obligation.due_date.isoformat()})"
                      for v in row.owed),
            "; ".join(v.obligation.title for v in row.overdue),
            (f"{follow.rule.title} set up for {row.followed_by.start_date.isoformat()}" if follow and row.followed_by
             else f"{follow.rule.title} {follow.wording}" if follow else ""),
            full.wording if full else "",
        )])
    return out.getvalue()
