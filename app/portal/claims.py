"""The claims of the area's self-evaluation, each tied to a heading and aspect, and the inspectors' verdict on
each, with the evidence items behind it (framework para 15: report where the evidence supports the area's own
evaluation and where it does not)."""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, delete, func, select

from app.audit.service import Actor, record
from app.errors import Forbidden, NotFound, ValidationFailed
from app.evidence import service as evidence
from app.forms_common import text_problem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.models_base import utcnow
from app.portal.documents import get_document
from app.portal.models import SefClaim, SefClaimEvidence
from app.users.models import User
from app.web import text

TEXT_LIMIT = 2000


class Verdict(StrEnum):
    supported = "supported"
    partly_supported = "partly_supported"
    not_supported = "not_supported"
    not_yet_tested = "not_yet_tested"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour for this verdict."""
        return {"supported": "green", "partly_supported": "yellow", "not_supported": "red",
                "not_yet_tested": "grey"}[self.value]


class ClaimForm(BaseModel):
    aspect: str = ""
    text: str = ""
    source_document_id: str = ""
    source_reference: str = ""


def record_claim(*, session: Session, actor: Actor, inspection: Inspection, user: User, form: ClaimForm) -> SefClaim:
    profile = inspections.profile_of(inspection)
    errors: dict[str, str] = {}
    heading = None
    try:
        heading = profile.aspect(form.aspect)[0].number  # aspects are unique across headings
    except KeyError:
        errors["aspect"] = f"Select the {profile.heading_word.lower()} and aspect the claim is about"
    if problem := text_problem(form.text, required="Enter the claim, in the self-evaluation's words",
                               limit=TEXT_LIMIT, what="The claim"):
        errors["text"] = problem
    document_id = None
    if form.source_document_id:
        try:
            document_id = get_document(session=session, inspection=inspection, document_id=form.source_document_id).id
        except NotFound:
            errors["source_document_id"] = "Select a document the area uploaded"
    if problem := text_problem(form.source_reference, required=None, limit=100, what="Where in the document"):
        errors["source_reference"] = problem
    if errors or heading is None:
        raise ValidationFailed(errors)
    claim = SefClaim(inspection_id=inspection.id, heading=heading, aspect=form.aspect, text=form.text.strip(),
                     source_document_id=document_id, source_reference=form.source_reference.strip(),
                     recorded_by_id=user.id, recorded_by_officer=user.role == "la_officer")
    session.add(claim)
    session.flush()
    record(session=session, actor=actor, action="claim.recorded", object_type="sef_claim", object_id=claim.id,
           inspection_id=inspection.id, detail={"heading": heading, "aspect": form.aspect,
                                                "by_officer": claim.recorded_by_officer})
    return claim


def get_claim(*, session: Session, inspection: Inspection, claim_id: int | str) -> SefClaim:
    claim = session.get(SefClaim, cid) if (cid := text.as_id(claim_id)) else None
    if claim is None or claim.inspection_id != inspection.id:
        raise NotFound()
    return claim


def delete_own_claim(*, session: Session, actor: Actor, inspection: Inspection, user: User, claim_id: int) -> None:
    """The officer may take back a claim they recorded, until inspectors have tested it."""
    claim = get_claim(session=session, inspection=inspection, claim_id=claim_id)
    if claim.recorded_by_id != user.id:
        raise NotFound()
    if claim.verdict != Verdict.not_yet_tested or evidence_ids_of(session=session, claim=claim):
        raise Forbidden()
    session.delete(claim)
    record(session=session, actor=actor, action="claim.withdrawn", object_type="sef_claim", object_id=claim.id,
           inspection_id=inspection.id)


def evidence_ids_of(*, session: Session, claim: SefClaim) -> set[str]:
    return set(session.exec(
        select(SefClaimEvidence.evidence_item_id).where(SefClaimEvidence.claim_id == claim.id)).all())


def set_verdict(*, session: Session, actor: Actor, inspection: Inspection, claim: SefClaim, verdict: str,
                note: str, evidence_ids: list[str]) -> SefClaim:
    """A verdict other than 'not yet tested' must rest on at least one evidence item of this inspection."""
    errors: dict[str, str] = {}
    if verdict not in Verdict.__members__:
        errors["verdict"] = "Select a verdict"
    wanted = list(dict.fromkeys(i for i in evidence_ids if i))
    known = evidence.known_ids(session=session, inspection=inspection, ids=wanted)
    if set(wanted) - known:
        errors["evidence"] = "Select evidence items of this inspection"
    elif verdict in Verdict.__members__ and verdict != Verdict.not_yet_tested and not known:
        errors["evidence"] = "Select the evidence behind this verdict"
    if problem := text_problem(note, required=None, limit=TEXT_LIMIT, what="The note"):
        errors["note"] = problem
    if errors:
        raise ValidationFailed(errors)
    before = {"verdict": claim.verdict, "evidence": sorted(evidence_ids_of(session=session, claim=claim))}
    session.exec(delete(SefClaimEvidence).where(col(SefClaimEvidence.claim_id) == claim.id))
    session.add_all(SefClaimEvidence(claim_id=claim.id, evidence_item_id=i) for i in sorted(known))
    claim.verdict, claim.verdict_note = verdict, note.strip()
    claim.verdict_by_id, claim.verdict_at = actor.user_id, utcnow()
    session.add(claim)
    session.flush()
    record(session=session, actor=actor, action="claim.verdict_given", object_type="sef_claim", object_id=claim.id,
           inspection_id=inspection.id, detail={"before": before, "verdict": verdict, "evidence": sorted(known)})
    return claim


def claims_recorded_by(*, session: Session, inspection: Inspection, user: User) -> list[SefClaim]:
    return list(session.exec(select(SefClaim).where(SefClaim.inspection_id == inspection.id,
                                                    SefClaim.recorded_by_id == user.id)
                             .order_by(col(SefClaim.heading), col(SefClaim.id))).all())


def untested_count(*, session: Session, inspection: Inspection) -> tuple[int, int]:
    """(claims not yet tested, all claims)."""
    rows = session.exec(select(SefClaim.verdict, func.count()).where(SefClaim.inspection_id == inspection.id)
                        .group_by(SefClaim.verdict)).all()
    counts = dict(rows)
    return counts.get(Verdict.not_yet_tested.value, 0), sum(counts.values())


@dataclass
class ClaimRow:
    claim: SefClaim
    aspect_text: str
    evidence_count: int

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.claim.verdict)


@dataclass
class HeadingClaims:
    number: int
    title: str
    rows: list[ClaimRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[Verdict, int]:
        found = Counter(r.verdict for r in self.rows)
        return {v: found.get(v, 0) for v in Verdict}


def matrix(*, session: Session, inspection: Inspection, verdict: str = "") -> list[HeadingClaims]:
    """Claims by heading with their verdicts and how many evidence items stand behind each."""
    profile = inspections.profile_of(inspection)
    counts = dict(session.exec(select(SefClaimEvidence.claim_id, func.count())
                               .join(SefClaim, col(SefClaim.id) == SefClaimEvidence.claim_id)
                               .where(SefClaim.inspection_id == inspection.id)
                               .group_by(col(SefClaimEvidence.claim_id))).all())
    headings = [HeadingClaims(p.number, p.title) for p in profile.headings]
    by_number = {p.number: p for p in headings}
    aspect_text = {a.code: a.text for p in profile.headings for a in p.aspects}
    query = (select(SefClaim).where(SefClaim.inspection_id == inspection.id)
             .order_by(col(SefClaim.heading), col(SefClaim.id)))
    for claim in session.exec(query).all():
        if verdict and claim.verdict != verdict:
            continue
        if claim.heading in by_number:
            by_number[claim.heading].rows.append(ClaimRow(claim, aspect_text.get(claim.aspect, claim.aspect),
                                                           counts.get(claim.id, 0)))
    return headings


def kept_figures(*, session: Session, inspection_id: int) -> dict[str, dict[str, int]]:
    verdicts = session.exec(select(SefClaim.verdict, func.count()).where(SefClaim.inspection_id == inspection_id)
                            .group_by(SefClaim.verdict)).all()
    return {"claims": dict(sorted(verdicts))}
