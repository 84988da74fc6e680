"""Where the letter is and what may happen next, as data in one place: each status with how the page shows it,
and each step with the statuses it leaves from, the status it reaches and who may take it. The workflow
enforces these rules and the letter page offers exactly these steps; neither re-declares them."""

from dataclasses import dataclass
from enum import StrEnum

from app.errors import ValidationFailed
from app.inspections.models import TeamRole


class LetterStatus(StrEnum):
    """The stored value of `letter_workflows.status`."""

    draft = "draft"
    quality_assurance = "quality_assurance"
    factual_accuracy = "factual_accuracy"  # the area checks the draft; the text changes only by answering them
    final = "final"  # the lead and the CQC inspector sign it off
    published = "published"  # read-only

    @property
    def label(self) -> str:
        return STATUSES[self].label

    @property
    def tag(self) -> str:
        return STATUSES[self].tag

    @property
    def editable(self) -> bool:
        return STATUSES[self].editable

    @property
    def takes_comments(self) -> bool:
        return STATUSES[self].takes_comments

    @property
    def shows_checks(self) -> bool:
        return STATUSES[self].shows_checks

    @property
    def shows_signatures(self) -> bool:
        return STATUSES[self].shows_signatures

    @property
    def area_checks(self) -> bool:
        return STATUSES[self].area_checks


@dataclass(frozen=True)
class StatusInfo:
    label: str
    tag: str  # the GOV.UK tag colour: govuk-tag--<tag>
    editable: bool  # the text, the versions and the team's decision may still change
    takes_comments: bool = False  # quality-assurance reviewers comment on sections
    shows_checks: bool = False  # the readiness checks that quality assurance waits for
    shows_signatures: bool = False  # who has signed the final letter off
    area_checks: bool = False  # the area sees the draft and comments on its factual accuracy


STATUSES: dict[LetterStatus, StatusInfo] = {
    LetterStatus.draft: StatusInfo("Draft", "grey", editable=True, shows_checks=True),
    LetterStatus.quality_assurance: StatusInfo("Quality assurance", "blue", editable=True, takes_comments=True),
    LetterStatus.factual_accuracy: StatusInfo("Factual accuracy check", "purple", editable=False, area_checks=True),
    LetterStatus.final: StatusInfo("Final: awaiting sign-off", "yellow", editable=False, shows_signatures=True),
    LetterStatus.published: StatusInfo("Published", "green", editable=False, shows_signatures=True),
}


class Step(StrEnum):
    """A step on the letter's way, as named in its URL (/letter/workflow/<step>) and its audit action."""

    to_quality_assurance = "to_quality_assurance"
    to_factual_accuracy = "to_factual_accuracy"
    finalise = "finalise"
    sign_off = "sign_off"
    publish = "publish"
    back_to_draft = "back_to_draft"


class Who(StrEnum):
    lead = "lead"  # the lead inspector or an administrator: whoever manages the inspection
    signatory = "signatory"  # the lead or the CQC inspector in the team, each signing for their own role


SIGNATORIES = (TeamRole.lead, TeamRole.cqc_inspector)


@dataclass(frozen=True)
class StepRule:
    step: Step
    button: str
    leaves: tuple[LetterStatus, ...]  # the statuses it may be taken from
    reaches: LetterStatus | None  # None: the status stays (a signature)
    who: Who
    refused: str  # why it cannot be taken from any other status
    main: bool = False  # the page's main action (a primary button); the others are secondary


# In the order the page offers them.
STEPS: tuple[StepRule, ...] = (
    StepRule(Step.to_quality_assurance, "Send to quality assurance", (LetterStatus.draft,),
             LetterStatus.quality_assurance, Who.lead, "Only a draft can go to quality assurance"),
    StepRule(Step.to_factual_accuracy, "Send to the area for a factual accuracy check",
             (LetterStatus.quality_assurance,), LetterStatus.factual_accuracy, Who.lead,
             "Only a letter in quality assurance can go to the area for a factual accuracy check"),
    StepRule(Step.finalise, "Make final", (LetterStatus.quality_assurance, LetterStatus.factual_accuracy),
             LetterStatus.final, Who.lead,
             "Only a letter in quality assurance or its factual accuracy check can be made final"),
    StepRule(Step.sign_off, "Sign off the final letter", (LetterStatus.final,), None, Who.signatory,
             "Only a final letter can be signed off"),
    StepRule(Step.publish, "Publish", (LetterStatus.final,), LetterStatus.published, Who.lead,
             "Both the lead inspector and the CQC inspector must sign off the final letter before it is published",
             main=True),
    StepRule(Step.back_to_draft, "Back to draft",
             (LetterStatus.quality_assurance, LetterStatus.factual_accuracy, LetterStatus.final),
             LetterStatus.draft, Who.lead,
             "Only a letter in quality assurance, its factual accuracy check or final can go back to draft"),
)


def rule_for(step: str) -> StepRule:
    rule = next((r for r in STEPS if r.step == step), None)
    if rule is None:
        raise ValidationFailed({"workflow": "Unknown step"})
    return rule


def may_take(rule: StepRule, *, manages: bool, team_role: str | None) -> bool:
    """Whether this person may take the step at all, whatever the letter's status."""
    return manages if rule.who == Who.lead else team_role in SIGNATORIES


def offered(status: LetterStatus, *, manages: bool, team_role: str | None) -> list[StepRule]:
    """The steps this person may take from this status: the buttons the letter page shows them."""
    return [r for r in STEPS if status in r.leaves and may_take(r, manages=manages, team_role=team_role)]


def require_editable(status: LetterStatus) -> None:
    if not status.editable:
        if status == LetterStatus.factual_accuracy:
            raise ValidationFailed({"text": "The area is checking this draft: its text changes only by accepting "
                                            "their comments, or the lead can return it to draft"})
        raise ValidationFailed({"text": "The letter is final or published and cannot be changed: "
                                        "the lead can return a final letter to draft"})
