"""The outbox: queue in the caller's transaction, deliver from the worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mantto.notifications.models import OutboxEmail

logger = logging.getLogger(__name__)

# A row stuck in "sending" this long means the worker died mid-send: retry it.
STALE_SENDING = timedelta(minutes=10)


def queue_email(
    to: str | Iterable[str], template: str, context: dict[str, Any], *, now: datetime | None = None
) -> OutboxEmail:
    """Render ``emails/<template>-{subject.txt,body.txt,body.html}`` and queue it.

    Call inside the transaction of the change that causes the e-mail: if that change rolls
    back, so does the e-mail; the worker is only told once the row is committed.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    ctx = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}-subject.txt", ctx)
        body_text = render_to_string(f"emails/{template}-body.txt", ctx)
        body_html = render_to_string(f"emails/{template}-body.html", ctx)
    email = OutboxEmail.objects.create(
        kind=template,
        to=", ".join(recipients),
        subject=" ".join(subject.split())[:254],
        body_text=body_text,
        body_html=body_html,
        next_attempt=now or timezone.now(),
        created=now or timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue(email.code))
    return email


def _enqueue(code, run_after: datetime | None = None) -> None:
    from mantto.notifications.tasks import deliver_email

    task = deliver_email.using(run_after=run_after) if run_after else deliver_email
    try:
        task.enqueue(str(code))
    except Exception:  # the row is safe; flush_outbox will pick it up
        logger.exception("could not enqueue e-mail %s", code)


def send_outbox_email(code, *, now: datetime | None = None, connection=None) -> bool:
    """Try to send one queued e-mail. True when it was sent now.

    1. Claim the row with a conditional UPDATE so two workers never send it twice.
    2. Send; on success mark it sent.
    3. On failure keep it queued with the error and a back-off, or mark it failed after
       OUTBOX_MAX_ATTEMPTS; re-enqueue the task for the next attempt.
    """
    now = now or timezone.now()
    claimed = OutboxEmail.objects.filter(
        code=code, status=OutboxEmail.Status.QUEUED, next_attempt__lte=now
    ).update(status=OutboxEmail.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    email = OutboxEmail.objects.get(code=code)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        connection=connection or get_connection(),
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.status = OutboxEmail.Status.FAILED
        else:
            email.status = OutboxEmail.Status.QUEUED
            email.next_attempt = now + OutboxEmail.backoff(email.attempts)
        email.save(update_fields=["last_error", "status", "next_attempt"])
        logger.warning("e-mail %s failed (attempt %s): %s", code, email.attempts, exc)
        if email.status == OutboxEmail.Status.QUEUED:
            transaction.on_commit(lambda: _enqueue(email.code, email.next_attempt))
        return False
    email.status = OutboxEmail.Status.SENT
    email.sent_at = now
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "last_error"])
    return True


def flush_outbox(*, now: datetime | None = None, connection=None) -> int:
    """Send every due e-mail (recovers rows whose task was lost). Returns how many sent."""
    now = now or timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING, next_attempt__lte=now - STALE_SENDING
    ).update(status=OutboxEmail.Status.QUEUED)
    sent = 0
    due = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED, next_attempt__lte=now)
    for code in due.values_list("code", flat=True):
        sent += send_outbox_email(code, now=now, connection=connection)
    return sent
