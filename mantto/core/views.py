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
    return render(request, "core/home.html", ctx)


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
