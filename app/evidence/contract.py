"""The evidence form described once (see app/forms_contract.py): the capture page, the sync entity and the
tablet read it. Proposals and aspects come from the inspection's framework profile."""

from functools import cache

from app.evidence.models import Judgement, SourceType, Strand
from app.forms_contract import Choice, Contract, Field, choices_of, too_long
from app.frameworks.service import Profile, Proposal, get_profile

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


def evidence_contract(profile: Profile) -> Contract:
    return _contract(profile.code)


@cache  # by code: a sync batch asks once per op
def _contract(code: str) -> Contract:
    return _build(get_profile(code).proposals)


def evidence_shape() -> Contract:
    """The fields and their types without a profile's proposals: what a sync op's data may hold."""
    return _build(())


def _build(proposals: tuple[Proposal, ...]) -> Contract:
    numbers = [p.number for p in proposals] or [1]
    return Contract("evidence_item", "Capture evidence", (
        Field("text", "What did you see or hear?", required="Enter what you saw or heard", limit=TEXT_LIMIT,
              too_long=too_long("Evidence", TEXT_LIMIT), anchor="text"),
        Field("proposal", "Proposal", "choice",
              choices=tuple(Choice(str(p.number), f"{p.number}. {p.title}") for p in proposals),
              required=f"Select the proposal ({min(numbers)} to {max(numbers)}) this evidence is about",
              anchor="proposal"),
        Field("aspect", "Aspect", "choice", required="Select the aspect this evidence is about",
              choices_by=("proposal", {str(p.number): tuple(Choice(a.code, a.text) for a in p.aspects)
                                       for p in proposals}),
              other_group="Select an aspect of proposal {value}", anchor="aspect-{proposal}"),
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
    ))
