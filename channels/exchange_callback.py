"""`POST /exchange/callback`: signed status changes from the AOC exchange.

The request is verified with the contract's HMAC scheme (`aoc_contract.signing`) and read as
the contract's `FreezeStatusChanged`; a nonce is accepted once, the change is applied to the
case (`bot.cases.freeze_updates`), and the victim is told on their own channel, with the bank's name
from `bot.banks` (the callback carries only the bank's wire codes), while the console sees the
case update live.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from aoc_contract.schemas import FreezeStatusChanged
from aoc_contract.signing import SignatureError, verify_request
from bot.banks import from_wire
from bot.conversation.types import Reply
from bot.cases.freeze_updates import FreezeUpdate, UnknownCase, apply_freeze_callback
from bot.storage.db import session_scope
from bot.storage.models import ProcessedEvent
from bot.texts_catalog import say

log = logging.getLogger(__name__)
PATH = "/exchange/callback"


def _bank_name(code: str | None, language: str) -> str:
    info = from_wire(code)
    if info is None:
        return code or "-"
    return info.name_en if language == "en" else info.name_th


def victim_text(update: FreezeUpdate) -> str:
    amount = f"{update.amount_held:,.2f}" if update.amount_held is not None else "-"
    return say(update.language, f"freeze_status_{update.status}",
               bank=_bank_name(update.bank_code, update.language), amount=amount,
               case_number=update.case_number, bank_case_id=update.bank_case_id or "-")


def install(app: FastAPI, context, runtime) -> None:
    settings = context.settings
    router = APIRouter(tags=["exchange"])

    @router.post(PATH)
    async def exchange_callback(request: Request):
        body = await request.body()
        try:
            signed = verify_request(
                request.headers, secret=settings.exchange_callback_secret.get_secret_value(),
                method="POST", path=PATH, body=body,
                expected_key_id=settings.exchange_callback_key_id)
        except SignatureError as exc:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, exc.reason) from None
        try:
            payload = FreezeStatusChanged.model_validate_json(body).model_dump(mode="json")
        except ValidationError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                "not a freeze status callback: " + str(exc)[:500]) from None

        def apply() -> FreezeUpdate | None:
            with session_scope(context.sessions) as session:
                session.add(ProcessedEvent(source="exchange_nonce",
                                           event_id=f"{signed.key_id}:{signed.nonce}"))
                session.flush()
                return apply_freeze_callback(session, payload)

        try:
            update = await asyncio.to_thread(apply)
        except IntegrityError:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "replayed request") from None
        except UnknownCase as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown case {exc}") from None
        except ValueError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        if update is None:
            return {"ok": True, "duplicate": True}
        await runtime.engine.publish_case_updated(update.conversation_id, {
            "change": "freeze_status", "case_number": update.case_number,
            "status": update.status, "applied": update.applied})
        if update.applied:
            await runtime.engine.deliver_push(update.conversation_id,
                                              [Reply(text=victim_text(update))])
        return {"ok": True, "duplicate": False, "applied": update.applied}

    app.include_router(router)
