"""State changes of seed steps 06–07 (progress, delivery with signature, survey) and the
R1 reminder. Same rules and error codes as services.py, plus:

- MANTTO-SIGN-INVALID   the drawn signature is not a real PNG of bounded size
- MANTTO-SIGN-MISSING   neither a signature nor a signed service order
- MANTTO-SURVEY-LINK    the survey link is unknown
- MANTTO-SURVEY-DONE    the survey was already answered
- MANTTO-SURVEY-VALUE   a score outside 1–5
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.notifications.services import queue_email
from mantto.services import attachments
from mantto.services.models import Attachment, ServiceEvent, ServiceRequest, Survey
from mantto.services.services import _text, event, lock, require_workshop, state_error

State = ServiceRequest.State


def report_progress(
    actor,
    service: ServiceRequest,
    *,
    note: str,
    photo=None,
    form_token: uuid.UUID | None = None,
    now: datetime,
) -> ServiceEvent:
    """Step 06: one progress update on the timeline (optionally with a photo)."""
    note = _text(note, _("avance"), 1000)
    photo_data = attachments.read_upload(photo) if photo else None
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if form_token and (existing := ServiceEvent.objects.filter(form_token=form_token).first()):
            return existing
        if not service.can_report_progress():
            raise state_error(service, _("reportar avances"))
        ev = event(service, ServiceEvent.Kind.PROGRESS, actor, note, now=now, form_token=form_token)
        if photo_data:
            attachments.store(
                service,
                Attachment.Kind.PROGRESS,
                *photo_data,
                photo.name,
                actor=actor,
                now=now,
            )
        log_action(actor, "service.progress", service, {"note": note[:200]}, now=now)
    return ev


def finish_service(actor, service: ServiceRequest, *, now: datetime) -> ServiceRequest:
    """Step 06: the work is done; the vehicle is ready to be delivered."""
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if not service.can_finish():
            raise state_error(service, _("marcar como terminado"))
        service.state = State.FINISHED
        service.finished_at = now
        service.save(update_fields=["state", "finished_at"])
        event(service, ServiceEvent.Kind.FINISHED, actor, now=now)
        log_action(actor, "service.finished", service, now=now)
    return service


def deliver_service(
    actor,
    service: ServiceRequest,
    *,
    received_by: str,
    signature: str = "",
    signed_order=None,
    now: datetime,
) -> ServiceRequest:
    """Step 06–07: the driver takes the vehicle and signs (drawn on the phone, or an
    uploaded signed service order); the satisfaction survey is e-mailed to the driver.
    The R2 clock (invoice within 24 h) starts here."""
    received_by = _text(received_by, _("nombre de quien recibe"), 150)
    if signature:
        sig = (attachments.decode_signature(signature), "image/png", "firma.png")
        kind = Attachment.Kind.SIGNATURE
    elif signed_order:
        data, content_type = attachments.read_upload(signed_order)
        sig = (data, content_type, signed_order.name)
        kind = Attachment.Kind.SIGNED_ORDER
    else:
        raise DomainError(
            _(
                "Falta la firma del conductor: pídele que firme en la pantalla "
                "o sube la orden firmada."
            ),
            "MANTTO-SIGN-MISSING",
        )
    with transaction.atomic():
        service = lock(service)
        require_workshop(actor, service)
        if not service.can_deliver():
            raise state_error(service, _("registrar la entrega"))
        service.state = State.DELIVERED
        service.delivered_at = now
        service.delivered_to = received_by
        service.save(update_fields=["state", "delivered_at", "delivered_to"])
        att = attachments.store(service, kind, *sig, actor=actor, now=now)
        event(
            service,
            ServiceEvent.Kind.DELIVERED,
            actor,
            _("Recibió: %(name)s") % {"name": received_by},
            now=now,
        )
        log_action(
            actor,
            "service.delivered",
            service,
            {"received_by": received_by, "signature": att.sha256, "kind": kind},
            now=now,
        )
        send_survey(service, now=now)
    return service


def send_survey(service: ServiceRequest, *, now: datetime) -> str | None:
    """Step 07: one survey per service; returns the token (only ever in the e-mail)."""
    driver = service.driver
    if Survey.objects.filter(service=service).exists():
        return None
    token = secrets.token_urlsafe(32)
    Survey.objects.create(
        service=service,
        token_hash=Survey.hash_token(token),
        sent_to=driver.email if driver else "",
        created=now,
    )
    if driver and driver.email:
        queue_email(
            driver.email,
            "service-survey",
            {"service": service, "driver": driver, "url": f"{settings.SITE_URL}/encuesta/{token}/"},
            now=now,
        )
        log_action(None, "service.survey_sent", service, {"to": driver.email}, now=now)
    return token


def survey_for_token(token: str) -> Survey:
    survey = (
        Survey.objects.select_related("service__supplier", "service__vehicle")
        .filter(token_hash=Survey.hash_token(token or ""))
        .first()
    )
    if survey is None:
        raise DomainError(_("Este enlace de encuesta no es válido."), "MANTTO-SURVEY-LINK")
    return survey


def answer_survey(
    token: str, *, quality, timeliness, treatment, comment: str = "", now: datetime
) -> Survey:
    """The driver answers once; a second answer is refused."""
    scores = {}
    for name, value in (("quality", quality), ("timeliness", timeliness), ("treatment", treatment)):
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise DomainError(_("Califica cada pregunta del 1 al 5."), "MANTTO-SURVEY-VALUE")
        scores[name] = score
    comment = (comment or "").strip()[:2000]
    survey = survey_for_token(token)
    with transaction.atomic():
        # The conditional UPDATE is the guard: two simultaneous answers, one wins.
        answered = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
            answered_at=now, comment=comment, **scores
        )
        if not answered:
            raise DomainError(_("Esta encuesta ya fue respondida. ¡Gracias!"), "MANTTO-SURVEY-DONE")
        event(survey.service, ServiceEvent.Kind.SURVEY, None, "", now=now)
        log_action(None, "service.survey_answered", survey.service, scores, now=now)
    survey.refresh_from_db()
    return survey


# ---- R1 reminder ------------------------------------------------------------------
def reminder_candidates(now: datetime):
    """Authorized, not invoiced, window still open, not yet reminded."""
    return ServiceRequest.objects.filter(
        authorization_number__isnull=False,
        invoice_accepted_at__isnull=True,
        auth_reminder_sent_at__isnull=True,
        supplier__isnull=False,
        authorized_at__gte=now - timedelta(days=settings.AUTH_WINDOW_DAYS + 2),
    ).select_related("supplier", "vehicle")


def send_deadline_reminders(now: datetime) -> int:
    """E-mail each workshop about authorizations whose 30-day window closes within
    AUTH_REMINDER_DAYS. Idempotent: a service is reminded once (the conditional UPDATE of
    ``auth_reminder_sent_at`` claims it, so overlapping runs cannot both send)."""
    sent = 0
    for service in reminder_candidates(now):
        days = service.days_left_to_invoice(now)
        if days is None or days < 0 or days > settings.AUTH_REMINDER_DAYS:
            continue
        with transaction.atomic():
            claimed = ServiceRequest.objects.filter(
                pk=service.pk, auth_reminder_sent_at__isnull=True
            ).update(auth_reminder_sent_at=now)
            if not claimed:
                continue
            queue_email(
                service.supplier.email,
                "service-deadline",
                {"service": service, "days": days, "last_day": service.auth_last_day()},
                now=now,
            )
            event(service, ServiceEvent.Kind.REMINDER, None, str(days), now=now)
            log_action(None, "service.deadline_reminder", service, {"days_left": days}, now=now)
        sent += 1
    return sent
