"""Sign in, sign out, change password, and the administrator's user pages."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.audit.service import Actor
from app.config import Settings
from app.errors import ValidationFailed
from app.users import service, two_factor
from app.users.deps import SESSION_COOKIE, ActorDep, AdminUser, Auth, CurrentUser, signed_in_user
from app.users.models import InspectorKind, Role, User
from app.web.deps import DbSession, SettingsDep, client_ip
from app.web.forms import safe_next
from app.web.templating import render

router = APIRouter()


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_page(request: Request, auth: Auth, next: str = "") -> Response:
    if auth.user is not None:
        return _see_other(safe_next(next))
    return render(request, "users/login.html", {"next": next, "email": ""})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        try:
            user = service.authenticate(session=db, settings=settings, email=email, password=password,
                                        ip_address=client_ip(request), between=db.commit)
        except service.LoginFailed as failure:
            errors["email"] = failure.message
        else:
            return signed_in(request, db, settings, user, next)
    return render(request, "users/login.html", {"errors": errors, "email": email, "next": next}, status_code=422)


def signed_in(request: Request, db: Session, settings: Settings, user: User, next: str) -> RedirectResponse:
    """After the password was checked (at sign-in, or linking an account to an invitation): a new session, sent on
    to the code page when the account has two-factor sign-in (until the code, it opens nothing else), else on to
    `next`, or to change a temporary password first."""
    token, user_session = service.start_session(session=db, user=user, ip_address=client_ip(request))
    if user.totp_secret:
        user_session.second_factor_pending = True
        target = f"/login/two-factor?next={quote(safe_next(next))}"
    else:
        user_session.reauthenticated_at = user_session.created_at
        target = "/account/password" if user.must_change_password else safe_next(next)
    db.add(user_session)
    response = _see_other(target)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=settings.session_absolute_hours * 3600)
    return response


@router.get("/login/two-factor")
def second_factor_page(request: Request, auth: Auth, next: str = "") -> Response:
    if auth.awaiting_code is None:
        return _see_other(safe_next(next) if auth.user else "/login")
    return render(request, "users/two_factor_code.html", {"next": next})


@router.post("/login/two-factor")
def second_factor(request: Request, db: DbSession, settings: SettingsDep, auth: Auth, actor: ActorDep,
                  code: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    user = auth.awaiting_code
    if user is None:
        return _see_other("/login")
    try:
        passed = two_factor.pass_second_factor(session=db, settings=settings,
                                               actor=Actor(user.id, user.email, client_ip(request)),
                                               user=user, user_session=auth.signed_in_session, code=code)
    except ValidationFailed as e:
        return render(request, "users/two_factor_code.html", {"next": next, "errors": e.errors}, status_code=422)
    if not passed:
        response = _see_other("/login?code_attempts=1")
        response.delete_cookie(SESSION_COOKIE)
        return response
    return _see_other("/account/password" if user.must_change_password else safe_next(next))


@router.get("/account/two-factor")
def two_factor_page(request: Request, db: DbSession, auth: Auth, user: Annotated[User,
                    Depends(signed_in_user)]) -> Response:
    secret = None if user.totp_secret else two_factor.start_enrolment(session=db, user_session=auth.signed_in_session)
    return render(request, "users/two_factor_setup.html", {
        "user": user, "secret": secret, "qr": two_factor.qr_svg(user, secret) if secret else "",
        "required": two_factor.required_for(user), "enrolled": request.query_params.get("enrolled")})


@router.post("/account/two-factor")
def enrol_two_factor(request: Request, db: DbSession, auth: Auth, actor: ActorDep,
                     user: Annotated[User, Depends(signed_in_user)], code: Annotated[str, Form()] = "") -> Response:
    try:
        two_factor.confirm_enrolment(session=db, actor=actor, user=user, user_session=auth.signed_in_session, code=code)
    except ValidationFailed as e:
        secret = auth.signed_in_session.pending_totp_secret
        return render(request, "users/two_factor_setup.html", {
            "user": user, "secret": secret, "qr": two_factor.qr_svg(user, secret) if secret else "",
            "required": two_factor.required_for(user), "errors": e.errors}, status_code=422)
    return _see_other("/account/two-factor?enrolled=1")


@router.get("/account/confirm")
def confirm_page(request: Request, user: CurrentUser, next: str = "") -> Response:
    return render(request, "users/confirm.html", {"next": next, "has_code": bool(user.totp_secret)})


@router.post("/account/confirm")
def confirm(request: Request, db: DbSession, settings: SettingsDep, auth: Auth, actor: ActorDep, user: CurrentUser,
            password: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
            next: Annotated[str, Form()] = "") -> Response:
    try:
        two_factor.reauthenticate(session=db, settings=settings, actor=actor, user=user,
                                  user_session=auth.signed_in_session, password=password, code=code)
    except two_factor.SessionEnded:
        response = _see_other("/login?code_attempts=1")
        response.delete_cookie(SESSION_COOKIE)
        return response
    except ValidationFailed as e:
        return render(request, "users/confirm.html", {"next": next, "has_code": bool(user.totp_secret),
                                                      "errors": e.errors}, status_code=422)
    target = safe_next(next)
    if (download := _download_of(target)) is not None:
        # A file was asked for: a page saying it is ready, never a redirect whose answer the browser might save
        # under the confirm page's name.
        return render(request, "users/confirmed_download.html", download)
    return _see_other(target)


# Files behind a recent sign-in, by their address's ending: what the link says, and the page to go back to.
DOWNLOADS = {".docx": ("the outcome letter as Word (DOCX)", "letter"),
             ".pdf": ("the outcome letter as PDF", "letter"),
             "/responses.csv": ("the anonymised survey responses (CSV)", "")}


def _download_of(target: str) -> dict[str, str] | None:
    path = target.split("?", 1)[0]
    for ending, (what, back_page) in DOWNLOADS.items():
        if path.endswith(ending):
            back = path.rsplit("/", 1)[0] if not back_page else path[: -len(ending)]
            return {"href": target, "what": what, "back": back}
    return None


@router.post("/logout")
def logout(request: Request, db: DbSession, auth: Auth, actor: ActorDep) -> Response:
    if auth.user_session is not None:
        service.end_session(session=db, user_session=auth.signed_in_session, actor=actor)
    response = _see_other("/login?signed_out=1")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password")
def password_page(request: Request, user: Annotated[User, Depends(signed_in_user)]) -> Response:
    return render(request, "users/password.html", {"user": user})


@router.post("/account/password")
def change_password(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    auth: Auth,
    actor: ActorDep,
    user: Annotated[User, Depends(signed_in_user)],
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.change_password(session=db, settings=settings, actor=actor, user=user,
                                user_session=auth.signed_in_session, current=current_password, new=new_password,
                                confirm=confirm_password)
    except service.SessionEnded:
        response = _see_other("/login?password_attempts=1")
        response.delete_cookie(SESSION_COOKIE)
        return response
    except ValidationFailed as e:
        return render(request, "users/password.html", {"user": user, "errors": e.errors}, status_code=422)
    return _see_other("/inspections?password_changed=1")


# --- Administrator ---------------------------------------------------------------------------------------


def _user_form_context(**extra: Any) -> dict[str, Any]:
    return {"roles": list(Role), "kinds": list(InspectorKind), **extra}


@router.get("/admin/users")
def users_page(request: Request, db: DbSession, admin: AdminUser) -> Response:
    return render(request, "users/list.html", {"users": service.list_users(session=db)})


@router.get("/admin/users/new")
def new_user_page(request: Request, admin: AdminUser) -> Response:
    return render(request, "users/form.html", _user_form_context(form=service.UserForm(), user=None))


@router.post("/admin/users/new")
def create_user(
    request: Request,
    db: DbSession,
    admin: AdminUser,
    actor: ActorDep,
    form: Annotated[service.UserForm, Form()],
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        user = service.create_user(session=db, actor=actor, form=form, password=password)
    except ValidationFailed as e:
        return render(request, "users/form.html", _user_form_context(form=form, user=None, errors=e.errors),
                      status_code=422)
    return _see_other(f"/admin/users/{user.id}?created=1")


@router.get("/admin/users/{user_id}")
def user_page(request: Request, db: DbSession, admin: AdminUser, user_id: int) -> Response:
    user = service.get_user(session=db, user_id=user_id)
    form = service.UserForm(email=user.email, name=user.name, role=user.role,
                            inspector_kind=user.inspector_kind or "", home_area=user.home_area or "")
    return render(request, "users/form.html", _user_form_context(form=form, user=user,
                  created=request.query_params.get("created")))


@router.post("/admin/users/{user_id}")
def update_user(
    request: Request,
    db: DbSession,
    admin: AdminUser,
    actor: ActorDep,
    user_id: int,
    form: Annotated[service.UserForm, Form()],
) -> Response:
    user = service.get_user(session=db, user_id=user_id)
    try:
        service.update_user(session=db, actor=actor, user=user, form=form)
    except ValidationFailed as e:
        db.refresh(user)
        return render(request, "users/form.html", _user_form_context(form=form, user=user, errors=e.errors),
                      status_code=422)
    return _see_other("/admin/users?updated=1")


@router.post("/admin/users/{user_id}/active")
def set_active(
    request: Request,
    db: DbSession,
    admin: AdminUser,
    actor: ActorDep,
    user_id: int,
    active: Annotated[str, Form()] = "",
) -> Response:
    user = service.get_user(session=db, user_id=user_id)
    try:
        service.set_active(session=db, actor=actor, user=user, active=active == "true")
    except ValidationFailed as e:
        return render(request, "users/list.html", {"users": service.list_users(session=db), "errors": e.errors},
                      status_code=422)
    return _see_other("/admin/users")


@router.post("/admin/users/{user_id}/reset-password")
def reset_password(request: Request, db: DbSession, auth: Auth, admin: AdminUser, actor: ActorDep,
                   user_id: int) -> Response:
    user = service.get_user(session=db, user_id=user_id)
    temporary = service.reset_password(session=db, actor=actor, user=user, keep=auth.user_session)
    # Shown once, on this response only; the user must change it at next sign-in.
    return render(request, "users/reset_done.html", {"user": user, "temporary": temporary})
