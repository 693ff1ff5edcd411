"""The reference-price catalogue the coordinators maintain (step 05's price check)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mantto.audit.models import log_action
from mantto.core.access import get_for_user
from mantto.core.decorators import role_required
from mantto.services.forms import ReferencePriceForm
from mantto.services.models import ReferencePrice
from mantto.services.views import COORD


@role_required(*COORD)
def price_list(request):
    q = request.GET.get("q", "").strip()
    prices = ReferencePrice.objects.all()
    if q:
        prices = prices.filter(Q(key__icontains=q) | Q(description__icontains=q))
    return render(request, "services/prices.html", {"prices": prices, "q": q})


@role_required(*COORD)
def price_edit(request, code=None):
    price = get_for_user(request.user, ReferencePrice, code) if code else None
    form = ReferencePriceForm(request.POST or None, instance=price)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.key = obj.key.strip().upper()
        obj.save()
        log_action(
            request.user,
            "catalogue.price_saved",
            obj,
            {"unit_price": obj.unit_price, "tolerance_pct": obj.tolerance_pct},
            now=timezone.now(),
        )
        messages.success(request, _("Precio de referencia guardado."))
        return redirect("services:prices")
    return render(request, "services/price_edit.html", {"form": form, "price": price})
