"""The audit log, for administrators."""

from fastapi import APIRouter, Request, Response

from app.audit import service
from app.users.deps import AdminUser
from app.web.deps import DbSession
from app.web.templating import render

router = APIRouter()

PER_PAGE = 50


@router.get("/admin/audit")
def audit_log(request: Request, db: DbSession, admin: AdminUser, page: int = 1, action: str = "",
              actor: str = "") -> Response:
    page = max(page, 1)
    events, total = service.list_events(session=db, page=page, per_page=PER_PAGE, action=action or None,
                                        actor=actor or None)
    return render(request, "audit/list.html", {
        "events": events, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)),
        "action": action, "actor": actor, "actions": service.known_actions(session=db),
    }, block="results")
