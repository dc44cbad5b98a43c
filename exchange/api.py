"""HTTP API (/v1). Thin routes: authenticate, check the role, call a service, commit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from aoc_contract import signing
from aoc_contract.schemas import CaseCreate, CaseReceipt, ErrorResponse, FreezeStatus
from exchange import services
from exchange.auth import authenticate, request_target
from exchange.models import ApiKey
from exchange.policy import Principal, allowed
from exchange.schemas import (
    AckCreate,
    AckResult,
    AuditList,
    AuditOut,
    CaseList,
    CaseOut,
    ClusterList,
    FreezeRequestList,
    FreezeRequestOut,
    PhoneList,
    RouteCreate,
    WebhookCreate,
    WebhookOut,
    WhoAmI,
)
from exchange.settings import ExchangeSettings

# Documented in OpenAPI so clients see the four signature headers.
_doc_headers = [
    Depends(APIKeyHeader(name=name, auto_error=False, scheme_name=name.removeprefix("X-")))
    for name in (signing.KEY_ID_HEADER, signing.TIMESTAMP_HEADER, signing.NONCE_HEADER,
                 signing.SIGNATURE_HEADER)
]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing, bad, stale or replayed signature"},
    403: {"model": ErrorResponse, "description": "The agency's role may not do this"},
    404: {"model": ErrorResponse, "description": "Not found or outside the agency's scope"},
    422: {"model": ErrorResponse, "description": "Validation failed; `errors` lists paths"},
}

router = APIRouter(prefix="/v1", dependencies=_doc_headers, responses=ERRORS)


def settings_dep(request: Request) -> ExchangeSettings:
    return request.app.state.settings


def session_dep(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(session_dep)]
SettingsDep = Annotated[ExchangeSettings, Depends(settings_dep)]


MAX_BODY_BYTES = 1_000_000


async def current_principal(request: Request) -> Principal:
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, "request body too large")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(413, "request body too large")
    request.state.raw_body = body
    principal = await run_in_threadpool(
        authenticate, request.app.state.session_factory, request.app.state.settings,
        headers=request.headers, method=request.method, target=request_target(request.scope),
        body=body)
    request.state.principal = principal
    return principal


class Permit:
    """Dependency: the caller is authenticated and its role may perform `action`.

    Runs before body validation, so a role that may never call an endpoint gets 403, not 422.
    """

    def __init__(self, action: str) -> None:
        self.action = action

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if not allowed(principal.role, self.action):
            raise services.Forbidden(f"role {principal.role.value} may not {self.action}",
                                     action=self.action)
        return principal


def permit(action: str) -> Any:
    return Annotated[Principal, Depends(Permit(action))]


T = TypeVar("T")
RETRYABLE = (IntegrityError, StaleDataError, OperationalError)


def in_transaction(session: Session, work: Callable[[], T], attempts: int = 3) -> T:
    """Run `work` and commit; retry on a lost race (unique key, concurrent update, lock)."""
    for attempt in range(attempts):
        try:
            result = work()
            session.commit()
            return result
        except RETRYABLE as exc:
            session.rollback()
            if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
                raise
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/whoami", response_model=WhoAmI)
def whoami(principal: permit("whoami"), session: SessionDep) -> WhoAmI:
    key = session.scalar(select(ApiKey).where(ApiKey.key_id == principal.key_id))
    services.audit(session, principal=principal, action="whoami", object_type="api_key",
                   object_id=principal.key_id)
    session.commit()
    return WhoAmI(agency_code=principal.agency_code, agency_name=principal.agency_name,
                  role=principal.role, bank_code=principal.bank_code, key_id=principal.key_id,
                  key_expires_at=key.expires_at if key else None)


@router.post(
    "/cases", status_code=201, response_model=CaseReceipt,
    responses={200: {"model": CaseReceipt,
                      "description": "The packet amended a case submitted earlier"},
               409: {"model": ErrorResponse,
                     "description": "Idempotency-Key reused with another body"}},
)
def create_case(
    packet: CaseCreate,
    request: Request,
    principal: permit("case.create"),
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str, Header(
        alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
        description="Same key + same body returns the first response; another body → 409")],
) -> JSONResponse:
    raw = json.loads(request.state.raw_body or b"null")
    body_hash = services.request_hash(raw)

    def work() -> services.StoredResponse:
        return services.submit_case(session, principal=principal, packet=packet,
                                    idempotency_key=idempotency_key, body_hash=body_hash,
                                    settings=settings)

    stored = in_transaction(session, work)
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else {}
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


@router.get("/cases", response_model=CaseList, response_model_exclude_unset=True)
def list_cases(principal: permit("case.list"), session: SessionDep, limit: Limit = 100,
               since: datetime | None = None) -> CaseList:
    items = services.list_cases(session, principal=principal, limit=limit, since=since)
    session.commit()
    return CaseList.model_validate({"items": items})


@router.get("/cases/{case_id}", response_model=CaseOut, response_model_exclude_unset=True)
def get_case(case_id: Annotated[str, Path(max_length=64)], principal: permit("case.read"),
             session: SessionDep) -> CaseOut:
    view = services.get_case(session, principal=principal, case_id=case_id)
    session.commit()
    return CaseOut.model_validate(view)


@router.get("/banks/{code}/freeze-requests", response_model=FreezeRequestList,
            response_model_exclude_unset=True)
def bank_queue(code: Annotated[str, Path(max_length=16)],
               principal: permit("freeze_request.list"), session: SessionDep,
               status: FreezeStatus | None = None, limit: Limit = 100) -> FreezeRequestList:
    items = services.list_bank_queue(session, principal=principal, code=code, status=status,
                                     limit=limit)
    session.commit()
    return FreezeRequestList.model_validate({"items": items})


@router.put("/banks/{code}/webhook", response_model=WebhookOut)
def register_webhook(code: Annotated[str, Path(max_length=16)], hook: WebhookCreate,
                     principal: permit("webhook.register"), session: SessionDep,
                     settings: SettingsDep) -> WebhookOut:
    out = in_transaction(session, lambda: services.register_webhook(
        session, principal=principal, code=code, url=str(hook.url), settings=settings))
    return WebhookOut.model_validate(out)


@router.get("/freeze-requests/{fr_id}", response_model=FreezeRequestOut,
            response_model_exclude_unset=True)
def get_freeze_request(fr_id: Annotated[str, Path(max_length=64)],
                       principal: permit("freeze_request.read"),
                       session: SessionDep) -> FreezeRequestOut:
    view = services.get_freeze_request(session, principal=principal, fr_id=fr_id)
    session.commit()
    return FreezeRequestOut.model_validate(view)


@router.get("/freeze-requests", response_model=FreezeRequestList,
            response_model_exclude_unset=True)
def all_freeze_requests(principal: permit("freeze_request.list_all"), session: SessionDep,
                        status: FreezeStatus | None = None,
                        limit: Limit = 100) -> FreezeRequestList:
    items = services.list_freeze_requests(session, principal=principal, status=status,
                                          limit=limit)
    session.commit()
    return FreezeRequestList.model_validate({"items": items})


@router.post("/freeze-requests/{fr_id}/route", response_model=FreezeRequestOut,
             response_model_exclude_unset=True,
             responses={409: {"model": ErrorResponse, "description": "Not unrouted"}})
def route_freeze_request(fr_id: Annotated[str, Path(max_length=64)], route: RouteCreate,
                         principal: permit("freeze_request.route"),
                         session: SessionDep) -> FreezeRequestOut:
    view = in_transaction(session, lambda: services.route_freeze_request(
        session, principal=principal, fr_id=fr_id, bank_code=route.bank_code))
    return FreezeRequestOut.model_validate(view)


@router.post("/freeze-requests/{fr_id}/ack", response_model=AckResult,
             response_model_exclude_unset=True)
def acknowledge(fr_id: Annotated[str, Path(max_length=64)], ack: AckCreate,
                principal: permit("freeze_request.ack"), session: SessionDep,
                settings: SettingsDep) -> AckResult:
    outcome, view = in_transaction(session, lambda: services.acknowledge(
        session, principal=principal, fr_id=fr_id, ack=ack, settings=settings))
    return AckResult.model_validate({"outcome": outcome, "freeze_request": view})


@router.get("/clusters", response_model=ClusterList, response_model_exclude_unset=True)
def clusters(principal: permit("cluster.list"), session: SessionDep,
             min_size: Annotated[int, Query(ge=1, le=1000)] = 2,
             limit: Limit = 100) -> ClusterList:
    items = services.list_clusters(session, principal=principal, min_size=min_size,
                                   limit=limit)
    session.commit()
    return ClusterList.model_validate({"items": items})


@router.get("/phone-numbers", response_model=PhoneList)
def phone_numbers(principal: permit("phone.list"), session: SessionDep,
                  limit: Limit = 100) -> PhoneList:
    items = services.list_phone_numbers(session, principal=principal, limit=limit)
    session.commit()
    return PhoneList.model_validate({"items": items})


@router.get("/audit", response_model=AuditList)
def audit_log(principal: permit("audit.list"), session: SessionDep, limit: Limit = 100,
              agency: Annotated[str | None, Query(max_length=32)] = None) -> AuditList:
    entries = services.list_audit(session, principal=principal, limit=limit,
                                  agency_code=agency)
    items = [AuditOut.model_validate(e, from_attributes=True) for e in entries]
    session.commit()
    return AuditList(items=items)
