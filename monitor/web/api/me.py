"""Who the token acts as: user, role, permissions and the agencies in scope (what a client checks first)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.scoping import PERMISSIONS, scope_filter, visible_agency_ids
from monitor.db.schema import Agency
from monitor.web.api.auth import Caller, api_caller
from monitor.web.api.errors import responses
from monitor.web.api.schemas import AgencyOut, MeOut, TokenOut
from monitor.web.auth import db_session

router = APIRouter(tags=["account"])


@router.get("/me", response_model=MeOut, responses=responses(401), summary="The caller's user, role and scope")
def me(caller: Caller = Depends(api_caller), db: Session = Depends(db_session)) -> MeOut:
    user = caller.user
    ids = visible_agency_ids(db, user)
    agencies = None if ids is None else [
        AgencyOut.of(a) for a in db.scalars(select(Agency).where(scope_filter(ids, Agency.id)).order_by(Agency.code))
    ]
    return MeOut(id=user.id, username=user.username, full_name=user.full_name, role=user.role,
                 permissions=sorted(PERMISSIONS.get(user.role, frozenset())), agencies=agencies,
                 token=TokenOut(id=caller.token.id, name=caller.token.name, created_at=caller.token.created_at))
