"""The channels Sakot has: the one list the app and the worker both take.

The app installs each channel's input side and registers its output side; the worker registers
the same output sides to retry pushes that failed (`channels/outbox.py`). A new channel is a
module under `channels/` exposing a `channels.base.Channel`, plus one line here.
"""

from __future__ import annotations

from channels import line, web
from channels.base import Channel

CHANNELS: tuple[Channel, ...] = (line.CHANNEL, web.CHANNEL)
