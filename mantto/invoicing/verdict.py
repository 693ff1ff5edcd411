"""The shape of a verdict: one finding per problem, collected in an Outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from mantto.invoicing.models import ReceivedDocument
    from mantto.services.models import ServiceRequest

HARMLESS_WARNINGS = {"MANTTO-FACTURA-TARDE", "MANTTO-PAGO-SIN-CONCILIAR", "MANTTO-AUT-POR-VENCER"}


def finding(
    code: str, message: str, path: str = "", *, severity: str = "error", details=None
) -> dict:
    d = {"code": code, "severity": severity, "message": str(message), "path": path}
    if details:
        d["details"] = [str(x) for x in details]
    return d


def six_digit_message() -> str:
    return _(
        "Las autorizaciones de seis dígitos (formato anterior) no se pueden ingresar en el "
        "portal. Envía tu factura y tu número de autorización a %(email)s o llama al "
        "%(phone)s para que Finanzas la reciba por aclaración."
    ) % {"email": settings.CLARIFICATIONS_EMAIL, "phone": settings.CLARIFICATIONS_PHONE}


@dataclass
class Outcome:
    findings: list[dict] = field(default_factory=list)
    service: ServiceRequest | None = None
    related_invoice: ReceivedDocument | None = None
    authorization_number: str = ""
    ticket: str = ""
    is_late: bool = False

    def add(self, *args, **kwargs) -> None:
        self.findings.append(finding(*args, **kwargs))


def day(value) -> str:
    """dd/mm/aaaa in Mexico City time (dates pass through)."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""
