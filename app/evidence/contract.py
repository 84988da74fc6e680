"""The evidence form described once (see app/forms_contract.py): the capture page, the sync entity and the
tablet read it. The evidence headings (as the profile defines them) and their aspects, and the word for a heading,
come from the inspection's framework profile."""

from collections.abc import Iterable
from datetime import date
from functools import cache

from app.evidence.models import Judgement, SourceType, Strand
from app.forms_contract import Choice, Contract, Field, choices_of, too_long
from app.frameworks.service import Heading, Profile, get_profile

TEXT_LIMIT = 10_000
SOURCE_LABEL_LIMIT = 200

# The capture page's "Where did this come from?" radios, and the source fields each sets.
SOURCE_KINDS = (Choice("activity", "An activity on the day plan"), Choice("file_review", "A case file"),
                Choice("document", "A document"), Choice("none", "No particular source"))


def source_fields(kind: str, activity: str, file: str) -> tuple[str, str]:
    """(source_type, source_id) for the page's radio answer. An activity's type is its kind, found from its id;
    with none chosen the type "activity" is refused with "select the activity or case file"."""
    if kind == "activity":
        return ("" if activity else "activity"), activity
    if kind == "file_review":
        return SourceType.file_review.value, file
    if kind in ("document", "none"):
        return kind, ""
    return "", ""


# The day observed: one of the days on site, or the day the source activity happened (even when the inspection's
# dates have moved since), or the day an item already has. Left empty, the service fills it (see evidence/service.py
# default_day).
DAY_OBSERVED_INVALID = "Select the day you saw or heard this, one of the days on site"


def evidence_contract(profile: Profile, on_site: Iterable[date] = (), also: Iterable[date] = ()) -> Contract:
    """The form for an inspection: its profile's headings, and the days evidence may be observed on (its days on
    site, and `also` these: the source activity's day, the day an item being edited has)."""
    on_site = tuple(on_site)
    return _contract(profile.code, on_site, tuple(sorted(set(also) - set(on_site))))


@cache  # by code and days: a sync batch asks once per op
def _contract(code: str, on_site: tuple[date, ...], also: tuple[date, ...]) -> Contract:
    return _build(get_profile(code).headings, on_site, also)


def evidence_shape() -> Contract:
    """The fields and their types without a profile's headings: what a sync op's data may hold."""
    return _build((), (), ())


def day_choices(on_site: tuple[date, ...], also: tuple[date, ...]) -> tuple[Choice, ...]:
    """Days on site by number ("Day 4: Thursday 12 March"), any other day allowed by its date alone, in order."""
    numbered = {day: f"Day {n}: {day:%A %-d %B}" for n, day in enumerate(on_site, start=1)}
    return tuple(Choice(day.isoformat(), numbered.get(day) or f"{day:%A %-d %B %Y}")
                 for day in sorted({*on_site, *also}))


def _build(headings: tuple[Heading, ...], on_site: tuple[date, ...], also: tuple[date, ...]) -> Contract:
    numbers = [p.number for p in headings] or [1]
    word = headings[0].word if headings else "Heading"  # the profile's word ("Evaluation criterion")
    return Contract("evidence_item", "Capture evidence", (
        Field("text", "What did you see or hear?", required="Enter what you saw or heard", limit=TEXT_LIMIT,
              too_long=too_long("Evidence", TEXT_LIMIT), anchor="text"),
        Field("heading", word, "choice",
              choices=tuple(Choice(str(p.number), f"{p.number}. {p.title}") for p in headings),
              required=f"Select the {word.lower()} ({min(numbers)} to {max(numbers)}) this evidence is about",
              anchor="heading"),
        Field("aspect", "Aspect", "choice", required="Select the aspect this evidence is about",
              choices_by=("heading", {str(p.number): tuple(Choice(a.code, a.text) for a in p.aspects)
                                       for p in headings}),
              other_group=f"Select an aspect of {word.lower()} {{value}}", anchor="aspect-{heading}"),
        Field("judgement", "Judgement", "choice", choices=choices_of(Judgement),
              required="Select whether this is a strength, an area for development or context", anchor="judgement"),
        Field("strands", "Service", "choices", choices=choices_of(Strand),
              required="Select at least one service: education, health or social care",
              invalid="Select education, health or social care", anchor="strands"),
        Field("source_id", "Where did this come from?",
              required="Select the activity or case file this evidence comes from",
              required_when={"source_type": ("activity", SourceType.file_review.value,
                                             SourceType.tracked_case.value)}, anchor="source_kind"),
        Field("source_label", "Title of the document", required="Enter the document's title",
              when={"source_type": (SourceType.document.value, SourceType.survey.value), "source_id": ("",)},
              limit=SOURCE_LABEL_LIMIT, too_long=too_long("Document title", SOURCE_LABEL_LIMIT),
              anchor="source_label"),
        # Optional: left empty, it is the source's day, otherwise today's day on site.
        Field("observed_on", "Day observed", "choice", invalid=DAY_OBSERVED_INVALID, anchor="observed_on",
              choices=day_choices(on_site, also) if on_site or also else None),
    ))
