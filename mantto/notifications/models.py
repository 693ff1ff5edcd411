from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """An e-mail is first this row, written in the transaction that causes it; the worker
    sends it. A crash, a restart or a dead SMTP server loses nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En cola")
        SENDING = "sending", _("Enviando")
        SENT = "sent", _("Enviado")
        FAILED = "failed", _("Fallido")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60, blank=True)
    to = models.TextField(_("para"))
    subject = models.CharField(_("asunto"), max_length=254)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt = models.DateTimeField(default=timezone.now, db_index=True)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("correo saliente")
        verbose_name_plural = _("correos salientes")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [a.strip() for a in self.to.split(",") if a.strip()]

    @staticmethod
    def backoff(attempts: int) -> timedelta:
        """1, 2, 4 … minutes, capped at 2 hours."""
        return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))

    def is_due(self, now: datetime) -> bool:
        return self.status == self.Status.QUEUED and self.next_attempt <= now
