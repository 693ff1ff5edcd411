from __future__ import annotations

import re
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    """A client company that leases vehicles from the fleet company."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nombre"), max_length=254, unique=True)
    rfc = models.CharField(_("RFC"), max_length=13, blank=True)
    invoicing_email = models.EmailField(_("correo de facturación electrónica"), blank=True)
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cliente")
        verbose_name_plural = _("clientes")

    def __str__(self) -> str:
        return self.name


class CostCentre(models.Model):
    """A client's centro de costos. ``required_fields`` lists what an invoice upload must
    carry for it (R9): [{"name": "orden_compra", "label": "Orden de compra",
    "pattern": "^OC-[0-9]{6}$", "help": "…"}]."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cost_centres")
    key = models.CharField(_("clave"), max_length=30)
    name = models.CharField(_("nombre"), max_length=150)
    required_fields = models.JSONField(_("datos requeridos en factura"), default=list, blank=True)

    class Meta:
        ordering = ["client__name", "key"]
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="uniq_cc_key")]
        verbose_name = _("centro de costos")
        verbose_name_plural = _("centros de costos")

    def __str__(self) -> str:
        return f"{self.key} · {self.name}"

    def validate_values(self, values: dict[str, str]) -> dict[str, str]:
        """Check ``values`` against ``required_fields`` (R9). Returns {field name: Spanish
        error}; empty when everything is fine. Values are compared stripped; a field with
        an empty ``pattern`` only has to be present."""
        errors: dict[str, str] = {}
        for field in self.required_fields or []:
            name = field.get("name", "")
            label = field.get("label") or name
            value = str(values.get(name) or "").strip()
            if not value:
                errors[name] = _("Falta el dato «%(label)s», lo pide el centro de costos.") % {
                    "label": label
                }
                continue
            pattern = field.get("pattern") or ""
            if pattern and not re.fullmatch(pattern, value):
                hint = field.get("help") or pattern
                errors[name] = _("«%(label)s» no tiene el formato esperado (%(hint)s).") % {
                    "label": label,
                    "hint": hint,
                }
        return errors


class Driver(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="drivers")
    name = models.CharField(_("nombre"), max_length=150)
    email = models.EmailField(_("correo"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("conductor")
        verbose_name_plural = _("conductores")

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "activo", _("Activo")
        IN_SERVICE = "en_servicio", _("En servicio")
        INACTIVE = "baja", _("Baja")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plate = models.CharField(_("placas"), max_length=10, unique=True)
    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    make = models.CharField(_("marca"), max_length=60)
    model = models.CharField(_("modelo"), max_length=60)
    year = models.PositiveSmallIntegerField(_("año"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="vehicles")
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, related_name="vehicles", null=True, blank=True
    )
    driver = models.ForeignKey(
        Driver, on_delete=models.SET_NULL, related_name="vehicles", null=True, blank=True
    )
    odometer = models.PositiveIntegerField(_("odómetro (km)"), default=0)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default="activo")

    class Meta:
        ordering = ["plate"]
        verbose_name = _("vehículo")
        verbose_name_plural = _("vehículos")

    def __str__(self) -> str:
        return f"{self.plate} · {self.make} {self.model} {self.year}"
