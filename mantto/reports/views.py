from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone

from mantto.core.access import scope
from mantto.reports.pending import pending_rows, to_csv, to_xlsx
from mantto.services.models import MX, ServiceRequest

FORMATS = {
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
}


@login_required
def pending_authorizations(request, fmt: str):
    """Workshops get theirs; staff get every workshop's (access.scope decides)."""
    if fmt not in FORMATS:
        raise Http404
    render, content_type = FORMATS[fmt]
    now = timezone.now()
    rows = pending_rows(scope(ServiceRequest.objects.all(), request.user), now)
    response = HttpResponse(render(rows), content_type=content_type)
    name = f"autorizaciones-pendientes-de-facturar-{now.astimezone(MX):%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
