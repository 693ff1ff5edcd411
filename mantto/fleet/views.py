from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mantto.accounts.models import Role
from mantto.core.decorators import role_required
from mantto.core.errors import DomainError
from mantto.fleet import importer
from mantto.fleet.models import Vehicle

COORD = (Role.COORDINADOR, Role.ADMINISTRADOR)
SESSION_KEY = "vehicle_import"


def _vehicles(q: str):
    qs = Vehicle.objects.select_related("client", "cost_centre", "driver")
    q = q.strip()
    if q:
        qs = qs.filter(Q(plate__icontains=q) | Q(vin__icontains=q) | Q(client__name__icontains=q))
    return qs


@role_required(*COORD)
def vehicle_list(request):
    q = request.GET.get("q", "")
    page = Paginator(_vehicles(q), 50).get_page(request.GET.get("page"))
    return render(request, "fleet/vehicles.html", {"page": page, "q": q})


@role_required(*COORD)
def vehicle_search(request):
    """htmx: the vehicles matching a plate or VIN, to pick one in the request form."""
    q = request.GET.get("q", "").strip()
    vehicles = _vehicles(q)[:10] if len(q) >= 2 else []
    return render(request, "fleet/_vehicle_options.html", {"vehicles": vehicles, "q": q})


@role_required(*COORD)
def vehicle_import(request):
    """1. Upload → preview with every row's errors. 2. Confirm → all rows or none."""
    ctx: dict = {}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("confirm"):
            messages.error(request, _("La vista previa expiró; sube el archivo de nuevo."))
            return redirect("fleet:import")
        rows = [importer.Row(line=r["line"], data=r["data"]) for r in stored["rows"]]
        try:
            result = importer.import_vehicles(request.user, rows, now=timezone.now())
        except DomainError as exc:
            messages.error(request, exc.message)
            ctx["rows"] = rows
        else:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                _("Importación terminada: %(c)s vehículos nuevos y %(u)s actualizados.")
                % {
                    "c": result["created"],
                    "u": result["updated"],
                },
            )
            return redirect("fleet:vehicles")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if not upload:
            messages.error(request, _("Elige un archivo CSV o XLSX."))
        else:
            try:
                rows = importer.validate(importer.read_file(upload))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                ctx["rows"] = rows
                ctx["errors"] = sum(1 for r in rows if r.errors)
                if not ctx["errors"]:
                    token = secrets.token_urlsafe(16)
                    request.session[SESSION_KEY] = {
                        "token": token,
                        "rows": [r.as_session() for r in rows],
                    }
                    ctx["token"] = token
    return render(request, "fleet/import.html", ctx)
