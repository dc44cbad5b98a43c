"""Use cases of the exchange. No FastAPI here: routes, the bank page and the CLI call these.

Every function takes the session first and keyword-only arguments; each records an audit entry
for what it read or wrote, in the same transaction as the change. Callers commit.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from aoc_contract.banks import bank_number, short_code
from aoc_contract.schemas import (
    CaseCreate,
    CaseReceipt,
    FreezeStatus,
    FreezeStatusChanged,
    Priority,
    TransferIn,
)
from exchange import keys as keys_mod
from exchange.models import (
    Agency,
    AuditEntry,
    Case,
    Delivery,
    Destination,
    FreezeAck,
    FreezeRequest,
    IdempotencyRecord,
    Transfer,
    Webhook,
    new_id,
    utcnow,
)
from exchange.policy import CASE_EXTRA_FIELDS, FR_EXTRA_FIELDS, Principal, allowed
from exchange.schemas import AckCreate, AckOutcome, AckStatus, Role
from exchange.settings import ExchangeSettings
from exchange.webhook_urls import WebhookUrlRefused, check_webhook_url

# ---------------------------------------------------------------------------------------- errors


class ServiceError(Exception):
    status_code = 400
    error = "bad_request"

    def __init__(self, message: str, *, action: str | None = None,
                 object_type: str | None = None, object_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.object_type = object_type
        self.object_id = object_id


class Forbidden(ServiceError):
    status_code = 403
    error = "forbidden"


class NotFound(ServiceError):
    status_code = 404
    error = "not_found"


class Conflict(ServiceError):
    status_code = 409
    error = "conflict"


class Unprocessable(ServiceError):
    status_code = 422
    error = "unprocessable"


# ----------------------------------------------------------------------------------------- audit


def audit(
    session: Session, *, principal: Principal | None, action: str, outcome: str = "ok",
    object_type: str | None = None, object_id: str | None = None,
    detail: dict[str, Any] | None = None, key_id: str | None = None,
) -> None:
    session.add(AuditEntry(
        at=utcnow(),
        agency_code=principal.agency_code if principal else None,
        key_id=principal.key_id if principal else key_id,
        role=principal.role.value if principal else None,
        action=action, object_type=object_type, object_id=object_id, outcome=outcome,
        detail=detail or {},
    ))


def require(principal: Principal, action: str, *, object_type: str | None = None,
            object_id: str | None = None) -> None:
    if not allowed(principal.role, action):
        raise Forbidden(f"role {principal.role.value} may not {action}", action=action,
                        object_type=object_type, object_id=object_id)


# ----------------------------------------------------------------------------------------- money


def to_satang(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def money(satang: int | None) -> str | None:
    if satang is None:
        return None
    sign = "-" if satang < 0 else ""
    satang = abs(satang)
    return f"{sign}{satang // 100}.{satang % 100:02d}"


# ----------------------------------------------------------------------------------------- views


def destination_view(dest: Destination) -> dict[str, Any]:
    return {
        "bank_code": dest.bank_code, "bank_short_name": short_code(dest.bank_code),
        "account_no": dest.account_no, "promptpay_type": dest.promptpay_type,
        "promptpay_id": dest.promptpay_id,
    }


def transfer_view(t: Transfer) -> dict[str, Any]:
    return {
        "from_bank_code": t.from_bank_code, "from_account_no": t.from_account_no,
        "to_bank_code": t.to_bank_code, "to_account_no": t.to_account_no,
        "to_account_name": t.to_account_name, "promptpay_type": t.promptpay_type,
        "promptpay_id": t.promptpay_id, "transfer_date": t.transfer_date,
        "transfer_time": t.transfer_time, "transfer_amount": money(t.transfer_satang),
        "transfer_ref": t.transfer_ref, "transfer_channel": t.transfer_channel,
    }


def ack_view(a: FreezeAck) -> dict[str, Any]:
    return {
        "status": a.status, "amount_held": money(a.held_satang), "bank_case_id": a.bank_case_id,
        "note": a.note, "occurred_at": a.occurred_at, "received_at": a.received_at,
        "agency_code": a.agency_code, "outcome": a.outcome,
    }


def freeze_request_view(fr: FreezeRequest, role: Role) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": fr.id, "case_id": fr.case_id, "bank_code": fr.bank_code,
        "bank_short_name": short_code(fr.bank_code), "status": fr.status,
        "priority": fr.priority, "effective_priority": fr.effective_priority,
        "cluster_size": fr.destination.case_count,
        "requested_amount": money(fr.requested_satang), "amount_held": money(fr.held_satang),
        "bank_case_id": fr.bank_case_id, "status_occurred_at": fr.status_occurred_at,
        "scam_type": fr.case.scam_type, "reported_at": fr.case.reported_at,
        "created_at": fr.created_at, "updated_at": fr.updated_at,
        "destination": destination_view(fr.destination),
    }
    extra = FR_EXTRA_FIELDS.get(role, frozenset())
    if "transfers" in extra:
        view["transfers"] = [transfer_view(t) for t in fr.transfers]
    if "acks" in extra:
        view["acks"] = [ack_view(a) for a in fr.acks]
    if "source_case_ref" in extra:
        view["source_case_ref"] = fr.case.source_case_ref
    return view


def case_view(case: Case, role: Role) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": case.id, "source_case_ref": case.source_case_ref,
        "reporter": case.reporter.code, "scam_type": case.scam_type,
        "revision": case.revision, "priority": case.priority, "reported_at": case.reported_at,
        "created_at": case.created_at,
        "transfers": [transfer_view(t) for t in case.transfers],
        "freeze_requests": [freeze_request_view(fr, role) for fr in case.freeze_requests],
    }
    for name in CASE_EXTRA_FIELDS.get(role, frozenset()):
        view[name] = getattr(case, name)
    return view


# ---------------------------------------------------------------------------------------- outbox


def enqueue_delivery(session: Session, *, kind: str, target_url: str,
                     agency_code: str | None, payload: dict[str, Any]) -> Delivery:
    event_id = payload.get("event_id") or new_id("evt")
    payload = {**payload, "event_id": event_id}
    delivery = Delivery(event_id=event_id, kind=kind, target_url=target_url,
                        agency_code=agency_code, payload=_jsonable(payload),
                        next_attempt_at=utcnow())
    session.add(delivery)
    return delivery


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value)}")


def _bank_webhook(session: Session, bank_code: str) -> Webhook | None:
    return session.scalar(
        select(Webhook).join(Agency).where(Agency.bank_code == bank_code, Agency.active)
    )


def _notify_bank(session: Session, fr: FreezeRequest, event_type: str) -> None:
    hook = _bank_webhook(session, fr.bank_code)
    if hook is None:
        return
    event_id = new_id("evt")
    enqueue_delivery(session, kind="webhook", target_url=hook.url,
                     agency_code=hook.agency.code, payload={
                         "event_id": event_id, "type": event_type, "occurred_at": utcnow(),
                         "freeze_request": freeze_request_view(fr, Role.BANK)})


def _notify_reporter(session: Session, settings: ExchangeSettings, fr: FreezeRequest,
                     occurred_at: datetime) -> None:
    if not settings.callback_url or fr.case.reporter.role != Role.REPORTER.value:
        return
    change = FreezeStatusChanged(
        event_id=new_id("evt"), case_ref=fr.case.source_case_ref, case_id=fr.case_id,
        freeze_request_id=fr.id, bank_code=fr.bank_code, bank_short_name=short_code(fr.bank_code),
        status=fr.status, amount_held=money(fr.held_satang), bank_case_id=fr.bank_case_id,
        cluster_size=fr.destination.case_count, occurred_at=occurred_at)
    enqueue_delivery(session, kind="callback", target_url=settings.callback_url,
                     agency_code=fr.case.reporter.code, payload=change.model_dump(mode="json"))


# ----------------------------------------------------------------------------------------- cases


def request_hash(raw: Any) -> str:
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]
    replayed: bool


def replay_idempotent(session: Session, *, principal: Principal, idempotency_key: str,
                      body_hash: str) -> StoredResponse | None:
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.agency_id == principal.agency_id,
        IdempotencyRecord.key == idempotency_key))
    if record is None:
        return None
    if record.request_hash != body_hash:
        raise Conflict("Idempotency-Key was already used with a different body",
                       action="case.create", object_type="idempotency_key",
                       object_id=idempotency_key[:64])
    audit(session, principal=principal, action="case.create", object_type="case",
          object_id=record.response.get("case_id"), detail={"idempotent_replay": True})
    return StoredResponse(record.status_code, record.response, True)


def destination_key(t: TransferIn) -> str:
    if t.to_account_no:
        return f"acct:{t.to_bank_code}:{t.to_account_no}"
    return f"pp:{t.promptpay_type.value}:{t.promptpay_id}"  # type: ignore[union-attr]


def effective_priority(priority: str, cluster_size: int, p0_size: int) -> str:
    """Several victims naming one account raise its priority: +1 level at 2, P0 at p0_size."""
    if cluster_size >= p0_size:
        return Priority.P0.value
    if cluster_size >= 2:
        return {"P2": "P1", "P1": "P0", "P0": "P0"}[priority]
    return priority


def _satang_sum(items: list[tuple[int, TransferIn]]) -> int | None:
    known = [to_satang(t.transfer_amount) for _, t in items if t.transfer_amount is not None]
    return sum(known) if known else None


def _destination_for(session: Session, key: str, first: TransferIn,
                     now: datetime) -> Destination:
    dest = session.scalar(select(Destination).where(Destination.key == key))
    if dest is None:
        dest = Destination(
            key=key, bank_code=first.to_bank_code, account_no=first.to_account_no,
            promptpay_type=first.promptpay_type.value if first.promptpay_type else None,
            promptpay_id=first.promptpay_id, case_count=0,
            first_reported_at=now, last_reported_at=now)
        session.add(dest)
        session.flush()
    elif dest.bank_code is None and first.to_bank_code is not None:
        dest.bank_code = first.to_bank_code  # a later report named the proxy's bank
    return dest


def submit_case(
    session: Session, *, principal: Principal, packet: CaseCreate, idempotency_key: str,
    body_hash: str, settings: ExchangeSettings,
) -> StoredResponse:
    """Store a case packet and fan it out; a packet for a known source case amends it.

    A packet is the reporter's full current view of the case. On an amendment the case
    fields are replaced, destinations already requested get their transfers and amount
    updated, new destinations get new freeze requests, and requests for destinations no
    longer listed are kept (a hold may already be in place; AOC decides).
    """
    require(principal, "case.create")
    stored = replay_idempotent(session, principal=principal, idempotency_key=idempotency_key,
                               body_hash=body_hash)
    if stored is not None:
        return stored
    now = utcnow()
    case = session.scalar(select(Case).where(
        Case.reporter_agency_id == principal.agency_id,
        Case.source_case_ref == packet.source_case_ref))
    amended = case is not None
    if case is None:
        case = Case(id=new_id("case"), reporter_agency_id=principal.agency_id,
                    source_case_ref=packet.source_case_ref, created_at=now, revision=1)
        session.add(case)
    else:
        case.revision += 1
    case.scam_type = packet.scam_type.value
    case.priority = packet.priority.value
    case.reported_at = packet.reported_at
    case.victim_contact_ref = packet.victim_contact_ref
    case.victim_bank_case_id = packet.victim_bank_case_id
    case.police_case_id = packet.police_case_id
    case.summary = packet.summary
    case.suspect_phones = list(dict.fromkeys(packet.suspect_phones))
    session.flush()

    groups: dict[str, list[tuple[int, TransferIn]]] = defaultdict(list)
    for seq, t in enumerate(packet.transfers):
        groups[destination_key(t)].append((seq, t))

    existing = {fr.destination_id: fr for fr in session.scalars(
        select(FreezeRequest).where(FreezeRequest.case_id == case.id))}
    changed: list[tuple[FreezeRequest, str]] = []
    for key, items in groups.items():
        first = items[0][1]
        dest = _destination_for(session, key, first, now)
        fr = existing.get(dest.id)
        if fr is None:
            # Atomic increment: concurrent cases on one destination both count.
            session.execute(update(Destination).where(Destination.id == dest.id).values(
                case_count=Destination.case_count + 1, last_reported_at=now))
            session.refresh(dest)
            bank_code = first.to_bank_code or dest.bank_code
            fr = FreezeRequest(
                id=new_id("frq"), case_id=case.id, destination_id=dest.id, bank_code=bank_code,
                status=(FreezeStatus.PENDING if bank_code else FreezeStatus.UNROUTED).value,
                requested_satang=_satang_sum(items), priority=case.priority,
                effective_priority=effective_priority(case.priority, dest.case_count,
                                                      settings.cluster_p0_size),
                created_at=now, updated_at=now)
            session.add(fr)
            session.flush()
            changed.append((fr, "freeze_request.created"))
            _raise_cluster_priority(session, dest=dest, except_id=fr.id, settings=settings)
        else:
            session.execute(delete(Transfer).where(Transfer.freeze_request_id == fr.id))
            fr.requested_satang = _satang_sum(items)
            fr.priority = case.priority
            fr.effective_priority = max_priority(
                fr.effective_priority,
                effective_priority(case.priority, dest.case_count, settings.cluster_p0_size))
            if fr.bank_code is None and (first.to_bank_code or dest.bank_code):
                fr.bank_code = first.to_bank_code or dest.bank_code
                fr.status = FreezeStatus.PENDING.value
            fr.updated_at = now
            changed.append((fr, "freeze_request.amended"))
        for seq, t in items:
            session.add(Transfer(
                case_id=case.id, freeze_request_id=fr.id, seq=seq,
                from_bank_code=t.from_bank_code, from_account_no=t.from_account_no,
                to_bank_code=t.to_bank_code, to_account_no=t.to_account_no,
                to_account_name=t.to_account_name,
                promptpay_type=t.promptpay_type.value if t.promptpay_type else None,
                promptpay_id=t.promptpay_id,
                transfer_date=t.transfer_date.isoformat() if t.transfer_date else None,
                transfer_time=t.transfer_time.isoformat() if t.transfer_time else None,
                transfer_satang=(to_satang(t.transfer_amount)
                                 if t.transfer_amount is not None else None),
                transfer_ref=t.transfer_ref, transfer_channel=t.transfer_channel))
    session.flush()
    session.expire_all()

    case = session.get(Case, case.id)  # reload with relationships
    assert case is not None
    for fr, event_type in changed:
        fresh = session.get(FreezeRequest, fr.id)
        if fresh is not None and fresh.bank_code is not None:
            _notify_bank(session, fresh, event_type)
    body = {
        "case_id": case.id, "source_case_ref": case.source_case_ref,
        "revision": case.revision, "created_at": case.created_at,
        "freeze_requests": [
            {"id": fr.id, "bank_code": fr.bank_code, "bank_short_name": short_code(fr.bank_code),
             "destination": destination_view(fr.destination),
             "requested_amount": money(fr.requested_satang), "status": fr.status,
             "priority": fr.priority, "effective_priority": fr.effective_priority,
             "cluster_size": fr.destination.case_count}
            for fr in case.freeze_requests
        ],
    }
    body = CaseReceipt.model_validate(body).model_dump(mode="json")
    status_code = 200 if amended else 201
    session.add(IdempotencyRecord(agency_id=principal.agency_id, key=idempotency_key,
                                  request_hash=body_hash, status_code=status_code,
                                  response=body))
    audit(session, principal=principal, action="case.amend" if amended else "case.create",
          object_type="case", object_id=case.id,
          detail={"revision": case.revision, "source_case_ref": case.source_case_ref,
                  "freeze_requests": [fr.id for fr in case.freeze_requests]})
    return StoredResponse(status_code, body, False)


def max_priority(a: str, b: str) -> str:
    return min(a, b)  # "P0" < "P1" < "P2"


def _raise_cluster_priority(session: Session, *, dest: Destination, except_id: str,
                            settings: ExchangeSettings) -> None:
    # Priorities only ever rise, so requests already at P0 need no look.
    others = session.scalars(select(FreezeRequest).where(
        FreezeRequest.destination_id == dest.id, FreezeRequest.id != except_id,
        FreezeRequest.effective_priority != Priority.P0.value)).all()
    for other in others:
        new = effective_priority(other.priority, dest.case_count, settings.cluster_p0_size)
        if new != other.effective_priority:
            other.effective_priority = new
            other.updated_at = utcnow()
            if other.status == FreezeStatus.PENDING.value:
                _notify_bank(session, other, "freeze_request.priority_raised")


def _load_case(session: Session, case_id: str) -> Case | None:
    return session.scalar(select(Case).where(Case.id == case_id).options(
        selectinload(Case.transfers), selectinload(Case.reporter),
        selectinload(Case.freeze_requests).selectinload(FreezeRequest.destination),
        selectinload(Case.freeze_requests).selectinload(FreezeRequest.transfers),
        selectinload(Case.freeze_requests).selectinload(FreezeRequest.acks)))


def get_case(session: Session, *, principal: Principal, case_id: str) -> dict[str, Any]:
    require(principal, "case.read", object_type="case", object_id=case_id)
    case = _load_case(session, case_id)
    if case is None or (principal.role is Role.REPORTER
                        and case.reporter_agency_id != principal.agency_id):
        raise NotFound("no such case", action="case.read", object_type="case",
                       object_id=case_id)
    audit(session, principal=principal, action="case.read", object_type="case",
          object_id=case.id)
    return case_view(case, principal.role)


def list_cases(session: Session, *, principal: Principal, limit: int,
               since: datetime | None = None) -> list[dict[str, Any]]:
    require(principal, "case.list")
    query = select(Case.id).order_by(Case.created_at.desc(), Case.id).limit(limit)
    if principal.role is Role.REPORTER:
        query = query.where(Case.reporter_agency_id == principal.agency_id)
    if since is not None:
        query = query.where(Case.created_at >= since)
    ids = list(session.scalars(query))
    views = [case_view(c, principal.role) for c in (_load_case(session, i) for i in ids) if c]
    audit(session, principal=principal, action="case.list", object_type="case",
          detail={"ids": ids})
    return views


# ------------------------------------------------------------------------------- freeze requests


def _fr_options():
    return (selectinload(FreezeRequest.destination), selectinload(FreezeRequest.transfers),
            selectinload(FreezeRequest.acks),
            selectinload(FreezeRequest.case).selectinload(Case.reporter))


def _bank_agency(session: Session, code: str) -> Agency | None:
    code = code.upper()
    return session.scalar(select(Agency).where(
        Agency.role == Role.BANK.value, (Agency.code == code) | (Agency.bank_code == code)))


def resolve_bank_code(session: Session, code: str) -> str | None:
    """Accept an agency code (KBANK), a 3-digit bank code (004) or a short code (legacy too)."""
    agency = _bank_agency(session, code)
    if agency is not None:
        return agency.bank_code
    return bank_number(code)


def list_bank_queue(session: Session, *, principal: Principal, code: str,
                    status: FreezeStatus | None, limit: int) -> list[dict[str, Any]]:
    require(principal, "freeze_request.list", object_type="bank", object_id=code)
    bank_code = resolve_bank_code(session, code)
    if bank_code is None or (principal.role is Role.BANK and bank_code != principal.bank_code):
        raise NotFound("no such bank queue", action="freeze_request.list", object_type="bank",
                       object_id=code)
    query = select(FreezeRequest).where(FreezeRequest.bank_code == bank_code).options(
        *_fr_options())
    if status is not None:
        query = query.where(FreezeRequest.status == status.value)
    query = query.order_by(FreezeRequest.effective_priority, FreezeRequest.created_at,
                           FreezeRequest.id).limit(limit)
    frs = list(session.scalars(query))
    audit(session, principal=principal, action="freeze_request.list", object_type="bank",
          object_id=bank_code, detail={"status": status.value if status else None,
                                       "ids": [fr.id for fr in frs]})
    return [freeze_request_view(fr, principal.role) for fr in frs]


def _load_fr(session: Session, fr_id: str) -> FreezeRequest | None:
    return session.scalar(select(FreezeRequest).where(FreezeRequest.id == fr_id).options(
        *_fr_options()).execution_options(populate_existing=True))


def _check_fr_scope(principal: Principal, fr: FreezeRequest | None, action: str,
                    fr_id: str) -> FreezeRequest:
    visible = fr is not None and (
        (principal.role is not Role.BANK or fr.bank_code == principal.bank_code)
        and (principal.role is not Role.REPORTER
             or fr.case.reporter_agency_id == principal.agency_id))
    if not visible:
        raise NotFound("no such freeze request", action=action, object_type="freeze_request",
                       object_id=fr_id)
    assert fr is not None
    return fr


def get_freeze_request(session: Session, *, principal: Principal,
                       fr_id: str) -> dict[str, Any]:
    require(principal, "freeze_request.read", object_type="freeze_request", object_id=fr_id)
    fr = _check_fr_scope(principal, _load_fr(session, fr_id), "freeze_request.read", fr_id)
    audit(session, principal=principal, action="freeze_request.read",
          object_type="freeze_request", object_id=fr.id)
    return freeze_request_view(fr, principal.role)


def _same_as_current(fr: FreezeRequest, ack: AckCreate, held: int | None) -> bool:
    return (fr.status == ack.status.value and fr.held_satang == held
            and (ack.bank_case_id is None or ack.bank_case_id == fr.bank_case_id))


def acknowledge(session: Session, *, principal: Principal, fr_id: str, ack: AckCreate,
                settings: ExchangeSettings) -> tuple[AckOutcome, dict[str, Any]]:
    """Apply a bank's acknowledgement. Duplicates and late (older) acks change nothing.

    The status shown is always the one with the latest bank-side `occurred_at`; every ack
    is kept in the history with its outcome.
    """
    require(principal, "freeze_request.ack", object_type="freeze_request", object_id=fr_id)
    # Take the row's write lock before reading it (a portable SELECT … FOR UPDATE: a row lock
    # on PostgreSQL, the database write lock on SQLite), so two concurrent acks are applied
    # one after the other and the second sees the first.
    session.execute(update(FreezeRequest).where(FreezeRequest.id == fr_id)
                    .values(updated_at=FreezeRequest.updated_at))
    fr = _check_fr_scope(principal, _load_fr(session, fr_id), "freeze_request.ack", fr_id)
    now = utcnow()
    occurred = ack.occurred_at.astimezone(now.tzinfo) if ack.occurred_at else now
    if occurred > now + timedelta(seconds=settings.replay_window_seconds):
        # A future time would make every later ack (AOC's included) look older: "superseded".
        raise Unprocessable(
            f"occurred_at is in the future (more than {settings.replay_window_seconds} s "
            "ahead of the exchange's clock)", action="freeze_request.ack",
            object_type="freeze_request", object_id=fr_id)
    held = to_satang(ack.amount_held) if ack.amount_held is not None else None
    if ack.status is AckStatus.NOT_FOUND:
        held = None

    if _same_as_current(fr, ack, held):
        outcome = AckOutcome.DUPLICATE
    elif fr.status_occurred_at is not None and occurred < fr.status_occurred_at:
        outcome = AckOutcome.SUPERSEDED
    else:
        outcome = AckOutcome.APPLIED
        fr.status = ack.status.value
        if held is not None or ack.status is not AckStatus.INSUFFICIENT_FUNDS:
            fr.held_satang = held
        fr.bank_case_id = ack.bank_case_id or fr.bank_case_id
        fr.status_occurred_at = occurred
        fr.updated_at = now

    session.add(FreezeAck(
        freeze_request_id=fr.id, agency_code=principal.agency_code, key_id=principal.key_id,
        status=ack.status.value, held_satang=held, bank_case_id=ack.bank_case_id,
        note=ack.note, occurred_at=occurred, received_at=now, outcome=outcome.value))
    session.flush()
    if outcome is AckOutcome.APPLIED:
        _notify_reporter(session, settings, fr, occurred)
    audit(session, principal=principal, action="freeze_request.ack",
          object_type="freeze_request", object_id=fr.id,
          detail={"status": ack.status.value, "outcome": outcome.value})
    session.expire(fr, ["acks"])
    return outcome, freeze_request_view(fr, principal.role)


def route_freeze_request(session: Session, *, principal: Principal, fr_id: str,
                         bank_code: str) -> dict[str, Any]:
    """AOC routes an unrouted request (PromptPay proxy of an unknown bank) to a bank."""
    require(principal, "freeze_request.route", object_type="freeze_request", object_id=fr_id)
    session.execute(update(FreezeRequest).where(FreezeRequest.id == fr_id)
                    .values(updated_at=FreezeRequest.updated_at))
    fr = _check_fr_scope(principal, _load_fr(session, fr_id), "freeze_request.route", fr_id)
    if fr.status != FreezeStatus.UNROUTED.value:
        raise Conflict(f"request is {fr.status}, only unrouted requests can be routed",
                       action="freeze_request.route", object_type="freeze_request",
                       object_id=fr_id)
    fr.bank_code = bank_code
    fr.status = FreezeStatus.PENDING.value
    fr.updated_at = utcnow()
    if fr.destination.bank_code is None:
        fr.destination.bank_code = bank_code
    session.flush()
    _notify_bank(session, fr, "freeze_request.created")
    audit(session, principal=principal, action="freeze_request.route",
          object_type="freeze_request", object_id=fr.id, detail={"bank_code": bank_code})
    return freeze_request_view(fr, principal.role)


def list_freeze_requests(session: Session, *, principal: Principal,
                         status: FreezeStatus | None, limit: int) -> list[dict[str, Any]]:
    """Across all banks (investigators, AMLO, AOC), e.g. ?status=unrouted for AOC's desk."""
    require(principal, "freeze_request.list_all")
    query = select(FreezeRequest).options(*_fr_options())
    if status is not None:
        query = query.where(FreezeRequest.status == status.value)
    query = query.order_by(FreezeRequest.effective_priority, FreezeRequest.created_at,
                           FreezeRequest.id).limit(limit)
    frs = list(session.scalars(query))
    audit(session, principal=principal, action="freeze_request.list_all",
          object_type="freeze_request",
          detail={"status": status.value if status else None, "ids": [fr.id for fr in frs]})
    return [freeze_request_view(fr, principal.role) for fr in frs]


# -------------------------------------------------------------------------- clusters and phones


def list_clusters(session: Session, *, principal: Principal, min_size: int,
                  limit: int) -> list[dict[str, Any]]:
    require(principal, "cluster.list")
    dests = list(session.scalars(
        select(Destination).where(Destination.case_count >= min_size)
        .order_by(Destination.case_count.desc(), Destination.last_reported_at.desc(),
                  Destination.id).limit(limit)))
    views = []
    for dest in dests:
        frs = session.scalars(select(FreezeRequest).where(
            FreezeRequest.destination_id == dest.id).options(*_fr_options())
            .order_by(FreezeRequest.created_at, FreezeRequest.id)).all()
        views.append({
            "destination": destination_view(dest), "cluster_size": dest.case_count,
            "first_reported_at": dest.first_reported_at,
            "last_reported_at": dest.last_reported_at,
            "freeze_requests": [freeze_request_view(fr, principal.role) for fr in frs]})
    audit(session, principal=principal, action="cluster.list", object_type="destination",
          detail={"min_size": min_size, "ids": [d.id for d in dests]})
    return views


def list_phone_numbers(session: Session, *, principal: Principal,
                       limit: int) -> list[dict[str, Any]]:
    require(principal, "phone.list")
    stats: dict[str, dict[str, Any]] = {}
    for phones, created in session.execute(select(Case.suspect_phones, Case.created_at)):
        for phone in phones or []:
            s = stats.setdefault(phone, {"phone_number": phone, "report_count": 0,
                                         "first_reported_at": created,
                                         "last_reported_at": created})
            s["report_count"] += 1
            s["first_reported_at"] = min(s["first_reported_at"], created)
            s["last_reported_at"] = max(s["last_reported_at"], created)
    items = sorted(stats.values(), key=lambda s: (-s["report_count"], s["phone_number"]))[:limit]
    audit(session, principal=principal, action="phone.list", object_type="phone_number",
          detail={"count": len(items)})
    return items


# --------------------------------------------------------------------------- webhooks and audit


def register_webhook(session: Session, *, principal: Principal, code: str, url: str,
                     settings: ExchangeSettings) -> dict[str, Any]:
    require(principal, "webhook.register", object_type="bank", object_id=code)
    agency = _bank_agency(session, code)
    if agency is None or (principal.role is Role.BANK and agency.id != principal.agency_id):
        raise NotFound("no such bank", action="webhook.register", object_type="bank",
                       object_id=code)
    try:
        check_webhook_url(url, development=settings.is_development)
    except WebhookUrlRefused as exc:
        raise Unprocessable(str(exc), action="webhook.register", object_type="bank",
                            object_id=agency.code) from exc
    hook = session.scalar(select(Webhook).where(Webhook.agency_id == agency.id))
    if hook is None:
        hook = Webhook(agency_id=agency.id, url=url, version=1)
        session.add(hook)
    else:
        hook.url = url
        hook.version += 1
        hook.updated_at = utcnow()
    session.flush()
    audit(session, principal=principal, action="webhook.register", object_type="bank",
          object_id=agency.code, detail={"url": url, "version": hook.version})
    return {"url": url, "key_id": webhook_key_id(agency.code, hook.version),
            "secret": keys_mod.webhook_secret(settings.master_secret.get_secret_value(),
                                              agency.code, hook.version)}


def webhook_key_id(agency_code: str, version: int) -> str:
    return f"exchange-webhook-{agency_code.lower()}-v{version}"


def list_audit(session: Session, *, principal: Principal, limit: int,
               agency_code: str | None = None) -> list[AuditEntry]:
    require(principal, "audit.list")
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if agency_code:
        query = query.where(AuditEntry.agency_code == agency_code.upper())
    entries = list(session.scalars(query))
    audit(session, principal=principal, action="audit.list", object_type="audit_log",
          detail={"count": len(entries)})
    return entries
