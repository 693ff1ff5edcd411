"""Evidence of a service: photos, PDFs and the driver's signature (Attachment), and the
satisfaction survey (Survey, seed step 07)."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mantto.services.models import ServiceRequest


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Random, unguessable, and free of the uploader's file name.
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, "pdf"
    )
    return f"servicios/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """Photos and PDFs of a service; stored bytes are never changed."""

    SUPPLIER_PATH = "service__supplier"

    class Kind(models.TextChoices):
        RECEPTION = "recepcion", _("Foto de recepción")
        QUOTE = "cotizacion", _("Evidencia de cotización")
        PROGRESS = "avance", _("Foto de avance")
        SIGNATURE = "firma", _("Firma del conductor")
        SIGNED_ORDER = "orden_firmada", _("Orden de servicio firmada")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Survey(models.Model):
    """The satisfaction survey sent to the driver on delivery (07). Only the hash of the
    link's token is stored; the link works once, without login."""

    SUPPLIER_PATH = "service__supplier"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="survey")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(blank=True)
    created = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("calidad del servicio"), null=True)
    timeliness = models.PositiveSmallIntegerField(_("tiempo de entrega"), null=True)
    treatment = models.PositiveSmallIntegerField(_("trato"), null=True)
    comment = models.TextField(_("comentario"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | (
                    models.Q(quality__gte=1, quality__lte=5)
                    & models.Q(timeliness__gte=1, timeliness__lte=5)
                    & models.Q(treatment__gte=1, treatment__lte=5)
                ),
                name="survey_scores_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.ticket}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


def supplier_scores(supplier) -> dict:
    """Average survey scores of a workshop (shown on its record)."""
    agg = Survey.objects.filter(service__supplier=supplier, answered_at__isnull=False).aggregate(
        n=models.Count("id"),
        quality=models.Avg("quality"),
        timeliness=models.Avg("timeliness"),
        treatment=models.Avg("treatment"),
    )
    for k in ("quality", "timeliness", "treatment"):
        if agg[k] is not None:
            agg[k] = Decimal(str(agg[k])).quantize(Decimal("0.1"))
    return agg
