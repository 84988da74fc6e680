"""The team's decision as one contract, read by the JSON API and the lead's form alike: the outcome with its areas
for priority action and areas for improvement, each addressed to its responsible bodies (2023), or whether a
written statement of action is required and for which significant weaknesses (2016). What each outcome allows
and which bodies exist is profile data (app/frameworks/decisions.py)."""

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from app.audit.service import Actor, record
from app.errors import Forbidden, ValidationFailed
from app.forms_common import text_problem
from app.frameworks.decisions import rules_of
from app.frameworks.service import Profile
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters.models import LetterDecision
from app.letters.service import decision_of, require_editable
from app.models_base import utcnow
from app.users.models import User

RECOMMENDATION_LISTS = {"priority_actions": "area for priority action",
                        "areas_for_improvement": "area for improvement"}
TEXT_LIMIT = 1_000  # one recommendation: a paragraph, as published reports have them
MOST = 20  # recommendations in one list
WEAKNESS_LIMIT = 500


def takes_outcome(profile: Profile) -> bool:
    """A profile with outcomes decides one (2023); one without decides on a written statement of action (2016)."""
    return bool(rules_of(profile).outcomes)


def _recommendations(profile: Profile, key: str, raw: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    what = RECOMMENDATION_LISTS[key]
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors[key] = f"Give each {what} as an item of a list"
        return []
    if len(raw) > MOST:
        errors[key] = f"Give {MOST} or fewer areas in this list"
    bodies = {b.code for b in rules_of(profile).responsible_bodies}
    out = []
    for n, item in enumerate(raw[:MOST]):
        if not isinstance(item, Mapping):
            errors[f"{key}.{n}.text"] = f"Give each {what} as its text and responsible bodies"
            continue
        text = item.get("text")
        if not isinstance(text, str):
            text = ""
        if problem := text_problem(text, required=f"Enter the text of {what} {n + 1}", limit=TEXT_LIMIT,
                                   what=f"The text of {what} {n + 1}"):
            errors[f"{key}.{n}.text"] = problem
        chosen = item.get("responsible_bodies")
        if not isinstance(chosen, list) or not chosen or not all(isinstance(c, str) for c in chosen):
            errors[f"{key}.{n}.responsible_bodies"] = f"Select the bodies responsible for {what} {n + 1}"
            chosen = []
        elif unknown := sorted(set(chosen) - bodies):
            listed = ", ".join(sorted(bodies))
            message = f"Select the bodies responsible for {what} {n + 1} from the list ({listed})"  # nosec B608
            errors[f"{key}.{n}.responsible_bodies"] = f"{message}, not {unknown[0]}"  # a message, not SQL
        # Kept in the profile's order, once each: the report names them so.
        out.append({"text": text.strip(), "responsible_bodies": [b.code for b in rules_of(profile).responsible_bodies
                                                                 if b.code in chosen]})
    return out


def validate(profile: Profile, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The decision as it will be stored, or ValidationFailed with an error per field ("priority_actions.0.text")."""
    errors: dict[str, str] = {}
    if takes_outcome(profile):
        rules = rules_of(profile)
        outcome = rules.outcome(raw.get("outcome") if isinstance(raw.get("outcome"), str) else None)
        if outcome is None:
            errors["outcome"] = "Select the inspection outcome"
        lists = {key: _recommendations(profile, key, raw.get(key), errors) for key in RECOMMENDATION_LISTS}
        requiring = [o.label for o in rules.outcomes if o.priority_actions]
        if outcome is not None and "priority_actions" not in errors:
            if outcome.priority_actions and not lists["priority_actions"]:
                errors["priority_actions"] = (f"Add at least one area for priority action: the outcome "
                                              f"\"{outcome.label}\" requires them")
            elif not outcome.priority_actions and lists["priority_actions"]:
                errors["priority_actions"] = ("Areas for priority action are given only with the outcome "
                                              + " or ".join(f"\"{label}\"" for label in requiring)
                                              + ": remove them or choose that outcome")
        if errors:
            raise ValidationFailed(errors)
        return {"outcome": outcome.code if outcome else None, **lists}
    required = raw.get("wsoa_required")
    if not isinstance(required, bool):
        errors["wsoa_required"] = "Select whether a written statement of action is required"
    weaknesses = raw.get("significant_weaknesses")
    if weaknesses is None:
        weaknesses = []
    if not isinstance(weaknesses, list) or not all(isinstance(w, str) for w in weaknesses):
        errors["significant_weaknesses"] = "List the significant weaknesses, one per line"
        weaknesses = []
    weaknesses = [w.strip() for w in weaknesses if w.strip()]
    for line in weaknesses:
        if problem := text_problem(line, required=None, limit=WEAKNESS_LIMIT, what="Each weakness"):
            errors["significant_weaknesses"] = problem
    if required is True and not weaknesses and "significant_weaknesses" not in errors:
        errors["significant_weaknesses"] = "List the significant weaknesses, one per line"
    if required is False and weaknesses:
        errors["significant_weaknesses"] = ("Significant weaknesses are listed only when a written statement of "
                                            "action is required: remove them or select yes")
    if errors:
        raise ValidationFailed(errors)
    return {"wsoa_required": required, "significant_weaknesses": weaknesses}


def as_contract(profile: Profile, decision: LetterDecision) -> dict[str, Any]:
    """The stored decision in the API's shape for this profile."""
    if takes_outcome(profile):
        return {"outcome": decision.outcome, "priority_actions": list(decision.priority_actions),
                "areas_for_improvement": list(decision.areas_for_improvement)}
    return {"wsoa_required": decision.wsoa_required, "significant_weaknesses": list(decision.significant_weaknesses)}


def record_decision(*, session: Session, actor: Actor, user: User, inspection: Inspection,
                    raw: Mapping[str, Any]) -> LetterDecision:
    """The lead (or an administrator) records the team's decision; a refused one changes nothing stored."""
    if not inspections.can_manage(session=session, user=user, inspection=inspection):
        raise Forbidden()
    require_editable(session=session, inspection=inspection)
    profile = inspections.profile_of(inspection)
    clean = validate(profile, raw)
    decision = decision_of(session=session, inspection=inspection)
    for key, value in clean.items():
        setattr(decision, key, value)
    decision.updated_at, decision.updated_by_id = utcnow(), actor.user_id
    session.add(decision)
    session.flush()
    record(session=session, actor=actor, action="letter.decision_recorded", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id,
           detail={"wsoa_required": decision.wsoa_required, "outcome": decision.outcome,
                   "priority_actions": len(decision.priority_actions),
                   "areas_for_improvement": len(decision.areas_for_improvement)})
    return decision


# The lead's form: the same contract, from posted fields. Rows of a list are numbered ("priority_actions.0.text",
# "priority_actions.0.responsible_bodies"); a row left empty is no row.
def from_form(profile: Profile, data: Mapping[str, Any]) -> dict[str, Any]:
    if takes_outcome(profile):
        raw: dict[str, Any] = {"outcome": data.get("outcome") or None}
        for key in RECOMMENDATION_LISTS:
            rows = []
            for n in range(MOST):
                text = data.get(f"{key}.{n}.text", "")
                bodies = data.get(f"{key}.{n}.responsible_bodies", [])
                bodies = bodies if isinstance(bodies, list) else [bodies] if bodies else []
                if (isinstance(text, str) and text.strip()) or bodies:
                    rows.append({"text": text if isinstance(text, str) else "", "responsible_bodies": bodies})
            raw[key] = rows
        return raw
    answer = data.get("wsoa_required", "")
    weaknesses = data.get("significant_weaknesses", "")
    return {"wsoa_required": {"yes": True, "no": False}.get(answer if isinstance(answer, str) else ""),
            "significant_weaknesses": weaknesses.splitlines() if isinstance(weaknesses, str) else []}


def form_rows(profile: Profile, decision: LetterDecision, raw: Mapping[str, Any] | None = None,
              spare: int = 2) -> dict[str, list[dict[str, Any]]]:
    """The rows the form shows for each list: what was posted (or is stored), then a few empty ones."""
    out = {}
    for key in RECOMMENDATION_LISTS:
        rows = list(raw.get(key) or []) if raw is not None else list(getattr(decision, key))
        rows += [{"text": "", "responsible_bodies": []} for _ in range(max(spare, 3 - len(rows)))]
        out[key] = rows[:MOST]
    return out
