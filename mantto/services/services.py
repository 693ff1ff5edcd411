"""State changes of a service order, seed steps 01–04. Step 05 (authorization) is in
authorization.py, steps 06–07 in delivery.py.

Every function is atomic, locks the service row (SELECT … FOR UPDATE), re-checks the
state on the locked row, writes a timeline event and an audit entry, and raises a
DomainError with a Spanish message and a stable code when the step is not allowed:

- MANTTO-SRV-STATE      the service is not in a state that allows the step
- MANTTO-SRV-NOT-YOURS  a workshop acting on a service assigned to another workshop
- MANTTO-SRV-ROLE       the user's role may not take this step
- MANTTO-SRV-SUPPLIER   the workshop is inactive or does not offer the service type
- MANTTO-SRV-INPUT      a required value is missing or out of range
- MANTTO-SRV-ODOMETER   the odometer is lower than the last known reading
- MANTTO-QUOTE-AMOUNT   a negative, malformed or absurd amount or quantity
- MANTTO-QUOTE-EMPTY    a quote without lines cannot be submitted
- MANTTO-AUT-TWICE      the service was already authorized (e.g. by another coordinator)
- MANTTO-AUT-LINES      no (valid) line chosen to authorize
- MANTTO-AUT-NUMBER     the generated number is not a valid authorization number (R4)
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mantto.accounts.models import Role
from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.core.money import format_mxn, money
from mantto.notifications.services import queue_email
from mantto.services import attachments
from mantto.services.models import (
    IVA_RATES,
    MX,
    Attachment,
    Counter,
    QuoteLine,
    ReferencePrice,
    ServiceEvent,
    ServiceRequest,
    item_key_for,
    totals,
)
from mantto.suppliers.models import ServiceType

COORDINATION_ROLES = (Role.COORDINADOR, Role.ADMINISTRADOR)
MAX_QUANTITY = Decimal("1000")
MAX_ODOMETER = 2_000_000

State = ServiceRequest.State


# ---- helpers ------------------------------------------------------------------------
def lock(service: ServiceRequest) -> ServiceRequest:
    """The service row, locked until the transaction ends, with fresh values."""
    return ServiceRequest.objects.select_for_update().get(pk=service.pk)


def state_error(service: ServiceRequest, doing: str) -> DomainError:
    return DomainError(
        _("No se puede %(doing)s: el servicio %(ticket)s está «%(state)s».")
        % {"doing": doing, "ticket": service.ticket, "state": service.get_state_display()},
        "MANTTO-SRV-STATE",
    )


def require_coordination(actor) -> None:
    if not actor.has_role(*COORDINATION_ROLES):
        raise DomainError(
            _("Solo la coordinación de mantenimiento puede hacer esto."), "MANTTO-SRV-ROLE"
        )


def require_workshop(actor, service: ServiceRequest) -> None:
    """The assigned workshop's users, or the coordination desk on its behalf (the seed has
    workshops report by phone, 55 5229 8367)."""
    if actor.has_role(*COORDINATION_ROLES):
        return
    if not actor.has_role(Role.TALLER):
        raise DomainError(_("Tu rol no puede hacer esto."), "MANTTO-SRV-ROLE")
    if service.supplier_id is None or actor.supplier_id != service.supplier_id:
        raise DomainError(_("Este servicio no está asignado a tu taller."), "MANTTO-SRV-NOT-YOURS")


def event(
    service: ServiceRequest, kind: str, actor, note: str = "", *, now: datetime, form_token=None
) -> ServiceEvent:
    return ServiceEvent.objects.create(
        service=service,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "name", "") or str(actor or _("Sistema")),
        note=note,
        created=now,
        form_token=form_token,
    )


def _text(value: str, label: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Falta: %(label)s.") % {"label": label}, "MANTTO-SRV-INPUT")
    if len(value) > max_length:
        raise DomainError(
            _("%(label)s es demasiado largo (máximo %(n)s caracteres).")
            % {"label": label, "n": max_length},
            "MANTTO-SRV-INPUT",
        )
    return value


def _odometer(value) -> int:
    try:
        km = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("El odómetro debe ser un número de km."), "MANTTO-SRV-INPUT") from exc
    if km < 0 or km > MAX_ODOMETER:
        raise DomainError(
            _("El odómetro debe estar entre 0 y 2,000,000 km."), "MANTTO-SRV-ODOMETER"
        )
    return km


# ---- 01–02: request and assignment ------------------------------------------------------
def next_ticket(now: datetime) -> str:
    year = now.astimezone(MX).year
    n = Counter.next(f"ticket-{year}", 1)
    return f"TKT-{year}-{n:06d}"


def register_request(
    actor,
    *,
    vehicle,
    driver,
    service_type: str,
    symptom: str,
    odometer,
    location: str,
    form_token: uuid.UUID | None = None,
    now: datetime,
) -> ServiceRequest:
    """Step 02: the coordinator registers the driver's call and gets a ticket number.

    Submitting the same form twice (same ``form_token``) returns the first service.
    """
    require_coordination(actor)
    if form_token and (existing := ServiceRequest.objects.filter(form_token=form_token).first()):
        return existing
    if driver is not None and driver.client_id != vehicle.client_id:
        raise DomainError(
            _("El conductor no pertenece al cliente del vehículo."), "MANTTO-SRV-INPUT"
        )
    if service_type not in ServiceType.values:
        raise DomainError(_("Tipo de servicio no válido."), "MANTTO-SRV-INPUT")
    if vehicle.status == vehicle.Status.INACTIVE:
        raise DomainError(_("El vehículo está dado de baja."), "MANTTO-SRV-INPUT")
    symptom = _text(symptom, _("síntoma"))
    location = _text(location, _("ubicación"), 200)
    km = _odometer(odometer)
    try:
        return _create_request(
            actor, vehicle, driver, service_type, symptom, km, location, form_token, now
        )
    except IntegrityError:
        # Two simultaneous submissions of one form: the unique token lets one through.
        existing = (
            ServiceRequest.objects.filter(form_token=form_token).first() if form_token else None
        )
        if existing is None:
            raise
        return existing


def _create_request(actor, vehicle, driver, service_type, symptom, km, location, form_token, now):
    with transaction.atomic():
        service = ServiceRequest.objects.create(
            form_token=form_token,
            ticket=next_ticket(now),
            vehicle=vehicle,
            client_id=vehicle.client_id,
            cost_centre_id=vehicle.cost_centre_id,
            driver=driver or vehicle.driver,
            service_type=service_type,
            symptom=symptom,
            reported_odometer=km,
            location=location,
            created_by=actor,
            created=now,
        )
        event(service, ServiceEvent.Kind.REQUESTED, actor, symptom, now=now)
        log_action(
            actor,
            "service.requested",
            service,
            {"ticket": service.ticket, "plate": vehicle.plate, "type": service_type},
            now=now,
        )
    return service


def assign_workshop(actor, service: ServiceRequest, supplier, *, now: datetime) -> ServiceRequest:
    """Step 02: assign (or, before reception, reassign) the workshop and e-mail it."""
    require_coordination(actor)
    with transaction.atomic():
        service = lock(service)
        if not service.can_assign():
            raise state_error(service, _("asignar el taller"))
        if not supplier.is_active or not supplier.offers(service.service_type):
            raise DomainError(
                _("%(supplier)s no ofrece servicio de %(type)s o está inactivo.")
                % {"supplier": supplier, "type": service.get_service_type_display()},
                "MANTTO-SRV-SUPPLIER",
            )
        if service.supplier_id == supplier.pk:
            return service  # a double submission changes nothing
        previous = service.supplier
        service.supplier = supplier
        service.state = State.ASSIGNED
        service.assigned_at = now
        service.save(update_fields=["supplier", "state", "assigned_at"])
        event(service, ServiceEvent.Kind.ASSIGNED, actor, str(supplier), now=now)
        queue_email(
            supplier.email, "service-assigned", {"service": service, "supplier": supplier}, now=now
        )
        log_action(
            actor,
            "service.assigned",
            service,
            {"supplier": supplier.rfc, "previous": previous.rfc if previous else None},
            now=now,
        )
    return service


# ---- 03: reception -----------------------------------------------------------------
def confirm_reception(
    actor,
    service: ServiceRequest,
    *,
    received_at: datetime,
    odometer,
    photo=None,
    now: datetime,
) -> ServiceRequest:
    """Step 03: the workshop confirms it received the vehicle (optional photo)."""
    km = _odometer(odometer)
    if received_at > now:
        raise DomainError(_("La fecha de recepción no puede ser futura."), "MANTTO-SRV-INPUT")
    photo_data = attachments.read_upload(photo, allow_pdf=False) if photo else None
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if not service.can_receive():
            raise state_error(service, _("confirmar la recepción"))
        if received_at < service.created:
            raise DomainError(
                _("La fecha de recepción es anterior a la solicitud."), "MANTTO-SRV-INPUT"
            )
        vehicle = service.vehicle
        if km < vehicle.odometer:
            raise DomainError(
                _("El odómetro (%(km)s km) es menor que la última lectura (%(last)s km).")
                % {"km": f"{km:,}", "last": f"{vehicle.odometer:,}"},
                "MANTTO-SRV-ODOMETER",
            )
        service.state = State.RECEIVED
        service.received_at = received_at
        service.received_odometer = km
        service.save(update_fields=["state", "received_at", "received_odometer"])
        vehicle.odometer = km
        vehicle.save(update_fields=["odometer"])
        if photo_data:
            attachments.store(
                service,
                Attachment.Kind.RECEPTION,
                photo_data[0],
                photo_data[1],
                photo.name,
                actor=actor,
                now=now,
            )
        event(service, ServiceEvent.Kind.RECEIVED, actor, f"{km:,} km", now=now)
        log_action(actor, "service.received", service, {"odometer": km}, now=now)
    return service


# ---- 04: diagnosis and quote -----------------------------------------------------------
def _decimal(value, label: str) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(
            _("%(label)s no es un número válido.") % {"label": label}, "MANTTO-QUOTE-AMOUNT"
        ) from exc
    if not d.is_finite():
        raise DomainError(
            _("%(label)s no es un número válido.") % {"label": label}, "MANTTO-QUOTE-AMOUNT"
        )
    return d


def add_quote_line(
    actor,
    service: ServiceRequest,
    *,
    kind: str,
    description: str,
    quantity,
    unit_price,
    iva_rate=Decimal("0.16"),
    reference: ReferencePrice | None = None,
    form_token: uuid.UUID | None = None,
    now: datetime,
) -> QuoteLine:
    """Step 04: one quote line (part, labour, other). Amounts are checked for sanity."""
    if kind not in QuoteLine.Kind.values:
        raise DomainError(_("Tipo de partida no válido."), "MANTTO-SRV-INPUT")
    description = _text(
        description or (reference.description if reference else ""), _("descripción"), 200
    )
    qty = _decimal(quantity, _("La cantidad"))
    price = _decimal(unit_price, _("El precio unitario"))
    rate = _decimal(iva_rate, _("La tasa de IVA"))
    max_total = Decimal(settings.QUOTE_MAX_TOTAL)
    if qty <= 0 or qty > MAX_QUANTITY or qty != qty.quantize(Decimal("0.001")):
        raise DomainError(
            _("La cantidad debe ser mayor que 0 y hasta 1,000 (máximo 3 decimales)."),
            "MANTTO-QUOTE-AMOUNT",
        )
    if price < 0 or price > max_total or price != money(price):
        raise DomainError(
            _("El precio unitario debe estar entre $0.00 y %(max)s, con centavos a lo más.")
            % {"max": format_mxn(max_total)},
            "MANTTO-QUOTE-AMOUNT",
        )
    if rate not in IVA_RATES:
        raise DomainError(_("La tasa de IVA debe ser 16 %, 8 % o 0 %."), "MANTTO-QUOTE-AMOUNT")
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if form_token and (
            existing := QuoteLine.objects.filter(form_token=form_token, service=service).first()
        ):
            return existing
        if not service.can_edit_quote():
            raise state_error(service, _("modificar la cotización"))
        line = QuoteLine(
            service=service,
            form_token=form_token,
            kind=kind,
            description=description,
            reference=reference,
            item_key=item_key_for(description, reference),
            quantity=qty,
            unit_price=price,
            iva_rate=rate,
            created=now,
        )
        new_total = totals([*service.lines.all(), line])["total"]
        if new_total > max_total:
            raise DomainError(
                _("La cotización sumaría %(total)s, más que el máximo permitido de %(max)s.")
                % {"total": format_mxn(new_total), "max": format_mxn(max_total)},
                "MANTTO-QUOTE-AMOUNT",
            )
        line.save()
        log_action(
            actor,
            "service.quote_line_added",
            service,
            {"line": str(line.code), "description": description, "total": line.total},
            now=now,
        )
    return line


def remove_quote_line(actor, line: QuoteLine, *, now: datetime) -> None:
    with transaction.atomic():
        service = lock(line.service)
        require_workshop(actor, service)
        if not service.can_edit_quote():
            raise state_error(service, _("modificar la cotización"))
        deleted, _rows = QuoteLine.objects.filter(pk=line.pk).delete()
        if deleted:
            log_action(
                actor,
                "service.quote_line_removed",
                service,
                {"line": str(line.code), "description": line.description},
                now=now,
            )


def add_evidence(actor, service: ServiceRequest, upload, *, kind: str, now: datetime) -> Attachment:
    """A photo or PDF for the quote or the progress of the work."""
    data, content_type = attachments.read_upload(upload)
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if service.state in (State.REQUESTED, State.ASSIGNED, State.REJECTED, State.DELIVERED):
            raise state_error(service, _("adjuntar archivos"))
        att = attachments.store(
            service, kind, data, content_type, upload.name, actor=actor, now=now
        )
        log_action(
            actor,
            "service.attachment_added",
            service,
            {"kind": kind, "sha256": att.sha256},
            now=now,
        )
    return att


def submit_quote(
    actor, service: ServiceRequest, *, diagnosis: str, now: datetime
) -> ServiceRequest:
    """Step 04: diagnosis + lines go to the coordinator for authorization."""
    diagnosis = _text(diagnosis, _("diagnóstico"), 4000)
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if service.state == State.QUOTED:
            raise DomainError(_("La cotización ya se envió a autorización."), "MANTTO-SRV-STATE")
        if not service.can_submit_quote():
            raise state_error(service, _("enviar la cotización"))
        lines = list(service.lines.all())
        if not lines:
            raise DomainError(
                _("Agrega al menos una partida (refacción o mano de obra) a la cotización."),
                "MANTTO-QUOTE-EMPTY",
            )
        t = totals(lines)
        if t["total"] <= 0:
            raise DomainError(_("La cotización no puede sumar $0.00."), "MANTTO-QUOTE-AMOUNT")
        service.diagnosis = diagnosis
        service.state = State.QUOTED
        service.quoted_at = now
        service.save(update_fields=["diagnosis", "state", "quoted_at"])
        event(service, ServiceEvent.Kind.QUOTED, actor, format_mxn(t["total"]), now=now)
        log_action(
            actor,
            "service.quoted",
            service,
            {"lines": len(lines), "total": t["total"]},
            now=now,
        )
    return service
