"""Invoice reception, one function per step: upload (with every check), send, accept,
reject. Each is atomic, audited, takes ``now`` and raises DomainError with a Spanish
message and a stable code."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mantto.accounts.models import Role
from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.core.money import format_mxn
from mantto.invoicing import checks, reading
from mantto.invoicing.models import SUBMITTED, Kind, ReceivedDocument, State
from mantto.notifications.services import queue_email
from mantto.services.models import ServiceEvent, ServiceRequest
from mantto.services.services import event

# Engine codes meaning "this is not a CFDI at all": nothing worth storing.
NOT_A_CFDI = ("MANTTO-XML-", "MANTTO-NO-CFDI", "MANTTO-VERSION-OBSOLETA")


def too_large(name: str, size: int | None = None) -> DomainError:
    limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    return DomainError(
        _(
            "«%(name)s» pesa más de %(limit)s MB, el máximo por archivo. Un CFDI pesa unos "
            "KB: revisa que sea el XML correcto."
        )
        % {"name": name, "limit": limit},
        "MANTTO-ARCHIVO-GRANDE",
    )


def _require_workshop(actor) -> None:
    if not actor.has_role(Role.TALLER) or actor.supplier_id is None:
        raise DomainError(_("Solo un usuario de taller carga facturas."), "MANTTO-PERMISO")


def _require_finance(actor) -> None:
    if not actor.has_role(Role.FINANZAS, Role.ADMINISTRADOR):
        raise DomainError(_("Solo Finanzas decide sobre facturas recibidas."), "MANTTO-PERMISO")


def _check_pdf(name: str, data: bytes) -> None:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise too_large(name)
    if not data.lstrip()[:5] == b"%PDF-":
        raise DomainError(
            _(
                "«%(name)s» no es un PDF válido. Sube la representación impresa en PDF o no "
                "subas PDF."
            )
            % {"name": name},
            "MANTTO-PDF-INVALIDO",
        )


def upload_document(
    actor,
    *,
    xml_name: str,
    xml_data: bytes,
    kind: str,
    pdf_name: str = "",
    pdf_data: bytes | None = None,
    typed_authorization: str = "",
    typed_ticket: str = "",
    cost_centre_data: dict | None = None,
    batch=None,
    now: datetime,
) -> ReceivedDocument:
    """Screens 04–06: check one XML (and its PDF) and keep it for review.

    1. Refuse what is not a CFDI at all (not XML, too large, not Comprobante 4.0) with
       the engine's code: nothing is stored.
    2. Run the engine's checks and the portal's (parties, service, amounts, R1–R4, R9).
    3. Store the original bytes under a random path and the parsed fields, as "por
       enviar" when nothing is wrong, "con errores" otherwise. Nothing is submitted
       until ``send_document``.
    """
    _require_workshop(actor)
    if kind not in Kind.values:
        raise DomainError(_("Elige el tipo de comprobante."), "MANTTO-TIPO")
    if len(xml_data) > settings.UPLOAD_MAX_BYTES:
        raise too_large(xml_name)
    if pdf_data is not None:
        _check_pdf(pdf_name, pdf_data)
    parsed = reading.read(xml_data, at=now)
    report = parsed.report
    if report.tipo is None:
        first = next((f for f in report.findings if f.is_error), None)
        code = first.code if first else "MANTTO-NO-CFDI"
        message = first.message if first else _("El archivo no es un CFDI.")
        raise DomainError(f"«{xml_name}»: {message}", code)
    supplier = actor.supplier
    outcome = checks.run(
        supplier,
        parsed,
        kind=kind,
        typed_authorization=typed_authorization,
        typed_ticket=typed_ticket,
        cost_centre_data=cost_centre_data,
        now=now,
    )
    has_errors = any(f["severity"] == "error" for f in outcome.findings)
    doc = ReceivedDocument(
        supplier=supplier,
        batch=batch,
        kind=kind,
        state=State.INVALID if has_errors else State.DRAFT,
        service=outcome.service,
        related_invoice=outcome.related_invoice,
        typed_authorization=(typed_authorization or "")[:20],
        typed_ticket=(typed_ticket or "")[:30],
        cost_centre_data={str(k)[:60]: str(v)[:200] for k, v in (cost_centre_data or {}).items()},
        xml_name=xml_name[:200],
        xml_size=len(xml_data),
        sha256=hashlib.sha256(xml_data).hexdigest(),
        pdf_name=(pdf_name or "")[:200],
        pdf_sha256=hashlib.sha256(pdf_data).hexdigest() if pdf_data is not None else "",
        uuid=(report.uuid or "")[:36],
        serie=(report.serie or "")[:40],
        folio=(report.folio or "")[:60],
        issued_at=(report.fecha or "")[:25],
        stamped_at=(report.fecha_timbrado or "")[:25],
        emisor_rfc=(report.emisor_rfc or "")[:13],
        emisor_nombre=(report.emisor_nombre or "")[:254],
        emisor_regimen=(report.emisor_regimen or "")[:3],
        receptor_rfc=(report.receptor_rfc or "")[:13],
        receptor_nombre=(report.receptor_nombre or "")[:254],
        receptor_cp=(report.receptor_domicilio_fiscal or "")[:5],
        receptor_regimen=(report.receptor_regimen or "")[:3],
        uso_cfdi=(report.uso_cfdi or "")[:4],
        metodo_pago=(report.metodo_pago or "")[:3],
        forma_pago=(report.forma_pago or "")[:2],
        moneda=(report.moneda or "")[:3],
        subtotal=_amount(report.subtotal),
        descuento=_amount(report.descuento),
        traslados=_amount(report.total_impuestos_trasladados),
        retenciones=_amount(report.total_impuestos_retenidos),
        total=_amount(report.total),
        sello_tail=parsed.sello_tail,
        conceptos=parsed.conceptos[:500],
        relacionados=[
            {"tipo": rel.tipo_relacion, "uuids": rel.uuids} for rel in report.relacionados
        ],
        authorization_number=outcome.authorization_number[:20],
        ticket=outcome.ticket[:30],
        findings=outcome.findings,
        # R2 is judged when the workshop presses Enviar (the findings warn before).
        is_late=False,
        uploaded_by=actor,
        uploaded_at=now,
    )
    # Files first (random names, never overwritten), then the row; if the row fails
    # the files are deleted, so nothing is half-stored.
    doc.xml_file.save("cfdi.xml", ContentFile(xml_data), save=False)
    if pdf_data is not None:
        doc.pdf_file.save("cfdi.pdf", ContentFile(pdf_data), save=False)
    try:
        with transaction.atomic():
            doc.save()
            log_action(
                actor,
                "invoice.uploaded",
                doc,
                {"uuid": doc.uuid, "state": doc.state, "codes": [f["code"] for f in doc.errors]},
                now=now,
            )
    except Exception:
        doc.xml_file.delete(save=False)
        if doc.pdf_file:
            doc.pdf_file.delete(save=False)
        raise
    return doc


def _amount(value):
    if value is None:
        return None
    # Columns hold 14 integer digits; absurd values in a hostile XML are not stored.
    return value.quantize(type(value)("0.01")) if abs(value) < 10**14 else None


def update_cost_centre_data(actor, doc: ReceivedDocument, values: dict, *, now) -> ReceivedDocument:
    """R9 data fixed on the review screen, before Enviar."""
    _require_workshop(actor)
    with transaction.atomic():
        doc = ReceivedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.state not in (State.DRAFT, State.INVALID) or doc.supplier_id != actor.supplier_id:
            raise DomainError(_("Este CFDI ya fue enviado; no se puede cambiar."), "MANTTO-ESTADO")
        values = {str(k)[:60]: str(v).strip()[:200] for k, v in values.items()}
        findings = list(doc.findings)
        service = (
            ServiceRequest.objects.select_related("cost_centre").filter(pk=doc.service_id).first()
        )
        checks.cost_centre_findings(findings, service, values)
        doc.cost_centre_data = values
        doc.findings = findings
        doc.state = State.INVALID if doc.errors else State.DRAFT
        doc.save(update_fields=["cost_centre_data", "findings", "state"])
        log_action(actor, "invoice.cost_centre_data", doc, {"values": values}, now=now)
    return doc


def send_document(actor, doc: ReceivedDocument, *, now: datetime) -> ReceivedDocument:
    """Screen 07, Enviar: submit a checked document to Finanzas.

    1. Lock the row (and the service): a double click sends once.
    2. Re-check what may have changed since the upload: R1's window, the service not
       invoiced meanwhile; R2 (late) is judged now, at sending.
    3. Save as "enviada". The partial UNIQUE indexes on UUID and on the service's
       invoice make a concurrent duplicate fail here, whoever checked first.
    4. Optionally accept at once (INVOICE_AUTO_ACCEPT) when every check passed.
    """
    _require_workshop(actor)
    with transaction.atomic():
        doc = ReceivedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.supplier_id != actor.supplier_id:
            raise DomainError(_("No encontrado."), "MANTTO-PERMISO")
        if doc.state in SUBMITTED:
            raise DomainError(_("Este CFDI ya fue enviado."), "MANTTO-YA-ENVIADA")
        if not doc.can_send():
            raise DomainError(
                _("Este CFDI tiene errores y no se puede enviar. Corrígelo y cárgalo de nuevo."),
                "MANTTO-CON-ERRORES",
            )
        if doc.kind == Kind.INGRESO:
            service = ServiceRequest.objects.select_for_update().get(pk=doc.service_id)
            if not service.auth_window_open(now):
                raise DomainError(checks_message_30d(service), "MANTTO-AUT-30D")
            if service.invoice_accepted_at is not None:
                raise DomainError(
                    _("El servicio %(ticket)s ya tiene una factura aceptada.")
                    % {"ticket": service.ticket},
                    "MANTTO-SERVICIO-FACTURADO",
                )
            doc.is_late = service.is_invoice_late(now)
        doc.state = State.SENT
        doc.sent_at = now
        doc.sent_by = actor
        try:
            with transaction.atomic():
                doc.save(update_fields=["state", "sent_at", "sent_by", "is_late"])
        except IntegrityError as exc:
            raise DomainError(
                _(
                    "Este CFDI (UUID %(uuid)s) o otra factura del mismo servicio ya fue enviado; "
                    "no se recibe dos veces."
                )
                % {"uuid": doc.uuid},
                "MANTTO-UUID-DUP",
            ) from exc
        _timeline(doc, ServiceEvent.Kind.INVOICE_SENT, actor, now=now)
        log_action(
            actor,
            "invoice.sent",
            doc,
            {"uuid": doc.uuid, "total": doc.total, "late": doc.is_late},
            now=now,
        )
        if settings.INVOICE_AUTO_ACCEPT and _passes_everything(doc):
            _accept(None, doc, now=now)
    return doc


def checks_message_30d(service: ServiceRequest) -> str:
    return _(
        "La autorización %(number)s venció (más de %(days)s días desde el %(date)s): Ayvens "
        "no puede pagar este servicio. Comunícate a %(email)s."
    ) % {
        "number": service.authorization_number,
        "days": settings.AUTH_WINDOW_DAYS,
        "date": timezone.localtime(service.authorized_at).strftime("%d/%m/%Y"),
        "email": settings.CLARIFICATIONS_EMAIL,
    }


def _passes_everything(doc: ReceivedDocument) -> bool:
    return not doc.errors and all(w["code"] in checks.HARMLESS_WARNINGS for w in doc.warnings)


def send_batch(actor, batch, *, now: datetime) -> tuple[int, list[tuple[ReceivedDocument, str]]]:
    """Enviar every checked document of one upload; each in its own transaction, so one
    failure leaves the others sent."""
    _require_workshop(actor)
    sent, failed = 0, []
    docs = ReceivedDocument.objects.filter(
        supplier_id=actor.supplier_id, batch=batch, state=State.DRAFT
    ).order_by("id")
    for doc in docs:
        try:
            send_document(actor, doc, now=now)
            sent += 1
        except DomainError as exc:
            failed.append((doc, f"{exc.message} ({exc.code})"))
    return sent, failed


def _recipients(doc: ReceivedDocument) -> list[str]:
    emails = [doc.supplier.email]
    if doc.sent_by and doc.sent_by.email not in emails and doc.sent_by.is_active:
        emails.append(doc.sent_by.email)
    return emails


def _accept(actor, doc: ReceivedDocument, *, now: datetime) -> None:
    if doc.kind == Kind.EGRESO and doc.related_invoice_id:
        invoice = ReceivedDocument.objects.select_for_update().get(pk=doc.related_invoice_id)
        if doc.total is not None and doc.total > invoice.amount_payable:
            raise DomainError(
                _("La nota de crédito excede lo que queda por pagar de su factura."),
                "MANTTO-NC-EXCEDE",
            )
    doc.state = State.ACCEPTED
    doc.decided_at = now
    doc.decided_by = actor
    doc.save(update_fields=["state", "decided_at", "decided_by"])
    if doc.kind == Kind.INGRESO and doc.service_id:
        ServiceRequest.objects.filter(pk=doc.service_id).update(invoice_accepted_at=now)
    _timeline(doc, ServiceEvent.Kind.INVOICE_ACCEPTED, actor, now=now)
    log_action(actor, "invoice.accepted", doc, {"uuid": doc.uuid, "auto": actor is None}, now=now)
    queue_email(_recipients(doc), "invoice-accepted", {"doc": doc}, now=now)


def accept_document(actor, doc: ReceivedDocument, *, now: datetime) -> ReceivedDocument:
    """Finanzas accepts: the invoice becomes payable and leaves "Facturas a cobro"."""
    _require_finance(actor)
    with transaction.atomic():
        doc = ReceivedDocument.objects.select_for_update().select_related("supplier").get(pk=doc.pk)
        if not doc.can_decide():
            raise DomainError(
                _("Solo se acepta un CFDI enviado (este está «%(state)s»).")
                % {"state": doc.get_state_display()},
                "MANTTO-ESTADO",
            )
        _accept(actor, doc, now=now)
    return doc


def reject_document(
    actor, doc: ReceivedDocument, *, reason: str, now: datetime
) -> ReceivedDocument:
    """Finanzas rejects with a reason the workshop reads in its e-mail and history."""
    _require_finance(actor)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(
            _("Escribe el motivo del rechazo para que el taller sepa qué corregir."),
            "MANTTO-MOTIVO",
        )
    with transaction.atomic():
        doc = ReceivedDocument.objects.select_for_update().select_related("supplier").get(pk=doc.pk)
        if not doc.can_decide():
            raise DomainError(
                _("Solo se rechaza un CFDI enviado (este está «%(state)s»).")
                % {"state": doc.get_state_display()},
                "MANTTO-ESTADO",
            )
        doc.state = State.REJECTED
        doc.decided_at = now
        doc.decided_by = actor
        doc.rejection_reason = reason[:2000]
        doc.save(update_fields=["state", "decided_at", "decided_by", "rejection_reason"])
        _timeline(doc, ServiceEvent.Kind.INVOICE_REJECTED, actor, reason, now=now)
        log_action(actor, "invoice.rejected", doc, {"uuid": doc.uuid, "reason": reason}, now=now)
        queue_email(_recipients(doc), "invoice-rejected", {"doc": doc}, now=now)
    return doc


def _timeline(doc: ReceivedDocument, kind: str, actor, note: str = "", *, now) -> None:
    """The invoice's steps also show on its service's timeline, for the coordinator."""
    if doc.kind != Kind.INGRESO or not doc.service_id:
        return
    label = _("UUID %(uuid)s por %(total)s") % {"uuid": doc.uuid, "total": format_mxn(doc.total)}
    event(doc.service, kind, actor, f"{label}. {note}".strip(), now=now)


def late_count(supplier) -> int:
    """R2: invoices this workshop sent after the 24 h, for its record."""
    # Matches the partial index doc_supplier_late exactly; is_late is only ever set
    # when sending, so every row counted was submitted (later rejections included).
    return ReceivedDocument.objects.filter(
        supplier=supplier, kind=Kind.INGRESO, is_late=True
    ).count()
