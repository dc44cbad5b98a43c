"""The web widget channel: one `<script src=".../widget.js">` adds the chat to any page.

Routes: `/widget.js`, the demo page `/`, the privacy notice `/privacy`, the WebSocket
`/web/ws` and `POST /web/upload` (slips and screenshots).

Protocol on the WebSocket (JSON text frames):
  server -> client
    {"type": "hello", "conversation_id", "session_id", "handoff_state", "history": [message]}
    {"type": "message", "message": message}        every stored message, both directions
    {"type": "handoff", "state": "bot|waiting_for_staff|staff|closed"}
    {"type": "typing", "on": true|false}
    {"type": "error", "message": "..."}
    {"type": "error", "client_id", "retry_after": seconds, "message"}   rate-limited: not
                                                   stored, the client sends it again later
  client -> server
    {"type": "hello", "visitor": "<id>"}           first frame, within 10 s (the id is the
                                                   chat's credential: never in the URL)
    {"type": "message", "text": "...", "client_id": "<uuid>"}
    {"type": "postback", "payload": "...", "label": "...", "session_id": "...",
     "client_id": "<uuid>"}
`message` is `bot.conversation.views.message_view`. The client keys messages by `id` and
resends unacknowledged ones after a reconnect with the same `client_id` (the engine is
idempotent on it), so nothing is lost and nothing is shown twice. Limits (sakot/settings.py):
frame size, messages per visitor and per address, open and new sockets per address.
"""

from __future__ import annotations

from channels.base import Channel
from channels.web.routes import WebOutput, make_router


def install(app, context, runtime, output: WebOutput | None) -> None:
    app.include_router(make_router(runtime, context.settings))


# The widget reads stored messages on reconnect, so its output side needs no settings.
CHANNEL = Channel(name="web", make_output=lambda settings: WebOutput(), install=install)
