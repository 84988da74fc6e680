"""Dependencies of the ground every route uses: the database session, the settings, the client's address.
Who is signed in lives with the users (app.users.deps): the ground knows no domain."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.config import Settings, get_settings
from app.db import get_db

DbSession = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
