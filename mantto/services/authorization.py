"""Step 05 state changes: the coordinator authorizes (all or some lines), rejects, or
sends the quote back for changes. Same rules and error codes as services.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.core.money import format_mxn
from mantto.notifications.services import queue_email
from mantto.services.models import (
    AUTHORIZATION_START,
    Counter,
    ServiceEvent,
    ServiceRequest,
    totals,
)
from mantto.services.services import _text, event, lock, require_coordination, state_error

State = ServiceRequest.State


# ---- 05: validation and authorization -------------------------------------------------
def _already_authorized(service: ServiceRequest) -> DomainError:
    return DomainError(
        _(
            "El servicio %(ticket)s ya fue autorizado con el número %(number)s; "
            "no se autoriza dos veces."
        )
        % {"ticket": service.ticket, "number": service.authorization_number},
        "MANTTO-AUT-TWICE",
    )


def authorize_service(
    actor, service: ServiceRequest, *, line_codes=None, now: datetime
) -> ServiceRequest:
    """Step 05: authorize all lines (``line_codes=None``) or some, and issue the
    authorization number.

    1. Lock the service; a second coordinator waits here and then sees it authorized.
    2. Draw the next number from the locked counter row (8+ digits, never 6: R4).
    3. Mark the lines, store number, amount and date, e-mail the workshop.
    """
    require_coordination(actor)
    with transaction.atomic():
        service = lock(service)
        if service.is_authorized:
            raise _already_authorized(service)
        if not service.can_review():
            raise state_error(service, _("autorizar"))
        lines = list(service.lines.all())
        if line_codes is None:
            chosen = lines
        else:
            wanted = {str(c) for c in line_codes}
            chosen = [line for line in lines if str(line.code) in wanted]
        if not chosen:
            raise DomainError(_("Elige al menos una partida para autorizar."), "MANTTO-AUT-LINES")
        amount = totals(chosen)["total"]
        if amount <= 0 or amount > Decimal(settings.QUOTE_MAX_TOTAL):
            raise DomainError(
                _("El importe a autorizar (%(amount)s) no es válido.")
                % {"amount": format_mxn(amount)},
                "MANTTO-QUOTE-AMOUNT",
            )
        number = Counter.next("authorization", AUTHORIZATION_START)
        if len(str(number)) < 8:
            raise DomainError(
                _("Número de autorización inválido."), "MANTTO-AUT-NUMBER"
            )  # pragma: no cover - the sequence starts at 8 digits
        chosen_ids = [line.pk for line in chosen]
        service.lines.update(authorized=False)
        service.lines.filter(pk__in=chosen_ids).update(authorized=True)
        service.authorization_number = number
        service.authorized_at = now
        service.authorized_amount = amount
        service.authorized_by = actor
        service.state = State.AUTHORIZED
        service.save(
            update_fields=[
                "authorization_number",
                "authorized_at",
                "authorized_amount",
                "authorized_by",
                "state",
            ]
        )
        partial = len(chosen) < len(lines)
        note = _("Autorización %(number)s por %(amount)s") % {
            "number": number,
            "amount": format_mxn(amount),
        }
        if partial:
            note += " " + _("(%(n)s de %(total)s partidas)") % {
                "n": len(chosen),
                "total": len(lines),
            }
        event(service, ServiceEvent.Kind.AUTHORIZED, actor, note, now=now)
        queue_email(
            service.supplier.email,
            "service-authorized",
            {"service": service, "lines": chosen, "partial": partial},
            now=now,
        )
        log_action(
            actor,
            "service.authorized",
            service,
            {
                "authorization_number": number,
                "amount": amount,
                "lines": len(chosen),
                "of": len(lines),
            },
            now=now,
        )
        schedule_deadline_reminder(service)
    return service


def schedule_deadline_reminder(service: ServiceRequest) -> None:
    """Queue the reminder run for the day it becomes due, so no cron is needed; the
    daily command remains a safety net. The run is idempotent, extra runs cost nothing."""
    from mantto.services.tasks import send_deadline_reminders_task

    closes = service.auth_window_closes()
    if closes is None:
        return
    when = closes - timedelta(days=settings.AUTH_REMINDER_DAYS)
    transaction.on_commit(lambda: send_deadline_reminders_task.using(run_after=when).enqueue())


def reject_service(actor, service: ServiceRequest, *, reason: str, now: datetime) -> ServiceRequest:
    """Step 05: the quote is rejected; the service ends here."""
    require_coordination(actor)
    reason = _text(reason, _("motivo del rechazo"))
    return _send_back(
        actor, service, State.REJECTED, "rejection_reason", reason, _("rechazar"), now=now
    )


def request_changes(actor, service: ServiceRequest, *, note: str, now: datetime) -> ServiceRequest:
    """Step 05: the quote goes back to the workshop with what to change."""
    require_coordination(actor)
    note = _text(note, _("cambios solicitados"))
    return _send_back(
        actor, service, State.CHANGES, "changes_note", note, _("pedir cambios"), now=now
    )


# The two ways a quote leaves review without an authorization differ only in these.
_SEND_BACK = {
    State.REJECTED: (ServiceEvent.Kind.REJECTED, "service.rejected", "reason"),
    State.CHANGES: (ServiceEvent.Kind.CHANGES, "service.changes_requested", "note"),
}


def _send_back(
    actor, service: ServiceRequest, state: str, field: str, text: str, verb: str, *, now: datetime
) -> ServiceRequest:
    kind, action, data_key = _SEND_BACK[state]
    with transaction.atomic():
        service = lock(service)
        if service.is_authorized:
            raise _already_authorized(service)
        if not service.can_review():
            raise state_error(service, verb)
        service.state = state
        setattr(service, field, text)
        service.save(update_fields=["state", field])
        event(service, kind, actor, text, now=now)
        queue_email(
            service.supplier.email,
            "service-reviewed",
            {"service": service, "rejected": state == State.REJECTED, "note": text},
            now=now,
        )
        log_action(actor, action, service, {data_key: text}, now=now)
    return service
