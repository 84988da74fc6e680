"""The letter of a visit that follows an inspection (a revisit, a monitoring inspection): its profile's title and
opening, each carried weakness or area for priority action with the judgement of progress on it and the reasons,
then its sign-off (profiles/visits/*.toml). The Progress page shows it; the Word and PDF files are the same letter
through the ordinary renderers (app/letters/export.py), framed by the visit's sections instead of the full
inspection's, and frozen at publication like any letter."""

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from app.frameworks.visits import VisitProfile, visit_profile
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import export, service
from app.letters.models import CarriedItem
from app.letters.service import Draft, long_date


@dataclass(frozen=True)
class LetterPart:
    key: str  # "opening", then "item_<position>"
    heading: str
    text: str


def visit_of(inspection: Inspection) -> VisitProfile | None:
    return visit_profile(inspection.framework, inspection.visit_kind) if inspection.visit_kind else None


def items_of(*, session: Session, inspection: Inspection) -> list[CarriedItem]:
    return list(session.exec(select(CarriedItem).where(CarriedItem.inspection_id == inspection.id)
                             .order_by(col(CarriedItem.position))).all())


def parts(*, session: Session, inspection: Inspection, visit: VisitProfile) -> list[LetterPart]:
    """The opening (its heading is the letter's title), then each carried item and the judgement on it."""
    original = session.get(Inspection, inspection.follows_id) if inspection.follows_id else None
    published = (service.published(session=session, inspection_ids=[original.id]).get(original.id)
                 if original else None)
    days = inspections.schedule_of(inspection).on_site_days
    words = {"area": inspection.local_area, "first_day": long_date(days[0]), "last_day": long_date(days[-1]),
             "original_published": long_date(published.published_on) if published else "(not published)"}
    wording = visit.letter
    out = [LetterPart("opening", wording.title.format(**words), wording.opening.format(**words))]
    for item in items_of(session=session, inspection=inspection):
        judgement = visit.judgement(item.progress)
        finding = (wording.finding.format(judgement=judgement.label, evidence=item.evidence) if judgement
                   else wording.not_judged)
        out.append(LetterPart(f"item_{item.position}",
                              wording.item.format(label=visit.item_label, n=item.position, item=item.text), finding))
    return out


def letter(*, session: Session, inspection: Inspection, draft: Draft) -> tuple[export.Frame, dict[str, str]] | None:
    """A visit's letter as the renderers take it (its frame and its sections' text), or None for a full inspection.
    The date and addressees are the draft's (the same area); the visit's own team signs it."""
    visit = visit_of(inspection)
    if visit is None:
        return None
    found = parts(session=session, inspection=inspection, visit=visit)
    title, sign_off = found[0].heading, visit.letter.sign_off
    # A letter's layout (export.Frame.parts): the date, the addressees, the title, the opening, each item under its
    # heading, the sign-off.
    layout: list[tuple[str, Any]] = [("p", long_date(draft.dated)), *(("p", a) for a in draft.addressees),
                                     ("p", "Dear Sir or Madam"), ("h1", title), ("section", ("opening", "")),
                                     *(("section", (part.key, part.heading)) for part in found[1:]), ("p", sign_off)]
    frame = replace(export.frame_of(draft), title=title, outcome_wording=None, sign_off=sign_off,
                    sections=tuple((part.key, part.heading) for part in found), parts=tuple(layout),
                    # A visit's outcome is a letter, signed, whichever form the original's outcome took.
                    signatures=tuple(service.signatures_of(session=session, inspection=inspection)))
    return frame, {part.key: part.text for part in found}
