"""Screens 04–08 for the workshop and the Finanzas queue. Short views; the rules live in
services.py and checks.py; every object comes through mantto.core.access."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from mantto.accounts.models import Role
from mantto.core.access import get_for_user, scope
from mantto.core.decorators import role_required
from mantto.core.errors import DomainError
from mantto.invoicing import archive, exports, printing, services
from mantto.invoicing.forms import HistoryFilter, LimitedUploadHandler, RejectForm, UploadForm
from mantto.invoicing.models import SUBMITTED, Kind, ReceivedDocument, State
from mantto.services.models import ServiceRequest

TALLER = (Role.TALLER,)
FINANCE = (Role.FINANZAS, Role.ADMINISTRADOR)
ANY = (Role.TALLER, Role.COORDINADOR, Role.FINANZAS, Role.ADMINISTRADOR)


def _docs(request):
    return scope(
        ReceivedDocument.objects.select_related(
            "supplier",
            "service__cost_centre",
            "related_invoice",
            "uploaded_by",
            "sent_by",
            "decided_by",
        ),
        request.user,
    )


def _cc_values(post) -> dict[str, str]:
    return {k[3:]: v for k, v in post.items() if k.startswith("cc_") and len(k) < 64}


def _pending_services(user):
    return (
        scope(ServiceRequest.objects.all(), user)
        .filter(
            state=ServiceRequest.State.DELIVERED,
            invoice_accepted_at__isnull=True,
            authorization_number__isnull=False,
        )
        .exclude(documents__kind=Kind.INGRESO, documents__state__in=SUBMITTED)
        .select_related("vehicle")
        .order_by("delivered_at")[:50]
    )


# ---- upload (screens 04–06) --------------------------------------------------------------
@csrf_exempt
def upload(request):
    """The body may be a 50 MB file: refuse by Content-Length before reading it, and
    install the size-limiting handler before anything touches request.POST (which is
    why CSRF is checked in the inner view, after the handler is in place)."""
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.INVOICE_ZIP_MAX_BYTES + 1024 * 1024:
            return HttpResponse(
                _("La carga es demasiado grande (MANTTO-ARCHIVO-GRANDE)."), status=413
            )
        handler = LimitedUploadHandler(request)
        request.upload_handlers.insert(0, handler)
        request._invoice_handler = handler
    return _upload(request)


@csrf_protect
@role_required(*TALLER)
def _upload(request):
    form = UploadForm(request.POST or None)
    if request.method != "POST":
        return render(request, "invoicing/upload.html", _upload_ctx(request, form))
    handler = getattr(request, "_invoice_handler", None)
    files = request.FILES.getlist("files")
    skipped = handler.skipped if handler else []
    fragment = request.headers.get("X-Mantto-Fragment") == "1"
    if not form.is_valid():
        return render(request, "invoicing/upload.html", _upload_ctx(request, form), status=400)
    xml_count = sum(1 for f in files if archive.kind_of(f.name) == "xml")
    # Typed numbers belong to one invoice; in a batch each invoice's own are used.
    single = xml_count == 1 and len(files) <= 2 and not skipped and not request.POST.get("batch")
    kind = form.cleaned_data["kind"]
    if not files and not skipped:
        form.add_error(None, _("Selecciona al menos un archivo XML (o un ZIP)."))
        return render(request, "invoicing/upload.html", _upload_ctx(request, form), status=400)
    if single and kind == Kind.INGRESO and not form.cleaned_data["authorization"]:
        form.add_error("authorization", _("Escribe el número de autorización que trae la factura."))
        return render(request, "invoicing/upload.html", _upload_ctx(request, form), status=400)
    batch = _batch_code(request.POST.get("batch")) if not single else None
    verdicts = process_upload(request, files, skipped, form.cleaned_data, batch)
    if fragment:
        return render(request, "invoicing/_verdicts.html", {"verdicts": verdicts})
    if single and len(verdicts) == 1 and verdicts[0].get("doc"):
        return redirect("invoicing:detail", verdicts[0]["doc"].code)
    return render(
        request,
        "invoicing/batch.html",
        {"verdicts": verdicts, "batch": batch, "drafts": sum(1 for v in verdicts if v.get("ok"))},
    )


def _batch_code(value):
    try:
        return uuid_mod.UUID(str(value))
    except ValueError:
        return uuid_mod.uuid4()


def _upload_ctx(request, form) -> dict:
    return {
        "form": form,
        "pending": _pending_services(request.user),
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "zip_mb": settings.INVOICE_ZIP_MAX_BYTES // (1024 * 1024),
        "cc_html": "",
    }


def process_upload(request, files, skipped, data, batch) -> list[dict]:
    """One verdict per XML (with its PDF), per problem file and per ZIP member. Each
    document is stored in its own transaction, so one bad file never affects another."""
    now = timezone.now()
    verdicts: list[dict] = []
    common = {
        "kind": data["kind"],
        "typed_authorization": "" if batch else data["authorization"],
        "typed_ticket": "" if batch else data["ticket"],
        "cost_centre_data": _cc_values(request.POST),
        "batch": batch,
    }
    for name in skipped:
        err = services.too_large(name)
        verdicts.append({"name": name, "code": err.code, "message": err.message})
    loose = [(f.name, f) for f in files if archive.kind_of(f.name) in ("xml", "pdf")]
    for f in files:
        k = archive.kind_of(f.name)
        if k == "zip":
            try:
                for item in archive.read_zip(f, f.size):
                    verdicts.append(_verdict(request.user, item, common, now))
            except DomainError as exc:
                verdicts.append({"name": f.name, "code": exc.code, "message": exc.message})
        elif not k:
            item = archive.unsupported(f.name)
            verdicts.append({"name": item.name, "code": item.code, "message": item.message})
    for xml_name, xml, pdf_name, pdf in archive.pair(loose):
        if xml is None:
            item = archive.orphan_pdf(pdf_name)
        else:
            item = archive.Item(
                xml_name, xml=_read(xml), pdf_name=pdf_name, pdf=_read(pdf) if pdf else None
            )
        verdicts.append(_verdict(request.user, item, common, now))
    return verdicts


def _read(f) -> bytes:
    f.seek(0)
    return f.read(settings.UPLOAD_MAX_BYTES + 1)


def _verdict(user, item: archive.Item, common: dict, now) -> dict:
    if item.xml is None:
        return {"name": item.name, "code": item.code, "message": item.message}
    try:
        doc = services.upload_document(
            user,
            xml_name=item.name,
            xml_data=item.xml,
            pdf_name=item.pdf_name,
            pdf_data=item.pdf,
            now=now,
            **common,
        )
    except DomainError as exc:
        return {"name": item.name, "code": exc.code, "message": exc.message}
    return {"name": item.name, "doc": doc, "ok": doc.state == State.DRAFT}


@role_required(*TALLER)
def cc_fields(request):
    """htmx: the fields the cost centre of the typed authorization asks for (R9)."""
    number = "".join(c for c in request.GET.get("authorization", "") if c.isdigit())
    service = None
    if 7 <= len(number) <= 12:
        service = (
            scope(ServiceRequest.objects.select_related("cost_centre", "vehicle"), request.user)
            .filter(authorization_number=int(number))
            .first()
        )
    return render(
        request,
        "invoicing/_cc_fields.html",
        {"service": service, "number": number, "six": len(number) == 6, "values": {}},
    )


@role_required(*TALLER)
def batch(request, code):
    docs = _docs(request).filter(batch=code).order_by("id")
    if not docs.exists():
        raise Http404
    verdicts = [{"name": d.xml_name, "doc": d, "ok": d.state == State.DRAFT} for d in docs]
    return render(
        request,
        "invoicing/batch.html",
        {"verdicts": verdicts, "batch": code, "drafts": sum(1 for v in verdicts if v["ok"])},
    )


@require_POST
@role_required(*TALLER)
def send_batch(request, code):
    if not scope(ReceivedDocument.objects.filter(batch=code), request.user).exists():
        raise Http404
    sent, failed = services.send_batch(request.user, code, now=timezone.now())
    if sent:
        messages.success(request, _("Enviamos %(n)s CFDI a Finanzas.") % {"n": sent})
    for doc, message in failed:
        messages.error(request, f"{doc.xml_name}: {message}")
    if not sent and not failed:
        messages.info(request, _("No hay CFDI por enviar en esta carga."))
    return redirect("invoicing:history")


# ---- review and send (screen 07) --------------------------------------------------------
@role_required(*ANY)
def detail(request, code):
    doc = get_for_user(request.user, _docs(request), code)
    cc = doc.service.cost_centre if doc.service_id and doc.service.cost_centre_id else None
    editable = request.user.is_taller and doc.state in (State.DRAFT, State.INVALID)
    cc_rows = [
        (f, doc.cost_centre_data.get(f.get("name"), ""))
        for f in (cc.required_fields if cc and editable else [])
    ]
    return render(
        request,
        "invoicing/detail.html",
        {
            "doc": doc,
            "cost_centre": cc,
            "cc_fields": cc_rows,
            "reject_form": RejectForm(),
            "can_decide": doc.can_decide() and request.user.has_role(*FINANCE),
            "credit_notes": doc.credit_notes.all() if doc.kind == Kind.INGRESO else [],
        },
    )


@require_POST
@role_required(*TALLER)
def send(request, code):
    doc = get_for_user(request.user, ReceivedDocument, code)
    try:
        doc = services.send_document(request.user, doc, now=timezone.now())
    except DomainError as exc:
        messages.error(request, f"{exc.message} ({exc.code})")
        return redirect("invoicing:detail", doc.code)
    messages.success(request, _("Enviado. Finanzas lo revisará; te avisaremos por correo."))
    return redirect(reverse("invoicing:history"))


@require_POST
@role_required(*TALLER)
def cost_centre(request, code):
    doc = get_for_user(request.user, ReceivedDocument, code)
    try:
        services.update_cost_centre_data(
            request.user, doc, _cc_values(request.POST), now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("invoicing:detail", doc.code)


@role_required(*ANY)
def download(request, code, which: str):
    doc = get_for_user(request.user, ReceivedDocument, code)
    f = doc.xml_file if which == "xml" else doc.pdf_file if which == "pdf" else None
    if not f:
        raise Http404
    name = f"{doc.uuid or doc.code}.{which}"
    ctype = "application/xml" if which == "xml" else "application/pdf"
    return FileResponse(f.open("rb"), as_attachment=True, filename=name, content_type=ctype)


@role_required(*ANY)
def print_view(request, code):
    doc = get_for_user(request.user, _docs(request), code)
    if request.GET.get("formato") == "pdf":
        return printing.pdf_response(request, doc)
    return render(request, "invoicing/print.html", printing.context(doc))


# ---- history (screen 08) ---------------------------------------------------------------
class Page:
    """One page without COUNT(*): counting 100,000 rows costs more than the page itself
    (PostgreSQL counts by scanning), so we fetch one row more to know if there is a next."""

    def __init__(self, qs, number, size: int | None = None) -> None:
        size = size or settings.INVOICE_PAGE_SIZE
        try:
            self.number = max(1, min(int(number), 100_000))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * size
        rows = list(qs[start : start + size + 1])
        self.object_list = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def __iter__(self):
        return iter(self.object_list)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(request):
    form = HistoryFilter(request.GET or None)
    qs = scope(ReceivedDocument.objects.all(), request.user)
    if form.is_valid():
        d = form.cleaned_data
        # Local days as instant ranges, so the (supplier, state, uploaded_at) index is used.
        if d["since"]:
            qs = qs.filter(uploaded_at__gte=_day_start(d["since"]))
        if d["until"]:
            qs = qs.filter(uploaded_at__lt=_day_start(d["until"] + timedelta(days=1)))
        if d["state"]:
            qs = qs.filter(state=d["state"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["uuid"]:
            qs = qs.filter(uuid=d["uuid"].strip().upper())
        if d["authorization"]:
            qs = qs.filter(
                authorization_number="".join(c for c in d["authorization"] if c.isdigit())
            )
    return form, qs.order_by("-uploaded_at", "-id")


HISTORY_COLUMNS = (
    "code", "kind", "state", "uuid", "serie", "folio", "authorization_number", "ticket",
    "total", "is_late", "uploaded_at", "sent_at", "xml_name",
)  # fmt: skip


@role_required(*TALLER)
def history(request):
    form, qs = _filtered(request)
    page = Page(qs.only(*HISTORY_COLUMNS), request.GET.get("pagina"))
    params = request.GET.copy()
    params.pop("pagina", None)
    return render(
        request,
        "invoicing/history.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "late": services.late_count(request.user.supplier),
        },
    )


@role_required(*TALLER)
def export(request, fmt: str):
    _form, qs = _filtered(request)
    if fmt == "csv":
        return exports.csv_response(qs)
    if fmt == "xlsx":
        return exports.xlsx_response(qs)
    raise Http404


# ---- Finanzas ---------------------------------------------------------------------------
@role_required(*FINANCE)
def queue(request):
    state = request.GET.get("estado") or State.SENT
    if state not in State.values:
        state = State.SENT
    qs = (
        ReceivedDocument.objects.filter(state=state)
        .select_related("supplier", "service")
        .order_by("sent_at", "id")
    )
    page = Page(qs, request.GET.get("pagina"))
    return render(
        request,
        "invoicing/queue.html",
        {"page": page, "state": state, "states": State.choices},
    )


@require_POST
@role_required(*FINANCE)
def decide(request, code):
    doc = get_for_user(request.user, ReceivedDocument, code)
    now = timezone.now()
    try:
        if request.POST.get("decision") == "aceptar":
            services.accept_document(request.user, doc, now=now)
            messages.success(request, _("CFDI aceptado; el taller fue notificado."))
        else:
            services.reject_document(
                request.user, doc, reason=request.POST.get("reason", ""), now=now
            )
            messages.success(request, _("CFDI rechazado; el taller fue notificado."))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("invoicing:detail", doc.code)
    return redirect("invoicing:queue")
