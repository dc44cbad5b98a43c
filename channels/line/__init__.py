"""The LINE channel: webhook in (`webhook.py`), replies and pushes out (`output.py`), a small
Messaging API client (`api.py`) and a local fake of LINE's platform (`simulator.py`).

Off until SAKOT_LINE_CHANNEL_SECRET and SAKOT_LINE_CHANNEL_ACCESS_TOKEN are set; the webhook
then answers 503 saying so.
"""

from __future__ import annotations

from channels.base import Channel
from channels.line.api import LineApi
from channels.line.output import LineOutput
from channels.line.webhook import LineChannel, make_router


def make_output(settings) -> LineOutput | None:
    if not settings.line_enabled:
        return None
    return LineOutput(LineApi(
        api_base=settings.line_api_base, data_api_base=settings.line_data_api_base,
        access_token=settings.line_channel_access_token.get_secret_value(),
    ))


def install(app, context, runtime, output: LineOutput | None) -> None:
    settings = context.settings
    channel: LineChannel | None = None
    if output is not None:
        channel = LineChannel(runtime=runtime, sessions=context.sessions,
                              channel_secret=settings.line_channel_secret.get_secret_value(),
                              output=output)
    app.state.line_channel = channel
    app.include_router(make_router(lambda: app.state.line_channel,
                                   max_body_bytes=settings.max_body_bytes))


CHANNEL = Channel(name="line", make_output=make_output, install=install)
