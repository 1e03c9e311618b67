"""Every websocket route. Apps add theirs here (e.g. `events.routing.websocket_urlpatterns`)."""

from django.urls import path

from events.routing import websocket_urlpatterns as events_websockets
from members.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    *events_websockets,
]
