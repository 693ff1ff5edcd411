"""History downloads (screen 08): CSV streamed row by row, XLSX in write-only mode."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from mantto.invoicing.models import Kind, State

FIELDS = (
    "uploaded_at", "sent_at", "kind", "state", "serie", "folio", "uuid",
    "authorization_number", "ticket", "total", "is_late", "xml_name",
)  # fmt: skip


def headers() -> list[str]:
    return [
        _("Cargada"), _("Enviada"), _("Tipo"), _("Estado"), _("Serie"), _("Folio"), _("UUID"),
        _("Autorización"), _("Ticket"), _("Total"), _("Fuera de plazo"), _("Archivo"),
    ]  # fmt: skip


def rows(qs):
    kinds, states = dict(Kind.choices), dict(State.choices)
    for r in qs.values_list(*FIELDS).iterator(chunk_size=2000):
        up, sent, kind, state, *rest = r
        yield [
            timezone.localtime(up).strftime("%d/%m/%Y %H:%M"),
            timezone.localtime(sent).strftime("%d/%m/%Y %H:%M") if sent else "",
            str(kinds.get(kind, kind)),
            str(states.get(state, state)),
            *rest[:5],
            rest[5],
            _("sí") if rest[6] else _("no"),
            rest[7],
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(qs) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a BOM
        yield writer.writerow(headers())
        for row in rows(qs):
            yield writer.writerow(["" if v is None else v for v in row])

    resp = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="historial-cfdi.csv"'
    return resp


def xlsx_response(qs) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Historial"))
    ws.append(headers())
    for row in rows(qs):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = 'attachment; filename="historial-cfdi.xlsx"'
    return resp
