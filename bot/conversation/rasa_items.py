"""What goes to the dialogue for one inbound message, and how Rasa's REST items come back as
`Reply`s (the item shapes are listed in bot/conversation/types.py; the transport is
rasa_client.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.conversation.payloads import dialogue_text
from bot.conversation.types import CaseCard, InboundMessage, QuickReply, Reply
from bot.texts_catalog import format_datetime


class DialogueIntents:
    """The synthetic messages the engine sends the dialogue for non-text input.

    Rasa's REST channel treats "/name" as that intent; details travel in the metadata.
    """

    GREET = "/greet"  # the user added the bot (LINE follow) or opened the widget for the first time
    SLIP = "/slip_received"  # metadata.slip_qr: {sending_bank_code, transaction_ref, ...}
    IMAGE = "/image_received"  # an image without a slip QR; metadata.attachments
    FILE = "/file_received"
    STICKER = "/sticker_received"  # metadata.attachments[0].meta.keywords, when LINE gives them
    LOCATION = "/location_received"  # metadata.attachments[0].meta: {latitude, longitude, ...}


_SYNTHETIC_INTENTS = frozenset(v for k, v in vars(DialogueIntents).items() if k.isupper())

_INTENT_BY_KIND = {
    "image": DialogueIntents.IMAGE, "file": DialogueIntents.FILE,
    "sticker": DialogueIntents.STICKER, "location": DialogueIntents.LOCATION,
}


def dialogue_input(msg: InboundMessage, *, message: dict | None, slip: dict | None,
                   language: str) -> tuple[str, dict]:
    """(text, metadata) for the dialogue. `message` is the stored message's view, `slip` the
    stored slip's evidence view (if the message carried one), `language` the conversation's."""
    metadata = {
        "channel": msg.channel,
        "message_id": message["id"] if message else None,
        "received_at": msg.received_at.isoformat(),
        "language": msg.language_hint or language,
    }
    if message and message["attachments"]:
        metadata["attachments"] = message["attachments"]
    if slip:
        metadata["slip_qr"] = {**slip["slip_qr"], "evidence_id": slip["evidence_id"],
                               "attached_to_case_id": slip["case_id"]}
    if msg.postback is not None:
        return msg.postback, metadata
    if msg.text:  # typed (or a channel's synthetic intent): never a victim-made payload
        return dialogue_text(msg.text, synthetic=_SYNTHETIC_INTENTS), metadata
    if slip:
        return DialogueIntents.SLIP, metadata
    for attachment in msg.attachments:
        if attachment.kind in _INTENT_BY_KIND:
            return _INTENT_BY_KIND[attachment.kind], metadata
    return DialogueIntents.GREET, metadata


def replies_from_rasa(items: Sequence[dict], *, language: str | None = None
                      ) -> tuple[list[Reply], str | None, list[dict]]:
    """Rasa REST items -> (replies, requested handoff state or None, case updates).

    `custom.case_updated` (a dict) is passed on as a live event for the console; `language`
    formats a card's deadline when the item gives only `deadline_at`.
    """
    replies: list[Reply] = []
    handoff: str | None = None
    case_updates: list[dict] = []
    for item in items:
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        if custom.get("handoff"):
            handoff = str(custom["handoff"])
        if isinstance(custom.get("case_updated"), dict):
            case_updates.append(custom["case_updated"])
        card = _card_from_custom(custom.get("card"), language) if custom.get("card") else None
        quick = tuple(
            QuickReply(label=str(b.get("title", ""))[:20] or str(b.get("payload", ""))[:20],
                       payload=str(b.get("payload") or b.get("title") or ""))
            for b in item.get("buttons") or ()
            if isinstance(b, dict) and (b.get("payload") or b.get("title"))
        )
        text = item.get("text")
        if not text and item.get("image"):
            text = str(item["image"])
        if not text and custom.get("text"):
            text = str(custom["text"])
        if text or quick or card:
            replies.append(Reply(text=text, quick_replies=quick, card=card))
    return replies, handoff, case_updates


def _card_from_custom(raw: dict, language: str | None) -> CaseCard | None:
    if not isinstance(raw, dict) or not raw.get("case_number"):
        return None
    deadline_text = raw.get("deadline_text")
    if not deadline_text and raw.get("deadline_at"):
        try:
            deadline_text = format_datetime(language, datetime.fromisoformat(raw["deadline_at"]))
        except (TypeError, ValueError):
            deadline_text = None
    amount = raw.get("amount_thb")
    try:
        amount = float(amount) if amount is not None else None
    except (TypeError, ValueError):
        amount = None
    return CaseCard(
        case_number=str(raw["case_number"]),
        scam_type_label=str(raw.get("scam_type_label") or raw.get("scam_type") or "-"),
        priority=str(raw.get("priority") or "-"),
        amount_thb=amount,
        destination=raw.get("destination"),
        deadline_text=deadline_text,
        status_text=raw.get("status_text"),
    )
