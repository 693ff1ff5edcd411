from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RFC_VALIDATOR = RegexValidator(
    r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$",
    _(
        "El RFC debe tener 12 (persona moral) o 13 (persona física) caracteres, "
        "p. ej. TME010101AB1."
    ),
)


class ServiceType(models.TextChoices):
    PREVENTIVE = "preventivo", _("Preventivo")
    CORRECTIVE = "correctivo", _("Correctivo")
    TYRES = "llantas", _("Llantas")
    BODYWORK = "hojalateria", _("Hojalatería y pintura")
    ELECTRICAL = "electrico", _("Eléctrico")
    GLASS = "cristales", _("Cristales")


class Supplier(models.Model):
    """A workshop (taller) of the network. Every taller user belongs to exactly one."""

    # Supplier-scoped models name the path from themselves to their supplier; the access
    # helper in mantto.core.access reads it so isolation lives in one place.
    SUPPLIER_PATH = ""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rfc = models.CharField(_("RFC"), max_length=13, unique=True, validators=[RFC_VALIDATOR])
    name = models.CharField(_("razón social"), max_length=254)
    trade_name = models.CharField(_("nombre comercial"), max_length=254, blank=True)
    email = models.EmailField(_("correo de notificaciones"))
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    zone = models.CharField(_("zona"), max_length=80, blank=True)
    postal_code = models.CharField(_("código postal"), max_length=5, blank=True)
    service_types = models.JSONField(_("tipos de servicio"), default=list, blank=True)
    clabe = models.CharField(_("CLABE"), max_length=18, blank=True)
    bank = models.CharField(_("banco"), max_length=80, blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taller")
        verbose_name_plural = _("talleres")

    def __str__(self) -> str:
        return self.trade_name or self.name

    def offers(self, service_type: str) -> bool:
        return service_type in self.service_types
