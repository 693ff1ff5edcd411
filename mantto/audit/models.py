from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which object, when. Rows are only ever added."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the entry still says who it was after the user is gone.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("acción"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_code = models.CharField(max_length=64, blank=True, db_index=True)
    object_label = models.CharField(max_length=254, blank=True)
    supplier_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("entrada de bitácora")
        verbose_name_plural = _("bitácora")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


def log_action(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    *,
    now=None,
) -> AuditEntry:
    """Record a state change. Call it inside the same transaction as the change."""
    actor_obj = actor if getattr(actor, "pk", None) else None
    label = str(getattr(actor, "email", "") or actor or "sistema")
    entry = AuditEntry(
        actor=actor_obj,
        actor_label=label[:254],
        action=action,
        data=data or {},
        created=now or timezone.now(),
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_code = str(getattr(obj, "code", None) or obj.pk)
        entry.object_label = str(obj)[:254]
        entry.supplier_id = _supplier_id_of(obj)
    entry.save()
    return entry


def _supplier_id_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "suppliers.supplier":
        return obj.pk
    path = getattr(obj, "SUPPLIER_PATH", None)
    if not path:
        return None
    target: Any = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target.pk
