"""Helpers for the search page tests."""

from __future__ import annotations

from django.urls import reverse


def search(client, q, **params):
    return client.get(reverse("search:search"), {"q": q, **params})


def text(response) -> str:
    return response.content.decode()
