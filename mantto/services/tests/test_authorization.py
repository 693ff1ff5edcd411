from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from mantto.audit.models import AuditEntry
from mantto.core.errors import DomainError
from mantto.notifications.models import OutboxEmail
from mantto.services import authorization as auth
from mantto.services import services as svc
from mantto.services.models import AUTHORIZATION_START, ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase

LATER = NOW + timedelta(hours=3)


class AuthorizeTestCase(ServiceTestCase):
    def test_it_authorizes_every_line_with_an_8_digit_number(self):
        s = self.quoted()
        s = auth.authorize_service(self.coordinador, s, now=LATER)
        self.assertEqual(s.state, ServiceRequest.State.AUTHORIZED)
        self.assertEqual(s.authorization_number, AUTHORIZATION_START)
        self.assertGreaterEqual(len(str(s.authorization_number)), 8)
        self.assertEqual(s.authorized_at, LATER)
        # (4 × 185 + 650) × 1.16
        self.assertEqual(s.authorized_amount, Decimal("1612.40"))
        self.assertEqual(s.authorized_by, self.coordinador)
        self.assertEqual(s.authorized_lines().count(), 2)
        self.assertEqual(s.authorized_totals()["total"], Decimal("1612.40"))
        entry = AuditEntry.objects.get(action="service.authorized")
        self.assertEqual(entry.data["authorization_number"], s.authorization_number)
        self.assertEqual(entry.data["amount"], "1612.40")
        self.assertEqual(entry.supplier_id, self.supplier.pk)

    def test_it_schedules_the_deadline_reminder(self):
        from django_tasks import default_task_backend

        default_task_backend.clear()
        s = self.quoted()
        with self.captureOnCommitCallbacks(execute=True):
            s = auth.authorize_service(self.coordinador, s, now=LATER)
        [result] = [
            r for r in default_task_backend.results if "send_deadline_reminders" in r.task.name
        ]
        # Authorized 10/03/2026 15:00 in Mexico City: last day 09/04, the window closes
        # at 10/04 00:00; the reminder runs AUTH_REMINDER_DAYS (5) before: 05/04 00:00.
        run_after = result.task.run_after.astimezone(ZoneInfo("America/Mexico_City"))
        self.assertEqual(run_after.replace(tzinfo=None), datetime(2026, 4, 5, 0, 0))

    def test_it_numbers_authorizations_in_sequence(self):
        a = self.authorized()
        b = self.authorized()
        self.assertEqual(b.authorization_number, a.authorization_number + 1)

    def test_it_emails_the_numbers_to_the_workshop(self):
        s = self.authorized()
        email = OutboxEmail.objects.get(kind="service-authorized")
        self.assertEqual(email.to, "taller@example.com")
        self.assertIn(str(s.authorization_number), email.subject)
        self.assertIn(s.ticket, email.subject)
        for body in (email.body_text, email.body_html):
            self.assertIn(str(s.authorization_number), body)
            self.assertIn(s.ticket, body)
            self.assertIn("$1,612.40", body)
            self.assertIn("09/04/2026", body)  # last day to invoice (R1)

    def test_it_authorizes_some_lines_only(self):
        s = self.quoted()
        labour = s.lines.get(kind="mano_obra")
        s = auth.authorize_service(self.coordinador, s, line_codes=[labour.code], now=LATER)
        self.assertEqual(list(s.authorized_lines()), [labour])
        self.assertEqual(s.authorized_amount, Decimal("754.00"))
        self.assertIn(
            "parte de la cotización", OutboxEmail.objects.get(kind="service-authorized").body_text
        )

    def test_it_refuses_no_lines_or_foreign_lines(self):
        s = self.quoted()
        other = self.quoted()
        for codes in ([], [other.lines.first().code]):
            with self.assertRaises(DomainError) as ctx:
                auth.authorize_service(self.coordinador, s, line_codes=codes, now=LATER)
            self.assertEqual(ctx.exception.code, "MANTTO-AUT-LINES")

    def test_it_refuses_to_authorize_twice(self):
        s = self.quoted()
        stale = ServiceRequest.objects.get(pk=s.pk)
        auth.authorize_service(self.coordinador, s, now=LATER)
        with self.assertRaises(DomainError) as ctx:
            auth.authorize_service(self.admin, stale, now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-AUT-TWICE")
        self.assertIn("ya fue autorizado con el número 10000001", ctx.exception.message)
        self.assertEqual(AuditEntry.objects.filter(action="service.authorized").count(), 1)

    def test_it_refuses_before_the_quote(self):
        s = self.received()
        with self.assertRaises(DomainError) as ctx:
            auth.authorize_service(self.coordinador, s, now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_workshops_and_finance(self):
        s = self.quoted()
        for user in (self.owner, self.finanzas):
            with self.assertRaises(DomainError) as ctx:
                auth.authorize_service(user, s, now=LATER)
            self.assertEqual(ctx.exception.code, "MANTTO-SRV-ROLE")

    def test_it_rejects_with_a_reason(self):
        s = self.quoted()
        with self.assertRaises(DomainError):
            auth.reject_service(self.coordinador, s, reason=" ", now=LATER)
        s = auth.reject_service(self.coordinador, s, reason="Precio excesivo", now=LATER)
        self.assertEqual(s.state, ServiceRequest.State.REJECTED)
        self.assertIsNone(s.authorization_number)
        self.assertEqual(s.authorized_lines().count(), 0)
        email = OutboxEmail.objects.get(kind="service-reviewed")
        self.assertIn("rechazada", email.subject)
        self.assertIn("Precio excesivo", email.body_text)
        self.assertIn("Precio excesivo", email.body_html)
        with self.assertRaises(DomainError) as ctx:
            auth.authorize_service(self.coordinador, s, now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_sends_back_for_changes_and_authorizes_the_new_quote(self):
        s = self.quoted()
        s = auth.request_changes(self.coordinador, s, note="Cotiza aceite genérico", now=LATER)
        self.assertEqual(s.state, ServiceRequest.State.CHANGES)
        email = OutboxEmail.objects.get(kind="service-reviewed")
        self.assertIn("Cambios solicitados", email.subject)
        self.assertIn("Cotiza aceite genérico", email.body_html)
        svc.remove_quote_line(self.owner, s.lines.first(), now=LATER)
        s = svc.submit_quote(self.owner, s, diagnosis="Ajustado", now=LATER)
        s = auth.authorize_service(self.coordinador, s, now=LATER + timedelta(hours=1))
        self.assertEqual(s.authorized_amount, Decimal("754.00"))

    def test_it_refuses_rejecting_or_changes_after_authorization(self):
        s = self.authorized()
        for fn, kw in (
            (auth.reject_service, {"reason": "x"}),
            (auth.request_changes, {"note": "x"}),
        ):
            with self.assertRaises(DomainError) as ctx:
                fn(self.coordinador, s, now=LATER, **kw)
            self.assertEqual(ctx.exception.code, "MANTTO-AUT-TWICE")

    def test_the_database_refuses_six_digit_numbers(self):
        s = self.quoted()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ServiceRequest.objects.filter(pk=s.pk).update(authorization_number=123456)

    def test_the_database_refuses_authorized_without_number(self):
        s = self.quoted()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ServiceRequest.objects.filter(pk=s.pk).update(state="autorizado")


class AuthorizeViewTestCase(ServiceTestCase):
    def test_it_authorizes_the_checked_lines(self):
        s = self.quoted()
        self.login(self.coordinador)
        codes = [str(c) for c in s.lines.values_list("code", flat=True)]
        r = self.client.post(f"/servicios/{s.code}/autorizar/", {"lines": codes})
        self.assertRedirects(r, f"/servicios/{s.code}/")
        r = self.client.get(f"/servicios/{s.code}/")
        self.assertContains(r, "10000001")
        self.assertContains(r, "$1,612.40")
        self.assertContains(r, "Quedan")
        # A second click on the same button: refused with a message, nothing changes.
        r = self.client.post(f"/servicios/{s.code}/autorizar/", {"lines": codes}, follow=True)
        self.assertContains(r, "ya fue autorizado con el número 10000001")

    def test_it_rejects_and_requests_changes(self):
        a, b = self.quoted(), self.quoted()
        self.login(self.coordinador)
        r = self.client.post(f"/servicios/{a.code}/rechazar/", {"reason": "No procede"})
        self.assertRedirects(r, f"/servicios/{a.code}/")
        r = self.client.post(f"/servicios/{b.code}/pedir-cambios/", {"reason": "Desglosa"})
        self.assertRedirects(r, f"/servicios/{b.code}/")
        a.refresh_from_db()
        b.refresh_from_db()
        self.assertEqual((a.state, b.state), ("rechazado", "cambios"))

    def test_it_needs_a_reason(self):
        s = self.quoted()
        self.login(self.coordinador)
        r = self.client.post(f"/servicios/{s.code}/rechazar/", {"reason": ""}, follow=True)
        self.assertContains(r, "Este campo es obligatorio")
        s.refresh_from_db()
        self.assertEqual(s.state, "cotizado")

    def test_workshops_cannot_authorize(self):
        s = self.quoted()
        self.login(self.owner)
        self.assertEqual(self.client.post(f"/servicios/{s.code}/autorizar/").status_code, 403)
        self.assertEqual(self.client.get(f"/servicios/{s.code}/revisar/").status_code, 403)

    def test_the_queue_lists_oldest_quotes_first(self):
        a = self.quoted(now=NOW)
        b = self.quoted(now=NOW - timedelta(days=2))
        self.login(self.coordinador)
        r = self.client.get("/autorizaciones/")
        html = r.content.decode()
        self.assertLess(html.index(b.ticket), html.index(a.ticket))

    def test_it_searches_by_ticket_authorization_and_plate(self):
        s = self.authorized()
        other = self.requested()
        self.login(self.coordinador)
        for q in (s.ticket, str(s.authorization_number)):
            r = self.client.get(f"/servicios/?q={q}")
            self.assertContains(r, s.ticket)
            self.assertNotContains(r, other.ticket)
        r = self.client.get("/servicios/?q=abc1234")
        self.assertContains(r, other.ticket)
        r = self.client.get("/servicios/?estado=autorizado")
        self.assertContains(r, s.ticket)
        self.assertNotContains(r, other.ticket)
