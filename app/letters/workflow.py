"""The letter's way to publication: readiness checks, draft -> quality assurance (comments per section) -> final
(signed off by the lead and the CQC inspector) -> published, read-only. Every step is audited. The statuses and
steps, and who may take each, are data in app/letters/states.py; this module enforces them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app import personal_data
from app.audit.service import Actor, record
from app.errors import Forbidden, ValidationFailed
from app.evidence import service as evidence
from app.fieldwork import service as fieldwork
from app.forms_common import text_problem
from app.frameworks.visits import VisitProfile
from app.inspections import service as inspections
from app.inspections.models import Inspection, TeamRole
from app.letters import accuracy, editing, publication, states, visit
from app.letters.models import CarriedItem, LetterComment, LetterWorkflow
from app.letters.service import status_of, workflow_of
from app.letters.states import StepRule
from app.models_base import utcnow
from app.portal import claims, documents
from app.survey import service as survey
from app.sync import service as sync
from app.users.models import User


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    link: str = ""


def readiness(*, session: Session, inspection: Inspection) -> list[Check]:
    if (profile := visit.visit_of(inspection)) is not None:
        return _visit_readiness(session, inspection, profile)
    base = f"/inspections/{inspection.id}"
    kinds = defaultdict(set, evidence.source_kinds_by_heading(session=session, inspection=inspection))
    checks = []
    for heading in inspections.profile_of(inspection).headings:
        n = len(kinds[heading.number])
        checks.append(Check(f"{heading.label} has evidence from at least two kinds of source", n >= 2,
                            f"{n} kind{'s' if n != 1 else ''} of source so far",
                            f"{base}/board?heading={heading.number}"))
    checks.append(_no_conflicts(session, inspection))
    letter = editing.current(session=session, inspection=inspection)
    checks.append(Check("The letter has been started from the draft", letter is not None,
                        "start editing the draft below", f"{base}/letter"))
    untested, total = claims.untested_count(session=session, inspection=inspection)
    if total:
        checks.append(Check("No claim of the self-evaluation left untested", untested == 0,
                            f"{untested} of {total} not yet tested" if untested else f"all {total} tested",
                            f"{base}/claims?verdict=not_yet_tested" if untested else f"{base}/claims"))
    else:
        # A self-evaluation with no claims recorded from it has not been tested at all.
        sent = documents.has_self_evaluation(session=session, inspection=inspection)
        checks.append(Check("No claim of the self-evaluation left untested", not sent,
                            "the self-evaluation was received, but none of its claims is recorded" if sent
                            else "no self-evaluation or claims received", f"{base}/claims"))
    checks.append(_nothing_flagged(session, inspection))
    checks.append(_no_pseudonyms(inspection, letter.sections.values() if letter else ()))
    return checks


def _visit_readiness(session: Session, inspection: Inspection, profile: VisitProfile) -> list[Check]:
    """A revisit's or monitoring inspection's letter is its judgements of progress (app/letters/visit.py): it is
    ready when every carried weakness or area for priority action is judged with the team's reasons, rather than
    when the full inspection's evidence covers every heading."""
    progress = f"/inspections/{inspection.id}/progress"
    items = visit.items_of(session=session, inspection=inspection)
    checks = [Check(f"{profile.item_label} {item.position} judged with the team's reasons",
                    profile.judgement(item.progress) is not None and bool(item.evidence.strip()),
                    _judged(profile, item), f"{progress}#item-{item.id}") for item in items]
    if not items:
        checks.append(Check(f"At least one {profile.item_label.lower()} carried from the original inspection",
                            False, "none carried", progress))
    texts = visit.parts(session=session, inspection=inspection, visit=profile)
    return [*checks, _no_conflicts(session, inspection), _nothing_flagged(session, inspection),
            _no_pseudonyms(inspection, [part.text for part in texts])]


def _judged(profile: VisitProfile, item: CarriedItem) -> str:
    judgement = profile.judgement(item.progress)
    if judgement is None:
        return "not yet judged"
    return judgement.label if item.evidence.strip() else f"{judgement.label}, with no reasons given"


def _no_conflicts(session: Session, inspection: Inspection) -> Check:
    conflicts = len(sync.open_conflicts(session=session, inspection=inspection))
    return Check("No unresolved sync conflicts", conflicts == 0, f"{conflicts} to resolve" if conflicts else "none",
                 f"/inspections/{inspection.id}/conflicts")


def _nothing_flagged(session: Session, inspection: Inspection) -> Check:
    flagged = {"evidence items": evidence.flagged_count(session=session, inspection=inspection),
        **fieldwork.flagged_for_personal_data(session=session, inspection=inspection),
        "survey comments": survey.flagged_comments(session=session, inspection=inspection)}
    to_reword = [f"{n} {what}" for what, n in flagged.items() if n]
    return Check("Nothing flagged as personal data (evidence, notes, case files, survey comments)",
                 not to_reword, f"to reword: {', '.join(to_reword)}" if to_reword else "none",
                 f"/inspections/{inspection.id}/board")


def _no_pseudonyms(inspection: Inspection, texts: Iterable[str]) -> Check:
    # Pseudonyms are for notes: a letter that says "Person A" or "[date of birth removed]" must be reworded.
    left = sum(1 for text in texts if personal_data.placeholders(text))
    return Check("No pseudonym left in the letter (such as “Person A” or “[name removed]”)",
                 not left, f"to reword: {left} section{'s' if left != 1 else ''}" if left else "none",
                 f"/inspections/{inspection.id}/letter")


def is_ready(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)


def _who(session: Session, inspection: Inspection, user: User) -> tuple[bool, str | None]:
    """Whether the user manages the inspection, and their role in its team (None if not in it)."""
    member = inspections.membership(session=session, inspection_id=inspection.id, user_id=user.id)
    return (inspections.can_manage(session=session, user=user, inspection=inspection),
            member.team_role if member else None)


def offered(*, session: Session, user: User, inspection: Inspection) -> list[StepRule]:
    """The steps this user may take on the letter now: the buttons its page shows them."""
    manages, team_role = _who(session, inspection, user)
    return states.offered(status_of(session=session, inspection=inspection), manages=manages, team_role=team_role)


def _save(session: Session, actor: Actor, inspection: Inspection, flow: LetterWorkflow, action: str) -> LetterWorkflow:
    flow.updated_at = utcnow()
    session.add(flow)
    session.flush()
    record(session=session, actor=actor, action=f"letter.{action}", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id, detail={"status": flow.status})
    return flow


def move(*, session: Session, actor: Actor, user: User, inspection: Inspection, action: str) -> LetterWorkflow:
    """action: one of states.Step. Who may take it and from where is the table in states; what the step needs
    beyond that (the readiness checks, both signatures) is checked here."""
    rule = states.rule_for(action)
    flow = workflow_of(session=session, inspection=inspection)
    manages, team_role = _who(session, inspection, user)
    if not states.may_take(rule, manages=manages, team_role=team_role):
        raise Forbidden()
    if flow.status not in rule.leaves:
        raise ValidationFailed({"workflow": rule.refused})
    if rule.reaches is None:  # a signature, for the signatory's own role
        if team_role == TeamRole.lead:
            flow.lead_signed_by_id, flow.lead_signed_at = user.id, utcnow()
        else:
            flow.cqc_signed_by_id, flow.cqc_signed_at = user.id, utcnow()
        return _save(session, actor, inspection, flow, "signed_off")
    if (rule.step == states.Step.to_quality_assurance
            and not is_ready(readiness(session=session, inspection=inspection))):
        raise ValidationFailed({"workflow": "The letter is not ready for quality assurance: see the checks"})
    if flow.status == states.LetterStatus.factual_accuracy:
        # Leaving the check closes it: made final only once every comment is answered; back to draft at any time.
        accuracy.close_check(session=session, inspection=inspection, finalising=rule.step == states.Step.finalise)
    if rule.step == states.Step.to_factual_accuracy:
        accuracy.open_check(session=session, actor=actor, inspection=inspection)
    if rule.step == states.Step.publish:
        if not (flow.lead_signed_at and flow.cqc_signed_at):
            raise ValidationFailed({"workflow": rule.refused})
        flow.published_at = utcnow()
        publication.publish(session=session, actor=actor, inspection=inspection)
    if rule.reaches == states.LetterStatus.draft:  # back to draft: the text may change, so the signatures go
        flow.lead_signed_by_id, flow.lead_signed_at = None, None
        flow.cqc_signed_by_id, flow.cqc_signed_at = None, None
    flow.status = rule.reaches.value
    return _save(session, actor, inspection, flow, rule.step.value)


def comment(*, session: Session, actor: Actor, inspection: Inspection, section: str, text: str) -> LetterComment:
    if not status_of(session=session, inspection=inspection).takes_comments:
        raise ValidationFailed({"comment": "Comments are made during quality assurance"})
    # A visit's letter is its judgements of progress (app/letters/visit.py), commented on part by part.
    profile = visit.visit_of(inspection)
    latest = editing.current(session=session, inspection=inspection)
    sections = ({part.key for part in visit.parts(session=session, inspection=inspection, visit=profile)} if profile
                else set(latest.sections) if latest else set())
    if section not in sections:
        raise ValidationFailed({"comment": "Choose a section of the letter to comment on"})
    if problem := text_problem(text, required="Enter your comment", limit=2000, what="A comment"):
        raise ValidationFailed({"comment": problem})
    row = LetterComment(inspection_id=inspection.id, section=section, text=text.strip(), author_id=actor.user_id)
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action="letter.commented", object_type="letter_comment",
           object_id=str(row.id), inspection_id=inspection.id, detail={"section": row.section})
    return row


def comments(*, session: Session, inspection: Inspection) -> dict[str, list[tuple[LetterComment, str]]]:
    out: dict[str, list[tuple[LetterComment, str]]] = defaultdict(list)
    for row, name in session.exec(select(LetterComment, User.name).join(User, col(User.id) == LetterComment.author_id,
                                                                         isouter=True)
                                  .where(LetterComment.inspection_id == inspection.id)
                                  .order_by(col(LetterComment.created_at))).all():
        out[row.section].append((row, name or "Unknown"))
    return out


def published_by(*, session: Session, cutoff: datetime) -> list[tuple[int, datetime]]:
    """(inspection id, when published) for every letter published on or before the cutoff, oldest inspection first."""
    rows = session.exec(select(LetterWorkflow.inspection_id, LetterWorkflow.published_at)
                        .where(col(LetterWorkflow.published_at).is_not(None),
                               col(LetterWorkflow.published_at) <= cutoff)
                        .order_by(col(LetterWorkflow.inspection_id))).all()
    return [(inspection_id, published_at) for inspection_id, published_at in rows if published_at is not None]
