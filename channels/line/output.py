"""LINE's output side: replies rendered as LINE messages, sent by reply token or push.

- Text: a text message (5,000 characters at most).
- Quick replies: up to 13 postback buttons under the text; the postback data carries the
  conversation's session id (`s=<session>&p=<payload>`), so a button from an old session
  does nothing, and `displayText` shows the choice in the chat as if typed.
- Case card: a Flex bubble (type, amount, destination account and bank, priority, case number,
  the 72-hour deadline as clock time), with the plain-text version as `altText`.
- Delivery: the reply token first (free, up to 5 messages per call); push only for what does
  not fit or when the token is spent or expired.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from urllib.parse import parse_qs, urlencode

from bot.conversation.types import Reply
from channels.base import OutputChannel
from channels.line.api import MAX_MESSAGES_PER_CALL, InvalidReplyToken, LineApi

log = logging.getLogger(__name__)

MAX_QUICK_REPLIES = 13
MAX_POSTBACK_DATA = 300
PRIORITY_COLOURS = {"P0": "#C62828", "P1": "#EF6C00", "P2": "#2E7D32"}
PRIORITY_LABELS = {"P0": "ด่วนที่สุด (P0)", "P1": "ด่วน (P1)", "P2": "ทั่วไป (P2)"}


def postback_data(session_id: str | None, payload: str) -> str:
    return urlencode({"s": session_id or "", "p": payload})


def parse_postback_data(data: str) -> tuple[str | None, str]:
    """(session id or None, payload). Data not made by us is passed on as the payload."""
    fields = parse_qs(data, keep_blank_values=True)
    if "p" not in fields:
        return None, data
    return (fields.get("s", [""])[0] or None), fields["p"][0]


class LineOutput(OutputChannel):
    name = "line"

    def __init__(self, api: LineApi) -> None:
        self.api = api

    async def aclose(self) -> None:
        await self.api.aclose()

    # ------------------------------------------------------------------ rendering

    def render_text(self, text: str, reply: Reply) -> dict:
        return {"type": "text", "text": (text or " ")[:5000]}

    def render_quick_replies(self, reply: Reply) -> dict:
        items = []
        for choice in reply.quick_replies[:MAX_QUICK_REPLIES]:
            data = postback_data(reply.session_id, choice.payload)
            label = choice.label[:20]
            if len(data) <= MAX_POSTBACK_DATA:
                action = {"type": "postback", "label": label, "data": data,
                          "displayText": choice.label[:300]}
            else:  # too long for postback data: send the label as the user's text
                action = {"type": "message", "label": label, "text": choice.label[:300]}
            items.append({"type": "action", "action": action})
        message = self.render_text(reply.text or reply.fallback_text(), reply)
        message["quickReply"] = {"items": items}
        return message

    def render_card(self, reply: Reply) -> dict:
        card = reply.card
        colour = PRIORITY_COLOURS.get(card.priority, "#37474F")
        rows = [("ประเภท", card.scam_type_label)]
        if card.amount_thb is not None:
            rows.append(("ยอดเงิน", f"{card.amount_thb:,.2f} บาท"))
        if card.destination:
            rows.append(("บัญชีปลายทาง", card.destination))
        rows.append(("ความเร่งด่วน", PRIORITY_LABELS.get(card.priority, card.priority)))
        body = [_row(label, value, colour if label == "ความเร่งด่วน" else None)
                for label, value in rows]
        if card.deadline_text:
            body.append({"type": "separator", "margin": "md"})
            body.append({"type": "text", "text": "แจ้งความกับตำรวจภายใน", "size": "sm",
                         "color": "#666666", "margin": "md"})
            body.append({"type": "text", "text": card.deadline_text, "weight": "bold",
                         "size": "md", "color": colour, "wrap": True})
        if card.status_text:
            body.append({"type": "text", "text": card.status_text, "size": "sm", "wrap": True,
                         "margin": "md", "color": "#333333"})
        bubble = {
            "type": "bubble",
            "header": {"type": "box", "layout": "vertical", "backgroundColor": colour,
                       "contents": [
                           {"type": "text", "text": "สรุปเคสของคุณ", "color": "#FFFFFF",
                            "size": "sm"},
                           {"type": "text", "text": f"เลขเคส {card.case_number}",
                            "color": "#FFFFFF", "weight": "bold", "size": "lg"},
                       ]},
            "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        }
        alt = Reply(card=card).fallback_text()
        return {"type": "flex", "altText": alt[:400], "contents": bubble}

    # ------------------------------------------------------------------ delivery

    async def send_replies(self, *, reply_token: str | None, user_id: str,
                           replies: Sequence[Reply]) -> str:
        """Answer a webhook event: reply token first, push for the rest. Returns how."""
        messages = [m for reply in replies for m in self.render(reply)]
        if not messages:
            return "nothing"
        first, rest = messages[:MAX_MESSAGES_PER_CALL], messages[MAX_MESSAGES_PER_CALL:]
        how = "reply"
        if reply_token:
            try:
                await self.api.reply(reply_token, first)
            except InvalidReplyToken:
                log.info("reply token spent or expired: pushing instead")
                how, rest = "push", messages
        else:
            how, rest = "push", messages
        if rest:
            ids = [r.message_id or "" for r in replies]
            await self._push_messages(user_id, rest, key_seed=f"{how}:{'-'.join(ids)}")
            if how == "reply":
                how = "reply+push"
        return how

    async def push(self, *, channel_user_id: str, replies: Sequence[Reply]) -> None:
        messages = [m for reply in replies for m in self.render(reply)]
        ids = [r.message_id or "" for r in replies]
        await self._push_messages(channel_user_id, messages, key_seed="push:" + "-".join(ids))

    async def _push_messages(self, to: str, messages: list[dict], *, key_seed: str) -> None:
        for start in range(0, len(messages), MAX_MESSAGES_PER_CALL):
            chunk = messages[start:start + MAX_MESSAGES_PER_CALL]
            retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sakot:{key_seed}:{start}"))
            await self.api.push(to, chunk, retry_key=retry_key)


def _row(label: str, value: str, colour: str | None) -> dict:
    value_box = {"type": "text", "text": value or "-", "size": "sm", "flex": 5, "wrap": True,
                 "weight": "bold" if colour else "regular"}
    if colour:
        value_box["color"] = colour
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        {"type": "text", "text": label, "size": "sm", "color": "#888888", "flex": 3},
        value_box,
    ]}
