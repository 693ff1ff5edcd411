"""Received CFDI (seed step 08): invoices, credit notes and payment complements.

A document is an immutable snapshot: the original bytes (and their SHA-256) under a random
path, plus the parsed fields in columns for queries. Only its state moves, through the
functions in ``services.py``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from mantto.core.money import money


def _path(ext: str) -> str:
    # Random and unguessable; never derived from the uploader's file name.
    h = uuid.uuid4().hex
    return f"cfdi/{h[:2]}/{h[2:4]}/{uuid.uuid4().hex}{h}.{ext}"


def xml_path(instance: ReceivedDocument, filename: str) -> str:
    return _path("xml")


def pdf_path(instance: ReceivedDocument, filename: str) -> str:
    return _path("pdf")


class Kind(models.TextChoices):
    INGRESO = "I", _("Ingreso (factura)")
    EGRESO = "E", _("Egreso (nota de crédito)")
    PAGO = "P", _("Pago (complemento)")


class State(models.TextChoices):
    INVALID = "con_errores", _("Con errores")
    DRAFT = "por_enviar", _("Por enviar")
    SENT = "enviada", _("Enviada")
    ACCEPTED = "aceptada", _("Aceptada")
    REJECTED = "rechazada", _("Rechazada por Finanzas")


# States that count as "submitted": a UUID may be in at most one of them, and a
# service may have at most one submitted invoice.
SUBMITTED = (State.SENT, State.ACCEPTED)


class ReceivedDocument(models.Model):
    SUPPLIER_PATH = "supplier"

    Kind = Kind
    State = State

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="documents"
    )
    # Files uploaded together (a ZIP or a multi-file selection) share a batch code.
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    kind = models.CharField(_("tipo"), max_length=1, choices=Kind.choices)
    state = models.CharField(_("estado"), max_length=12, choices=State.choices)
    service = models.ForeignKey(
        "services.ServiceRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("servicio"),
    )
    # Egreso: the accepted invoice this credit note reduces.
    related_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )

    # What the workshop typed (R3, R9).
    typed_authorization = models.CharField(max_length=20, blank=True)
    typed_ticket = models.CharField(max_length=30, blank=True)
    cost_centre_data = models.JSONField(default=dict, blank=True)

    # The original files, never changed.
    xml_file = models.FileField(upload_to=xml_path, max_length=200)
    xml_name = models.CharField(max_length=200)
    xml_size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pdf_file = models.FileField(upload_to=pdf_path, max_length=200, blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    # Parsed fields.
    uuid = models.CharField(_("UUID"), max_length=36, blank=True, db_index=True)
    serie = models.CharField(max_length=40, blank=True)
    folio = models.CharField(max_length=60, blank=True)
    issued_at = models.CharField(_("fecha de emisión"), max_length=25, blank=True)
    stamped_at = models.CharField(_("fecha de timbrado"), max_length=25, blank=True)
    emisor_rfc = models.CharField(max_length=13, blank=True)
    emisor_nombre = models.CharField(max_length=254, blank=True)
    emisor_regimen = models.CharField(max_length=3, blank=True)
    receptor_rfc = models.CharField(max_length=13, blank=True)
    receptor_nombre = models.CharField(max_length=254, blank=True)
    receptor_cp = models.CharField(max_length=5, blank=True)
    receptor_regimen = models.CharField(max_length=3, blank=True)
    uso_cfdi = models.CharField(max_length=4, blank=True)
    metodo_pago = models.CharField(max_length=3, blank=True)
    forma_pago = models.CharField(max_length=2, blank=True)
    moneda = models.CharField(max_length=3, blank=True)
    subtotal = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    descuento = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    traslados = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    retenciones = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, null=True)
    sello_tail = models.CharField(max_length=8, blank=True)
    conceptos = models.JSONField(default=list, blank=True)
    relacionados = models.JSONField(default=list, blank=True)
    authorization_number = models.CharField(_("autorización"), max_length=20, blank=True)
    ticket = models.CharField(_("ticket"), max_length=30, blank=True)

    # The verdict: [{"code", "severity", "message", "path"}], errors first.
    findings = models.JSONField(default=list, blank=True)
    is_late = models.BooleanField(_("fuera de plazo"), default=False)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("cargada"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("enviada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("CFDI recibido")
        verbose_name_plural = _("CFDI recibidos")
        indexes = [
            models.Index(fields=["supplier", "-uploaded_at", "-id"], name="doc_supplier_hist"),
            models.Index(fields=["supplier", "state", "-uploaded_at"], name="doc_supplier_state"),
            models.Index(fields=["state", "sent_at"], name="doc_queue"),
            models.Index(fields=["supplier", "authorization_number"], name="doc_supplier_aut"),
            # The workshop's late invoices (R2), counted on every history page.
            models.Index(
                fields=["supplier"], condition=Q(is_late=True, kind="I"), name="doc_supplier_late"
            ),
        ]
        constraints = [
            # Two simultaneous uploads of the same file cannot both be submitted.
            models.UniqueConstraint(
                fields=["uuid"],
                condition=Q(state__in=["enviada", "aceptada"]),
                name="uniq_submitted_uuid",
            ),
            # A service is invoiced once (R3); credit notes and complements are not limited.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(kind="I", state__in=["enviada", "aceptada"]),
                name="uniq_submitted_invoice_per_service",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.serie}-{self.folio}".strip("-") or self.xml_name
        return f"{self.get_kind_display()} {label}"

    @property
    def errors(self) -> list[dict]:
        return [f for f in self.findings if f.get("severity") == "error"]

    @property
    def warnings(self) -> list[dict]:
        return [f for f in self.findings if f.get("severity") != "error"]

    def can_send(self) -> bool:
        return self.state == State.DRAFT and not self.errors

    def can_decide(self) -> bool:
        return self.state == State.SENT

    @property
    def amount_payable(self) -> Decimal:
        """What the payments issue may pay: the total minus accepted credit notes.
        Zero unless this is an accepted invoice."""
        if self.kind != Kind.INGRESO or self.state != State.ACCEPTED or self.total is None:
            return Decimal("0.00")
        return money(self.total - self.credited_amount())

    def credited_amount(self, states=(State.ACCEPTED,)) -> Decimal:
        agg = self.credit_notes.filter(state__in=states).aggregate(s=Sum("total"))
        return money(agg["s"] or 0)

    def sat_verification_url(self) -> str:
        """The URL SAT prints as QR on every CFDI (Anexo 20, rubro 'representación
        impresa'): id, re, rr, tt and the last 8 characters of the Sello."""
        total = f"{self.total or 0:.6f}".rstrip("0")
        if total.endswith("."):
            total += "0"
        return (
            "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
            f"?id={self.uuid}&re={self.emisor_rfc}&rr={self.receptor_rfc}"
            f"&tt={total}&fe={self.sello_tail}"
        )

    def timeline(self) -> list[tuple]:
        """(when, what, who) from the document's own columns: no extra queries except
        the users, which views select_related."""
        rows = [(self.uploaded_at, _("Cargada y revisada"), self.uploaded_by)]
        if self.sent_at:
            rows.append((self.sent_at, _("Enviada a Finanzas"), self.sent_by))
        if self.decided_at and self.state == State.ACCEPTED:
            rows.append((self.decided_at, _("Aceptada por Finanzas"), self.decided_by))
        elif self.decided_at and self.state == State.REJECTED:
            rows.append((self.decided_at, _("Rechazada por Finanzas"), self.decided_by))
        return rows
