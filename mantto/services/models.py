"""Service orders, seed steps 01–07: request, reception, quote, authorization, delivery,
survey. State rules live here (``can_…``); state changes live in ``services.py``."""

from __future__ import annotations

import statistics
import unicodedata
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from mantto.core.money import money
from mantto.suppliers.models import ServiceType

MX = ZoneInfo("America/Mexico_City")
# Authorization numbers have at least 8 digits: six-digit ones are a legacy format the
# portal never accepts (R4), so the sequence starts above every 7-digit number.
AUTHORIZATION_START = 10_000_001
IVA_RATES = (Decimal("0.16"), Decimal("0.08"), Decimal("0"))


def normalize_item(text: str) -> str:
    """'  Balatas DELANTERAS ' and 'balatas delanteras' are the same item for prices."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


class Counter(models.Model):
    """Named sequences (authorization numbers, tickets per year). The row is locked with
    SELECT … FOR UPDATE, so two coordinators never draw the same number."""

    name = models.CharField(max_length=40, unique=True)
    value = models.PositiveBigIntegerField()

    @classmethod
    def next(cls, name: str, start: int) -> int:
        """Next value of ``name``; call inside a transaction."""
        assert transaction.get_connection().in_atomic_block
        row = cls.objects.select_for_update().filter(name=name).first()
        if row is None:
            try:
                with transaction.atomic():
                    cls.objects.create(name=name, value=start)
                return start
            except IntegrityError:
                # Another transaction created it first: lock theirs and continue.
                row = cls.objects.select_for_update().get(name=name)
        row.value += 1
        row.save(update_fields=["value"])
        return row.value


class ReferencePrice(models.Model):
    """Staff-maintained catalogue: what a part or a labour item should cost."""

    class Kind(models.TextChoices):
        PART = "refaccion", _("Refacción")
        LABOUR = "mano_obra", _("Mano de obra")
        OTHER = "otro", _("Otro")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(_("clave"), max_length=40, unique=True)
    description = models.CharField(_("descripción"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    service_type = models.CharField(
        _("tipo de servicio"), max_length=20, choices=ServiceType.choices, blank=True
    )
    unit_price = models.DecimalField(_("precio de referencia"), max_digits=12, decimal_places=2)
    tolerance_pct = models.DecimalField(
        _("tolerancia %"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["description"]
        verbose_name = _("precio de referencia")
        verbose_name_plural = _("precios de referencia")

    def __str__(self) -> str:
        return f"{self.key} · {self.description}"

    @property
    def limit(self) -> Decimal:
        return money(self.unit_price * (1 + self.tolerance_pct / 100))


class ServiceRequest(models.Model):
    """One service order: from the driver's call (01) to the survey (07)."""

    SUPPLIER_PATH = "supplier"

    class State(models.TextChoices):
        REQUESTED = "solicitado", _("Solicitado")
        ASSIGNED = "asignado", _("Asignado al taller")
        RECEIVED = "recibido", _("Vehículo recibido")
        QUOTED = "cotizado", _("En autorización")
        CHANGES = "cambios", _("Cambios solicitados")
        AUTHORIZED = "autorizado", _("Autorizado · en proceso")
        REJECTED = "rechazado", _("Rechazado")
        FINISHED = "terminado", _("Terminado")
        DELIVERED = "entregado", _("Entregado")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The idempotency key of the form that created it: a double submission finds this row.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    ticket = models.CharField(_("ticket"), max_length=20, unique=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.REQUESTED
    )
    vehicle = models.ForeignKey(
        "fleet.Vehicle",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("vehículo"),
    )
    client = models.ForeignKey("fleet.Client", on_delete=models.PROTECT, related_name="services")
    cost_centre = models.ForeignKey(
        "fleet.CostCentre", on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    driver = models.ForeignKey(
        "fleet.Driver", on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    service_type = models.CharField(
        _("tipo de servicio"), max_length=20, choices=ServiceType.choices
    )
    symptom = models.TextField(_("síntoma reportado"))
    reported_odometer = models.PositiveIntegerField(_("odómetro reportado (km)"))
    location = models.CharField(_("ubicación"), max_length=200)
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("taller"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField()
    assigned_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("recibido"), null=True, blank=True)
    received_odometer = models.PositiveIntegerField(null=True, blank=True)
    diagnosis = models.TextField(_("diagnóstico"), blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    authorization_number = models.PositiveBigIntegerField(
        _("número de autorización"), null=True, blank=True, unique=True
    )
    authorized_at = models.DateTimeField(_("fecha de autorización"), null=True, blank=True)
    authorized_amount = models.DecimalField(
        _("importe autorizado"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    changes_note = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("entregado"), null=True, blank=True)
    delivered_to = models.CharField(_("recibió"), max_length=150, blank=True)
    # Set by the invoicing issue when Finanzas accepts the invoice of this service.
    invoice_accepted_at = models.DateTimeField(null=True, blank=True)
    auth_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("servicio")
        verbose_name_plural = _("servicios")
        indexes = [models.Index(fields=["state", "created"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authorization_number__isnull=True)
                | models.Q(authorization_number__gte=10_000_000),
                name="authorization_number_8_digits",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["autorizado", "terminado", "entregado"])
                | models.Q(authorization_number__isnull=False, authorized_at__isnull=False),
                name="authorized_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.vehicle.plate}"

    @property
    def badge(self) -> str:
        """CSS class of the state badge."""
        if self.state in (self.State.AUTHORIZED, self.State.FINISHED, self.State.DELIVERED):
            return "ok"
        if self.state in (self.State.QUOTED, self.State.CHANGES):
            return "warn"
        return "err" if self.state == self.State.REJECTED else ""

    # ---- state rules -------------------------------------------------------------
    def can_assign(self) -> bool:
        return self.state in (self.State.REQUESTED, self.State.ASSIGNED)

    def can_receive(self) -> bool:
        return self.state == self.State.ASSIGNED

    def can_edit_quote(self) -> bool:
        return self.state in (self.State.RECEIVED, self.State.CHANGES)

    def can_submit_quote(self) -> bool:
        return self.can_edit_quote()

    def can_review(self) -> bool:
        return self.state == self.State.QUOTED

    def can_report_progress(self) -> bool:
        return self.state == self.State.AUTHORIZED

    def can_finish(self) -> bool:
        return self.state == self.State.AUTHORIZED

    def can_deliver(self) -> bool:
        return self.state == self.State.FINISHED

    @property
    def is_authorized(self) -> bool:
        return self.authorization_number is not None

    @property
    def is_invoiced(self) -> bool:
        return self.invoice_accepted_at is not None

    def is_pending_invoice(self) -> bool:
        return self.is_authorized and not self.is_invoiced

    # ---- quote -------------------------------------------------------------------
    def quote_totals(self) -> dict[str, Decimal]:
        return totals(self.lines.all())

    def authorized_lines(self) -> models.QuerySet[QuoteLine]:
        """Only these may be invoiced (next issue)."""
        if not self.is_authorized:
            return self.lines.none()
        return self.lines.filter(authorized=True)

    def authorized_totals(self) -> dict[str, Decimal]:
        return totals(self.authorized_lines())

    # ---- deadlines (R1, R2) ------------------------------------------------------
    def auth_last_day(self):
        """The last calendar day (America/Mexico_City) on which the service can still be
        invoiced and paid (R1).

        "30 días contados a partir de la fecha de la autorización" is read as a workshop
        reads a calendar: the authorization date is day 0 and the window runs through
        the whole 30th day after it, until 23:59:59 Mexico City time. Authorized on
        31/01 at 23:30 ⇒ last day 02/03. Mexico City keeps no daylight saving time
        since 2022, so local days are always 24 h long; zoneinfo handles older dates.
        """
        if self.authorized_at is None:
            return None
        local_day = self.authorized_at.astimezone(MX).date()
        return local_day + timedelta(days=settings.AUTH_WINDOW_DAYS)

    def auth_window_closes(self) -> datetime | None:
        """The first instant that is outside the window (midnight after the last day)."""
        last = self.auth_last_day()
        if last is None:
            return None
        return datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=MX)

    def auth_window_open(self, now: datetime) -> bool:
        closes = self.auth_window_closes()
        return closes is not None and now < closes

    def days_left_to_invoice(self, now: datetime) -> int | None:
        """Calendar days from today (Mexico City) to the last day; 0 on the last day,
        negative once the window closed."""
        last = self.auth_last_day()
        if last is None:
            return None
        return (last - now.astimezone(MX).date()).days

    def invoice_due(self) -> datetime | None:
        """R2: exactly 24 h (INVOICE_DUE_HOURS) after the delivery instant."""
        if self.delivered_at is None:
            return None
        return self.delivered_at + timedelta(hours=settings.INVOICE_DUE_HOURS)

    def is_invoice_late(self, at: datetime) -> bool:
        due = self.invoice_due()
        return due is not None and at > due


def totals(lines) -> dict[str, Decimal]:
    subtotal = sum((line.subtotal for line in lines), Decimal("0"))
    iva = sum((line.iva for line in lines), Decimal("0"))
    return {"subtotal": money(subtotal), "iva": money(iva), "total": money(subtotal + iva)}


class QuoteLine(models.Model):
    SUPPLIER_PATH = "service__supplier"
    Kind = ReferencePrice.Kind

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    service = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("descripción"), max_length=200)
    reference = models.ForeignKey(
        ReferencePrice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What prices are compared by: the catalogue key, or the normalized description.
    item_key = models.CharField(max_length=210, db_index=True)
    quantity = models.DecimalField(_("cantidad"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("precio unitario"), max_digits=12, decimal_places=2)
    iva_rate = models.DecimalField(
        _("tasa de IVA"), max_digits=4, decimal_places=2, default=Decimal("0.16")
    )
    authorized = models.BooleanField(_("autorizada"), default=False)
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("partida de cotización")
        verbose_name_plural = _("partidas de cotización")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_qty_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="line_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def subtotal(self) -> Decimal:
        return money(self.quantity * self.unit_price)

    @property
    def iva(self) -> Decimal:
        return money(self.subtotal * self.iva_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.iva

    def price_check(self, now: datetime) -> dict:
        """Reference price with tolerance, and the median paid for the same item in the
        last PRICE_HISTORY_DAYS (authorized lines of other services)."""
        ref = (
            self.reference
            or ReferencePrice.objects.filter(key__iexact=self.item_key, is_active=True).first()
        )
        since = now - timedelta(days=settings.PRICE_HISTORY_DAYS)
        paid = list(
            QuoteLine.objects.filter(
                item_key=self.item_key,
                authorized=True,
                service__authorized_at__gte=since,
                service__authorized_at__lte=now,
            )
            .exclude(service_id=self.service_id)
            .values_list("unit_price", flat=True)
        )
        median = money(statistics.median(paid)) if paid else None
        tolerance = ref.tolerance_pct if ref else Decimal("10")
        over_ref = bool(ref and self.unit_price > ref.limit)
        over_median = bool(median and self.unit_price > money(median * (1 + tolerance / 100)))
        return {
            "reference": ref,
            "limit": ref.limit if ref else None,
            "median": median,
            "samples": len(paid),
            "over_reference": over_ref,
            "over_median": over_median,
            "ok": not (over_ref or over_median),
        }


def item_key_for(description: str, reference: ReferencePrice | None) -> str:
    return reference.key.upper() if reference else normalize_item(description)[:210]


class ServiceEvent(models.Model):
    """The service's timeline: who did what when, shown to the workshop and the staff."""

    SUPPLIER_PATH = "service__supplier"

    class Kind(models.TextChoices):
        REQUESTED = "solicitud", _("Solicitud registrada")
        ASSIGNED = "asignacion", _("Taller asignado")
        RECEIVED = "recepcion", _("Vehículo recibido")
        QUOTED = "cotizacion", _("Cotización enviada a autorización")
        CHANGES = "cambios", _("Cambios solicitados a la cotización")
        AUTHORIZED = "autorizacion", _("Autorizado")
        REJECTED = "rechazo", _("Rechazado")
        PROGRESS = "avance", _("Avance")
        FINISHED = "terminado", _("Servicio terminado")
        DELIVERED = "entrega", _("Vehículo entregado")
        SURVEY = "encuesta", _("Encuesta respondida")
        REMINDER = "recordatorio", _("Recordatorio de facturación enviado")
        INVOICE_SENT = "fact_enviada", _("Factura enviada a Finanzas")
        INVOICE_ACCEPTED = "fact_aceptada", _("Factura aceptada por Finanzas")
        INVOICE_REJECTED = "fact_rechazada", _("Factura rechazada por Finanzas")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    service = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created:%Y-%m-%d %H:%M}"


# Attachments and surveys live in their own module to keep this one readable; they are
# re-exported here because migrations and the app registry look for them here.
from mantto.services.models_evidence import (  # noqa: E402
    Attachment,
    Survey,
    _attachment_path,
    supplier_scores,
)

__all__ = [
    "Attachment",
    "Counter",
    "QuoteLine",
    "ReferencePrice",
    "ServiceEvent",
    "ServiceRequest",
    "Survey",
    "_attachment_path",
    "supplier_scores",
]
