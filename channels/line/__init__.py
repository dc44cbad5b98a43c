"""The LINE channel: webhook in (`webhook.py`), replies and pushes out (`output.py`), a small
Messaging API client (`api.py`) and a local fake of LINE's platform (`simulator.py`).

Off until SAKOT_LINE_CHANNEL_SECRET and SAKOT_LINE_CHANNEL_ACCESS_TOKEN are set; the webhook
then answers 503 saying so.
"""

from __future__ import annotations

from channels.line.api import LineApi
from channels.line.output import LineOutput
from channels.line.webhook import LineChannel, make_router
from channels.runtime import conversation_runtime


def install(app, context) -> None:
    settings = context.settings
    runtime = conversation_runtime(app, context)
    channel: LineChannel | None = None
    if settings.line_enabled:
        api = LineApi(
            api_base=settings.line_api_base, data_api_base=settings.line_data_api_base,
            access_token=settings.line_channel_access_token.get_secret_value(),
        )
        output = LineOutput(api)
        runtime.outbound.register("line", output)
        runtime.closers.append(api.aclose)
        channel = LineChannel(runtime=runtime, sessions=context.sessions,
                              channel_secret=settings.line_channel_secret.get_secret_value(),
                              output=output)
    app.state.line_channel = channel
    app.include_router(make_router(lambda: app.state.line_channel,
                                   max_body_bytes=settings.max_body_bytes))
