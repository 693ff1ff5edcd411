"""«Reporte de autorizaciones pendientes de facturar»: every authorized service of a
workshop that has no accepted invoice yet, with what the workshop needs to invoice it."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font

from mantto.services.models import MX, ServiceRequest

# Marked with gettext_noop so makemessages finds them; translated when the report is built.
COLUMNS = [
    ("authorization_number", gettext_noop("Número de autorización")),
    ("ticket", gettext_noop("Ticket")),
    ("state", gettext_noop("Estado")),
    ("plate", gettext_noop("Placas")),
    ("vehicle", gettext_noop("Vehículo")),
    ("client", gettext_noop("Cliente")),
    ("cost_centre", gettext_noop("Centro de costos")),
    ("authorized_at", gettext_noop("Fecha de autorización")),
    ("delivered_at", gettext_noop("Fecha de entrega")),
    ("last_day", gettext_noop("Último día para facturar")),
    ("days_left", gettext_noop("Días restantes")),
    ("amount", gettext_noop("Importe autorizado")),
    ("supplier", gettext_noop("Taller")),
]


def pending_services(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return (
        qs.filter(authorization_number__isnull=False, invoice_accepted_at__isnull=True)
        .select_related("vehicle", "client", "cost_centre", "supplier")
        .order_by("authorized_at", "id")
    )


def pending_rows(qs: QuerySet[ServiceRequest], now: datetime) -> list[dict]:
    rows = []
    for s in pending_services(qs):
        rows.append(
            {
                "service": s,
                "authorization_number": s.authorization_number,
                "ticket": s.ticket,
                "state": str(s.get_state_display()),
                "plate": s.vehicle.plate,
                "vehicle": f"{s.vehicle.make} {s.vehicle.model} {s.vehicle.year}",
                "client": s.client.name,
                "cost_centre": str(s.cost_centre) if s.cost_centre else "",
                "authorized_at": s.authorized_at.astimezone(MX).date(),
                "delivered_at": s.delivered_at.astimezone(MX).date() if s.delivered_at else None,
                "last_day": s.auth_last_day(),
                "days_left": s.days_left_to_invoice(now),
                "amount": s.authorized_amount,
                "supplier": str(s.supplier),
            }
        )
    return rows


def _headers() -> list[str]:
    return [_(label) for _key, label in COLUMNS]


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with BOM so Excel on Windows opens the accents right; dates dd/mm/aaaa."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers())
    for row in rows:
        values = []
        for key, _label in COLUMNS:
            v = row[key]
            if hasattr(v, "strftime"):
                v = v.strftime("%d/%m/%Y")
            values.append("" if v is None else v)
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Pendientes de facturar")[:31]
    ws.append(_headers())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[key] for key, _label in COLUMNS])
        r = ws.max_row
        for key in ("authorized_at", "delivered_at", "last_day"):
            ws.cell(r, _col(key)).number_format = "DD/MM/YYYY"
        ws.cell(r, _col("amount")).number_format = '"$"#,##0.00'
        ws.cell(r, _col("authorization_number")).number_format = "0"
    widths = {"client": 40, "vehicle": 28, "cost_centre": 28, "supplier": 28}
    for i, (key, _label) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(key, 18)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col(key: str) -> int:
    return [k for k, _label in COLUMNS].index(key) + 1
