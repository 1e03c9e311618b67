"""Render a member e-mail from templates and send it once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def render_email(template_prefix: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render `<prefix>_subject.txt` and `<prefix>_body.txt`; the subject is one line."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"{template_prefix}_body.txt", context)
    return subject, body


def send_templated_email_on_commit(
    to: list[str],
    template_prefix: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue the e-mail after the current transaction commits, so nothing is sent for a rollback."""
    subject, body = render_email(template_prefix, context)
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=to, subject=subject, body=body, attachments=attachments, headers=headers
        )
    )
