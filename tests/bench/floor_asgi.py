"""The framework's floor for `live_fanout.py`: the least a Channels room can do.

A stock `AsyncWebsocketConsumer` that joins one group on connect and
re-broadcasts every text frame it receives to that group, over the channel
layer of `DJANGO_SETTINGS_MODULE` (the test settings or `settings_pubsub`).
No authentication, no database, no JSON. Stock means it keeps Channels'
per-message `aclose_old_connections()` hop; `/ws/floor-direct/` skips that hop
for the group messages, as `events.consumers.SessionConsumer` does.

Run with `daphne tests.bench.floor_asgi:application`.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_site.settings.test")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "bench.floor"


class BroadcastConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is not None:
            await self.channel_layer.group_send(GROUP, {"type": "room.event", "text": text_data})

    async def room_event(self, message: dict) -> None:
        await self.send(text_data=message["text"])


class DirectBroadcastConsumer(BroadcastConsumer):
    """The same, without the database hop before each group message."""

    async def dispatch(self, message: dict) -> None:
        if message["type"] == "room.event":
            await self.room_event(message)
            return
        await super().dispatch(message)


application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path("ws/floor/", BroadcastConsumer.as_asgi()),
                path("ws/floor-direct/", DirectBroadcastConsumer.as_asgi()),
            ]
        )
    }
)
