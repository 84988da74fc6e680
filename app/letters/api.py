"""JSON API for the team's decision (firm contract, read by the tablet and by checks):
GET and PUT /api/v1/inspections/{id}/decision. 2023: {"outcome", "priority_actions": [{"text",
"responsible_bodies"}], "areas_for_improvement": [same]}; 2016: {"wsoa_required", "significant_weaknesses"}.
A PUT is the lead's or an administrator's; a refused one answers 422 with an error per field and changes nothing."""

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from app.errors import ValidationFailed
from app.inspections import service as inspections
from app.inspections.deps import CurrentInspection
from app.letters import decisions, service
from app.users.deps import ActorDep, CurrentUser
from app.web.deps import DbSession

router = APIRouter(prefix="/api/v1/inspections", tags=["decision"])

EXAMPLE_2023 = {"outcome": "widespread_failings",
                "priority_actions": [{"text": "Leaders should ... (fictional)",
                                      "responsible_bodies": ["local_authority", "icb"]}],
                "areas_for_improvement": [{"text": "Leaders should ... (fictional)",
                                           "responsible_bodies": ["icb"]}]}
EXAMPLE_2016 = {"wsoa_required": True, "significant_weaknesses": ["Late plans (fictional)"]}
# Any JSON: the rules are checked by app/letters/decisions.py, so a wrong type gets the same field errors as a
# broken rule rather than a framework's generic answer.
DecisionBody = Annotated[Any, Body(openapi_examples={"2023": {"value": EXAMPLE_2023},
                                                     "2016": {"value": EXAMPLE_2016}})]


@router.get("/{inspection_id}/decision", responses={404: {"description": "Not found"}})
def read(db: DbSession, inspection: CurrentInspection) -> dict[str, Any]:
    return decisions.as_contract(inspections.profile_of(inspection),
                                 service.decision_of(session=db, inspection=inspection))


@router.put("/{inspection_id}/decision", response_model=dict[str, Any], responses={
    403: {"description": "Not the lead or an administrator"}, 404: {"description": "Not found"},
    422: {"description": "The decision breaks a rule: {detail, errors: {field: message}}"}})
def record(db: DbSession, user: CurrentUser, actor: ActorDep, inspection: CurrentInspection,
           body: DecisionBody) -> dict[str, Any] | JSONResponse:
    try:
        decision = decisions.record_decision(session=db, actor=actor, user=user, inspection=inspection,
                                             raw=body if isinstance(body, dict) else {})
    except ValidationFailed as e:
        return JSONResponse({"detail": "The decision is not valid", "errors": e.errors}, status_code=422)
    return decisions.as_contract(inspections.profile_of(inspection), decision)
