"""JSON: who is signed in (the offline app asks this before it syncs)."""

from fastapi import APIRouter
from pydantic import BaseModel

from app.users.deps import Auth, CurrentUser
from app.web import csrf

router = APIRouter(prefix="/api/v1", tags=["session"])


class SessionOut(BaseModel):
    email: str
    name: str
    role: str
    csrf_token: str


@router.get("/session", response_model=SessionOut, responses={401: {"description": "Not signed in"}})
def current_session(user: CurrentUser, auth: Auth) -> SessionOut:
    # A signed-in user's session always has its token (the session row is made with it).
    return SessionOut(email=user.email, name=user.name, role=user.role,
                      csrf_token=csrf.mask(auth.signed_in_session.csrf_token))
