"""Background tasks shared by every app.

In `make run` and tests the immediate backend runs them in-process; in
production the django-tasks database worker (`manage.py db_worker`) does.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    to: list[str],
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> int:
    """Send one plain-text e-mail; arguments arrive rendered, so the worker needs no context.

    `attachments` are (filename, text content, MIME type) triples.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
