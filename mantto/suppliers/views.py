from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render

from mantto.accounts.models import STAFF_ROLES
from mantto.core.access import get_for_user
from mantto.core.decorators import role_required
from mantto.invoicing.services import late_count
from mantto.services.models import ServiceRequest, supplier_scores
from mantto.suppliers.models import Supplier


@role_required(*STAFF_ROLES)
def supplier_list(request):
    q = request.GET.get("q", "").strip()
    suppliers = Supplier.objects.annotate(
        active_services=Count(
            "services",
            filter=~Q(
                services__state__in=[
                    ServiceRequest.State.DELIVERED,
                    ServiceRequest.State.REJECTED,
                ]
            ),
        )
    )
    if q:
        suppliers = suppliers.filter(
            Q(name__icontains=q) | Q(trade_name__icontains=q) | Q(rfc__icontains=q)
        )
    rows = [{"supplier": s, "scores": supplier_scores(s)} for s in suppliers]
    return render(request, "suppliers/list.html", {"rows": rows, "q": q})


@role_required(*STAFF_ROLES)
def supplier_detail(request, code):
    supplier = get_for_user(request.user, Supplier, code)
    services = supplier.services.select_related("vehicle").order_by("-created")[:30]
    surveys = (
        supplier.services.filter(survey__answered_at__isnull=False)
        .select_related("survey", "vehicle")
        .order_by("-survey__answered_at")[:20]
    )
    return render(
        request,
        "suppliers/detail.html",
        {
            "supplier": supplier,
            "scores": supplier_scores(supplier),
            "late_invoices": late_count(supplier),
            "services": services,
            "surveys": surveys,
        },
    )
