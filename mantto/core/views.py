from __future__ import annotations

import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from mantto.core.menus import SECTIONS


@login_required
def home(request):
    ctx = {}
    if request.user.is_taller:
        # "Facturas a cobro": delivered services whose invoice is still pending.
        from django.utils import timezone

        from mantto.reports.pending import pending_rows
        from mantto.services.models import ServiceRequest

        now = timezone.now()
        qs = ServiceRequest.objects.filter(
            supplier_id=request.user.supplier_id, state=ServiceRequest.State.DELIVERED
        )
        ctx["pending"] = pending_rows(qs, now)
    else:
        ctx["tiles"] = _staff_tiles(request.user)
    return render(request, "core/home.html", ctx)


def _staff_tiles(user) -> list[dict]:
    """What is waiting for this staff role, with a link to the queue that holds it."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from mantto.accounts.models import Role
    from mantto.invoicing.models import ReceivedDocument
    from mantto.invoicing.models import State as DocState
    from mantto.services.models import ServiceRequest

    state = ServiceRequest.State
    tiles = []
    if user.role in (Role.COORDINADOR, Role.ADMINISTRADOR):
        requested = ServiceRequest.objects.filter(state=state.REQUESTED).count()
        quoted = ServiceRequest.objects.filter(state=state.QUOTED).count()
        tiles += [
            {
                "n": requested,
                "label": _("Solicitudes sin taller asignado"),
                "url": reverse("services:list") + f"?estado={state.REQUESTED}",
            },
            {
                "n": quoted,
                "label": _("Cotizaciones por autorizar"),
                "url": reverse("services:authorizations"),
            },
        ]
    if user.role in (Role.FINANZAS, Role.ADMINISTRADOR):
        sent = ReceivedDocument.objects.filter(state=DocState.SENT).count()
        tiles.append(
            {"n": sent, "label": _("Facturas por revisar"), "url": reverse("invoicing:queue")}
        )
    return tiles


@login_required
def section(request, key: str):
    if key not in SECTIONS:
        raise Http404
    title, description, roles = SECTIONS[key]
    if request.user.role not in roles:
        raise PermissionDenied
    return render(request, "core/section.html", {"title": title, "description": description})


@login_required
def aclaraciones(request):
    return render(request, "core/aclaraciones.html", {})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def _mail_files() -> list[Path]:
    directory = settings.MAIL_DIR
    if not directory.exists():
        return []
    return sorted(directory.glob("*.eml"), reverse=True)[:100]


def dev_mail(request):
    """Development only: read the e-mails (and so the access keys) the app sent."""
    if not settings.DEBUG:
        raise Http404
    messages = []
    for path in _mail_files():
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        messages.append(
            {
                "name": path.name,
                "to": msg["To"],
                "subject": msg["Subject"],
                "date": msg["Date"],
                "body": body.get_content() if body else "",
            }
        )
    return render(request, "core/dev_mail.html", {"mails": messages})
