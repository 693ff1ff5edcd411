from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FiscalProfile(models.Model):
    """The fleet company's fiscal data: what every received CFDI must name as receptor.
    One row (pk=1), edited by administrators."""

    rfc = models.CharField(_("RFC"), max_length=13)
    name = models.CharField(_("razón social (como en la constancia fiscal)"), max_length=254)
    postal_code = models.CharField(_("código postal del domicilio fiscal"), max_length=5)
    regimen_fiscal = models.CharField(_("régimen fiscal"), max_length=3)
    allowed_uso_cfdi = models.JSONField(_("usos de CFDI permitidos"), default=list)
    is_demo = models.BooleanField(_("datos de demostración"), default=False)

    class Meta:
        verbose_name = _("datos fiscales de la empresa")
        verbose_name_plural = _("datos fiscales de la empresa")

    def __str__(self) -> str:
        return f"{self.rfc} · {self.name}"

    @classmethod
    def current(cls) -> FiscalProfile | None:
        return cls.objects.filter(pk=1).first()
