from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.shortcuts import render

from mantto.accounts.models import STAFF_ROLES
from mantto.audit.models import AuditEntry
from mantto.core.decorators import role_required


def _date(value: str):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None


@role_required(*STAFF_ROLES)
def audit_list(request):
    entries = AuditEntry.objects.all()
    f = {
        k: request.GET.get(k, "").strip() for k in ("objeto", "usuario", "accion", "desde", "hasta")
    }
    if f["objeto"]:
        entries = entries.filter(object_code__icontains=f["objeto"]) | entries.filter(
            object_label__icontains=f["objeto"]
        )
    if f["usuario"]:
        entries = entries.filter(actor_label__icontains=f["usuario"])
    if f["accion"]:
        entries = entries.filter(action__icontains=f["accion"])
    if d := _date(f["desde"]):
        entries = entries.filter(created__date__gte=d)
    if d := _date(f["hasta"]):
        entries = entries.filter(created__date__lte=d)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "f": f})
