"""A minimal bank-operator page: /bank/{code}. Server-rendered (Jinja2), no JavaScript.

An operator signs in with one of the bank's API keys (key id + secret), since a browser
cannot sign requests; the page then keeps the key id in a signed session cookie and checks the
key again on every request (revoked or expired keys are logged out). Forms carry a CSRF token.
AOC operators may open any bank's page with an AOC key.
"""

from __future__ import annotations

import hmac
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aoc_contract.schemas import FreezeStatus
from exchange import services
from exchange.auth import AuthError, record_auth_failure
from exchange.keys import key_secret, key_usable
from exchange.models import ApiKey
from exchange.policy import Principal
from exchange.schemas import AckCreate, Role

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
router = APIRouter(include_in_schema=False)


def _principal_for(session: Session, key_id: str | None, code: str, *,
                   development: bool) -> Principal | None:
    if not key_id:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id)
                         .options(selectinload(ApiKey.agency)))
    if key is None or not key_usable(key, development=development) or not key.agency.active:
        return None
    role = Role(key.agency.role)
    if role is Role.BANK:
        if code.upper() not in {key.agency.code, key.agency.bank_code}:
            return None
    elif role is not Role.AOC:
        return None
    return Principal(agency_id=key.agency.id, agency_code=key.agency.code,
                     agency_name=key.agency.name, role=role, bank_code=key.agency.bank_code,
                     key_id=key.key_id)


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def _check_csrf(request: Request, token: str) -> bool:
    expected = request.session.get("csrf") or ""
    return bool(expected) and hmac.compare_digest(expected, token)


@router.get("/bank/{code}", response_class=HTMLResponse)
def bank_page(request: Request, code: str, status: str = "pending") -> Any:
    sf = request.app.state.session_factory
    with sf() as session:
        principal = _principal_for(session, request.session.get("key_id"), code,
                                   development=request.app.state.settings.is_development)
        if principal is None:
            request.session.pop("key_id", None)
            return templates.TemplateResponse(request, "login.html", {
                "code": code.upper(), "csrf": _csrf(request), "error": None})
        known = {s.value for s in FreezeStatus}
        status_filter = None if status == "all" else FreezeStatus(
            status if status in known else FreezeStatus.PENDING.value)
        try:
            items = services.list_bank_queue(session, principal=principal, code=code,
                                             status=status_filter, limit=200)
        except services.NotFound:
            return HTMLResponse("<h1>Unknown bank</h1>", status_code=404)
        session.commit()
    return templates.TemplateResponse(request, "bank.html", {
        "code": code.upper(), "principal": principal, "items": items,
        "status": status_filter.value if status_filter else "all",
        "statuses": [s.value for s in FreezeStatus if s is not FreezeStatus.UNROUTED],
        "csrf": _csrf(request),
        "message": request.session.pop("flash", None)})


@router.post("/bank/{code}/login", response_class=HTMLResponse)
def login(request: Request, code: str, key_id: Annotated[str, Form(max_length=64)],
          secret: Annotated[str, Form(max_length=200)],
          csrf: Annotated[str, Form(max_length=100)]) -> Any:
    sf = request.app.state.session_factory
    settings = request.app.state.settings
    ok = False
    if _check_csrf(request, csrf):
        with sf() as session:
            principal = _principal_for(session, key_id, code,
                                       development=settings.is_development)
            key = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
            if principal is not None and key is not None:
                expected = key_secret(key, settings.master_secret.get_secret_value())
                ok = hmac.compare_digest(expected.encode(), secret.encode())
            if ok:
                services.audit(session, principal=principal, action="bank_page.login",
                               object_type="bank", object_id=code.upper())
                session.commit()
    if not ok:
        record_auth_failure(sf, AuthError("bank_page_login_failed", "login failed", key_id),
                            method="POST", target=f"/bank/{code}/login")
        return templates.TemplateResponse(request, "login.html", {
            "code": code.upper(), "csrf": _csrf(request),
            "error": "Key id or secret is wrong, or the key may not open this bank's page."},
            status_code=401)
    request.session["key_id"] = key_id
    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse(f"/bank/{code}", status_code=303)


@router.post("/bank/{code}/logout")
def logout(request: Request, code: str, csrf: Annotated[str, Form(max_length=100)]) -> Any:
    if _check_csrf(request, csrf):
        request.session.clear()
    return RedirectResponse(f"/bank/{code}", status_code=303)


@router.post("/bank/{code}/freeze-requests/{fr_id}/ack", response_class=HTMLResponse)
def ack(request: Request, code: str, fr_id: str,
        status: Annotated[str, Form(max_length=32)],
        csrf: Annotated[str, Form(max_length=100)],
        amount_held: Annotated[str, Form(max_length=32)] = "",
        bank_case_id: Annotated[str, Form(max_length=64)] = "",
        note: Annotated[str, Form(max_length=500)] = "") -> Any:
    sf = request.app.state.session_factory
    settings = request.app.state.settings
    if not _check_csrf(request, csrf):
        return HTMLResponse("<h1>Form expired; reload the page.</h1>", status_code=403)
    with sf() as session:
        principal = _principal_for(session, request.session.get("key_id"), code,
                                   development=request.app.state.settings.is_development)
        if principal is None:
            return RedirectResponse(f"/bank/{code}", status_code=303)
        try:
            amount = Decimal(amount_held.replace(",", "")) if amount_held.strip() else None
            data = AckCreate(status=status, amount_held=amount,
                             bank_case_id=bank_case_id.strip() or None, note=note or None)
        except (ValidationError, InvalidOperation) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "bad amount"
            request.session["flash"] = f"Not saved: {msg}"
            return RedirectResponse(f"/bank/{code}", status_code=303)
        try:
            outcome, _view = services.acknowledge(session, principal=principal, fr_id=fr_id,
                                                  ack=data, settings=settings)
        except services.NotFound:
            return HTMLResponse("<h1>No such request</h1>", status_code=404)
        session.commit()
    request.session["flash"] = f"{fr_id}: {outcome.value}"
    return RedirectResponse(f"/bank/{code}", status_code=303)
