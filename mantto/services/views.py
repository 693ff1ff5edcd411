"""Service order screens. Every object comes through access.get_for_user, so a workshop
asking for another workshop's service gets a 404; each step is one service function."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mantto.accounts.models import Role
from mantto.core.access import get_for_user, scope
from mantto.core.decorators import role_required
from mantto.core.errors import DomainError
from mantto.fleet.models import Driver, Vehicle
from mantto.services import authorization as auth
from mantto.services import delivery, pricing
from mantto.services import services as svc
from mantto.services.forms import (
    DeliveryForm,
    DiagnosisForm,
    EvidenceForm,
    LineForm,
    ProgressForm,
    ReasonForm,
    ReceptionForm,
    RequestForm,
)
from mantto.services.models import Attachment, QuoteLine, ServiceRequest
from mantto.suppliers.models import Supplier

COORD = (Role.COORDINADOR, Role.ADMINISTRADOR)
State = ServiceRequest.State


def _services(user):
    return scope(
        ServiceRequest.objects.select_related("vehicle", "supplier", "client", "driver"), user
    )


def _search(qs, q: str):
    q = q.strip()
    if not q:
        return qs
    cond = Q(ticket__icontains=q) | Q(vehicle__plate__icontains=q) | Q(vehicle__vin__icontains=q)
    if q.isdigit():
        cond |= Q(authorization_number=int(q))
    return qs.filter(cond)


def _back(service):
    return redirect("services:detail", service.code)


def _fail(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


# ---- lists -------------------------------------------------------------------------
@login_required
def service_list(request):
    """Staff: the queue of requests by state. Workshop: its assigned services."""
    qs = _search(_services(request.user), request.GET.get("q", ""))
    state = request.GET.get("estado", "")
    if state in State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    counts = {s: 0 for s in State.values}
    for row in _services(request.user).values("state"):
        counts[row["state"]] += 1
    return render(
        request,
        "services/list.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "state": state,
            "states": [(v, label, counts[v]) for v, label in State.choices],
            "can_register": request.user.has_role(*COORD),
        },
    )


@role_required(*COORD)
def authorizations(request):
    """Quotes awaiting authorization, oldest first."""
    qs = _search(_services(request.user), request.GET.get("q", ""))
    waiting = qs.filter(state=State.QUOTED).order_by("quoted_at", "id")
    recent = qs.filter(authorization_number__isnull=False).order_by("-authorized_at")[:20]
    return render(
        request,
        "services/authorizations.html",
        {"waiting": waiting, "recent": recent, "q": request.GET.get("q", "")},
    )


# ---- 01–02 ---------------------------------------------------------------------------
@role_required(*COORD)
def service_new(request):
    form = RequestForm(request.POST or None)
    vehicle = None
    code = request.POST.get("vehicle") or request.GET.get("vehiculo")
    if code:
        vehicle = Vehicle.objects.select_related("client", "driver").filter(code=code).first()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if vehicle is None:
            form.add_error(None, _("Busca y elige el vehículo."))
        else:
            driver = Driver.objects.filter(code=d["driver"]).first() if d["driver"] else None
            try:
                service = svc.register_request(
                    request.user,
                    vehicle=vehicle,
                    driver=driver,
                    service_type=d["service_type"],
                    symptom=d["symptom"],
                    odometer=d["odometer"],
                    location=d["location"],
                    form_token=d["form_token"],
                    now=timezone.now(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Solicitud registrada con el ticket %(t)s.") % {"t": service.ticket}
                )
                return redirect("services:assign", service.code)
    drivers = Driver.objects.filter(client=vehicle.client_id) if vehicle else []
    q = request.GET.get("q", "").strip()
    results = Vehicle.objects.filter(Q(plate__icontains=q) | Q(vin__icontains=q))[:10] if q else []
    return render(
        request,
        "services/new.html",
        {"form": form, "vehicle": vehicle, "drivers": drivers, "q": q, "vehicles": results},
    )


@role_required(*COORD)
def service_assign(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    if request.method == "POST":
        supplier = Supplier.objects.filter(code=request.POST.get("supplier")).first()
        if supplier is None:
            messages.error(request, _("Elige un taller."))
        else:
            try:
                svc.assign_workshop(request.user, service, supplier, now=timezone.now())
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(
                    request,
                    _("Asignado a %(s)s; le enviamos un correo.") % {"s": supplier},
                )
                return _back(service)
    zone = request.GET.get("zona", "")
    suppliers = [
        s for s in Supplier.objects.filter(is_active=True) if s.offers(service.service_type)
    ]
    zones = sorted({s.zone for s in suppliers if s.zone})
    if zone:
        suppliers = [s for s in suppliers if s.zone == zone]
    return render(
        request,
        "services/assign.html",
        {"service": service, "suppliers": suppliers, "zones": zones, "zone": zone},
    )


# ---- detail --------------------------------------------------------------------------
@login_required
def service_detail(request, code):
    service = get_for_user(request.user, _services(request.user), code)
    now = timezone.now()
    user = request.user
    acts_as_workshop = user.has_role(*COORD) or (
        user.is_taller and user.supplier_id == service.supplier_id
    )
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "lines": service.lines.all(),
            "totals": service.quote_totals(),
            "events": service.events.all(),
            "files": service.attachments.exclude(kind=Attachment.Kind.SIGNATURE),
            "signature": service.attachments.filter(
                kind__in=[Attachment.Kind.SIGNATURE, Attachment.Kind.SIGNED_ORDER]
            ).last(),
            "days_left": service.days_left_to_invoice(now),
            "now": now,
            "is_coord": user.has_role(*COORD),
            "acts_as_workshop": acts_as_workshop,
            "reception_form": ReceptionForm(
                initial={
                    "received_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
                    "odometer": service.reported_odometer,
                }
            ),
            "progress_form": ProgressForm(),
            "survey": getattr(service, "survey", None),
        },
    )


@login_required
def attachment(request, code):
    att = get_for_user(request.user, Attachment.objects.select_related("service"), code)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = att.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle,
        content_type=att.content_type,
        as_attachment=not att.is_image,
        filename=f"{att.service.ticket}-{att.kind}.{ext}",
    )


# ---- 03 ------------------------------------------------------------------------------
@require_POST
@login_required
def service_receive(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    form = ReceptionForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(service)
    d = form.cleaned_data
    try:
        svc.confirm_reception(
            request.user,
            service,
            received_at=d["received_at"],
            odometer=d["odometer"],
            photo=d.get("photo"),
            now=timezone.now(),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Recepción registrada. Ahora diagnostica y cotiza."))
    return _back(service)


# ---- 04 ------------------------------------------------------------------------------
@login_required
def service_quote(request, code):
    service = get_for_user(request.user, _services(request.user), code)
    if request.user.role == Role.FINANZAS:
        raise PermissionDenied
    form = LineForm(request.POST or None, prefix="line")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.add_quote_line(
                request.user,
                service,
                kind=d["kind"],
                description=d["description"],
                reference=d["reference"],
                quantity=d["quantity"],
                unit_price=d["unit_price"],
                iva_rate=d["iva_rate"],
                form_token=d["form_token"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Partida agregada."))
            return redirect("services:quote", service.code)
    return render(
        request,
        "services/quote.html",
        {
            "service": service,
            "form": form,
            "lines": service.lines.all(),
            "totals": service.quote_totals(),
            "diagnosis_form": DiagnosisForm(initial={"diagnosis": service.diagnosis}),
            "evidence_form": EvidenceForm(),
            "files": service.attachments.filter(kind=Attachment.Kind.QUOTE),
        },
    )


@require_POST
@login_required
def line_delete(request, code):
    line = get_for_user(request.user, QuoteLine.objects.select_related("service"), code)
    try:
        svc.remove_quote_line(request.user, line, now=timezone.now())
    except DomainError as exc:
        _fail(request, exc)
    return redirect("services:quote", line.service.code)


@require_POST
@login_required
def service_evidence(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        kind = Attachment.Kind.QUOTE if service.can_edit_quote() else Attachment.Kind.PROGRESS
        try:
            svc.add_evidence(
                request.user, service, form.cleaned_data["file"], kind=kind, now=timezone.now()
            )
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Archivo adjuntado."))
    if service.can_edit_quote():
        return redirect("services:quote", service.code)
    return _back(service)


@require_POST
@login_required
def submit_quote(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    form = DiagnosisForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("services:quote", service.code)
    try:
        svc.submit_quote(
            request.user, service, diagnosis=form.cleaned_data["diagnosis"], now=timezone.now()
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("services:quote", service.code)
    messages.success(request, _("Cotización enviada a autorización."))
    return _back(service)


# ---- 05 ------------------------------------------------------------------------------
@role_required(*COORD)
def service_review(request, code):
    service = get_for_user(request.user, _services(request.user), code)
    now = timezone.now()
    return render(
        request,
        "services/review.html",
        {
            "service": service,
            "review": pricing.review(service, now),
            "totals": service.quote_totals(),
            "files": service.attachments.exclude(kind=Attachment.Kind.SIGNATURE),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@role_required(*COORD)
def service_authorize(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    chosen = request.POST.getlist("lines")
    try:
        service = auth.authorize_service(
            request.user, service, line_codes=chosen, now=timezone.now()
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("services:review", service.code)
    messages.success(
        request,
        _("Autorizado con el número %(n)s.") % {"n": service.authorization_number},
    )
    return _back(service)


@require_POST
@role_required(*COORD)
def service_reject(request, code, changes: bool = False):
    service = get_for_user(request.user, ServiceRequest, code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("services:review", service.code)
    reason = form.cleaned_data["reason"]
    try:
        if changes:
            auth.request_changes(request.user, service, note=reason, now=timezone.now())
        else:
            auth.reject_service(request.user, service, reason=reason, now=timezone.now())
    except DomainError as exc:
        _fail(request, exc)
        return redirect("services:review", service.code)
    messages.success(
        request, _("Pedimos los cambios al taller.") if changes else _("Cotización rechazada.")
    )
    return _back(service)


# ---- 06 ------------------------------------------------------------------------------
@require_POST
@login_required
def service_progress(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(service)
    d = form.cleaned_data
    try:
        delivery.report_progress(
            request.user,
            service,
            note=d["note"],
            photo=d.get("photo"),
            form_token=d["form_token"],
            now=timezone.now(),
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Avance registrado."))
    return _back(service)


@require_POST
@login_required
def service_finish(request, code):
    service = get_for_user(request.user, ServiceRequest, code)
    try:
        delivery.finish_service(request.user, service, now=timezone.now())
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, _("Servicio terminado. Registra la entrega cuando llegue el conductor.")
        )
    return _back(service)


@login_required
def service_deliver(request, code):
    service = get_for_user(request.user, _services(request.user), code)
    if request.user.role == Role.FINANZAS:
        raise PermissionDenied
    initial = {"received_by": service.driver.name if service.driver else ""}
    form = DeliveryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            delivery.deliver_service(
                request.user,
                service,
                received_by=d["received_by"],
                signature=d["signature"],
                signed_order=d.get("signed_order"),
                now=timezone.now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Entrega registrada. Enviamos la encuesta al conductor. "
                    "Ingresa la factura en las próximas 24 horas."
                ),
            )
            return _back(service)
    return render(request, "services/deliver.html", {"service": service, "form": form})
