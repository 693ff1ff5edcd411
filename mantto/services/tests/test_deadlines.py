"""R1 (30-day authorization window) and R2 (invoice within 24 h of delivery)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from mantto.notifications.models import OutboxEmail
from mantto.services.delivery import send_deadline_reminders
from mantto.services.models import ServiceEvent, ServiceRequest
from mantto.services.tasks import send_deadline_reminders_task
from mantto.services.tests.helpers import NOW, ServiceTestCase

MX = ZoneInfo("America/Mexico_City")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=MX)


class WindowArithmeticTestCase(ServiceTestCase):
    def svc(self, authorized_at=None, delivered_at=None) -> ServiceRequest:
        return ServiceRequest(authorized_at=authorized_at, delivered_at=delivered_at)

    def test_it_counts_30_calendar_days_from_the_local_authorization_date(self):
        s = self.svc(at(2026, 3, 10, 9, 15))
        self.assertEqual(s.auth_last_day(), date(2026, 4, 9))
        self.assertEqual(s.auth_window_closes(), at(2026, 4, 10, 0, 0))
        self.assertTrue(s.auth_window_open(at(2026, 4, 9, 23, 59, 59)))
        self.assertFalse(s.auth_window_open(at(2026, 4, 10, 0, 0)))

    def test_it_crosses_month_ends(self):
        cases = [
            (at(2026, 1, 31, 23, 30), date(2026, 3, 2)),  # February has 28 days in 2026
            (at(2028, 1, 31, 8, 0), date(2028, 3, 1)),  # leap year
            (at(2026, 12, 15, 10, 0), date(2027, 1, 14)),  # year end
            (at(2026, 4, 30, 10, 0), date(2026, 5, 30)),
        ]
        for authorized, last in cases:
            with self.subTest(authorized=authorized):
                self.assertEqual(self.svc(authorized).auth_last_day(), last)

    def test_it_uses_the_mexico_city_date_not_utc(self):
        # 01/02/2026 05:30 UTC is still 31/01/2026 23:30 in Mexico City (UTC−6).
        s = self.svc(datetime(2026, 2, 1, 5, 30, tzinfo=UTC))
        self.assertEqual(s.auth_last_day(), date(2026, 3, 2))
        # 06:30 UTC is already 01/02 local.
        s = self.svc(datetime(2026, 2, 1, 6, 30, tzinfo=UTC))
        self.assertEqual(s.auth_last_day(), date(2026, 3, 3))

    def test_it_ignores_the_old_daylight_saving_dates(self):
        # Mexico City dropped DST in 2022: early April is UTC−6 like the rest of the year.
        s = self.svc(datetime(2026, 4, 5, 5, 30, tzinfo=UTC))  # 04/04 23:30 local
        self.assertEqual(s.auth_last_day(), date(2026, 5, 4))
        self.assertEqual(s.auth_window_closes(), datetime(2026, 5, 5, 6, 0, tzinfo=UTC))

    def test_it_counts_days_left(self):
        s = self.svc(at(2026, 3, 10, 9, 15))
        self.assertEqual(s.days_left_to_invoice(at(2026, 3, 10, 20, 0)), 30)
        self.assertEqual(s.days_left_to_invoice(at(2026, 4, 8, 23, 59)), 1)
        self.assertEqual(s.days_left_to_invoice(at(2026, 4, 9, 0, 1)), 0)
        self.assertEqual(s.days_left_to_invoice(at(2026, 4, 10, 0, 0)), -1)
        # 10/04 00:30 local is 06:30 UTC; a UTC date would be wrong at 05:30 UTC.
        self.assertEqual(s.days_left_to_invoice(datetime(2026, 4, 10, 5, 30, tzinfo=UTC)), 0)

    def test_it_is_none_before_authorization(self):
        s = self.svc()
        self.assertIsNone(s.auth_last_day())
        self.assertIsNone(s.days_left_to_invoice(NOW))
        self.assertFalse(s.auth_window_open(NOW))

    def test_the_invoice_is_due_24_hours_after_delivery(self):
        s = self.svc(delivered_at=at(2026, 2, 28, 18, 45))
        self.assertEqual(s.invoice_due(), at(2026, 3, 1, 18, 45))
        self.assertFalse(s.is_invoice_late(at(2026, 3, 1, 18, 45)))
        self.assertTrue(s.is_invoice_late(at(2026, 3, 1, 18, 46)))
        self.assertIsNone(self.svc().invoice_due())
        self.assertFalse(self.svc().is_invoice_late(NOW))

    def test_the_detail_page_says_how_many_days_are_left(self):
        s = self.delivered()
        self.login(self.owner)
        import time_machine

        with time_machine.travel(NOW + timedelta(days=25), tick=False):
            r = self.client.get(f"/servicios/{s.code}/")
        self.assertContains(r, "Quedan 5 días para facturar")
        self.assertContains(r, "09/04/2026")
        self.assertContains(r, "24 h después de la entrega")


class ReminderTestCase(ServiceTestCase):
    def test_it_reminds_once_when_the_window_is_about_to_close(self):
        s = self.delivered()  # authorized 10/03 ⇒ last day 09/04
        self.assertEqual(send_deadline_reminders(at(2026, 4, 3, 9, 0)), 0)  # 6 days left
        self.assertEqual(send_deadline_reminders(at(2026, 4, 4, 9, 0)), 1)  # 5 days left
        self.assertEqual(send_deadline_reminders(at(2026, 4, 4, 9, 5)), 0)
        self.assertEqual(send_deadline_reminders(at(2026, 4, 8, 9, 0)), 0)
        email = OutboxEmail.objects.get(kind="service-deadline")
        self.assertEqual(email.to, "taller@example.com")
        self.assertIn("Quedan 5 días para facturar", email.subject)
        self.assertIn(str(s.authorization_number), email.subject)
        for body in (email.body_text, email.body_html):
            self.assertIn("09/04/2026", body)
            self.assertIn(s.ticket, body)
            self.assertIn("$1,612.40", body)
        self.assertTrue(s.events.filter(kind=ServiceEvent.Kind.REMINDER).exists())

    def test_it_skips_invoiced_and_expired_services(self):
        invoiced = self.delivered()
        ServiceRequest.objects.filter(pk=invoiced.pk).update(invoice_accepted_at=NOW)
        self.assertEqual(send_deadline_reminders(at(2026, 4, 6, 9, 0)), 0)
        ServiceRequest.objects.filter(pk=invoiced.pk).update(invoice_accepted_at=None)
        self.assertEqual(send_deadline_reminders(at(2026, 4, 10, 0, 1)), 0)  # closed

    def test_it_honours_the_setting(self):
        self.authorized()
        with self.settings(AUTH_REMINDER_DAYS=10):
            self.assertEqual(send_deadline_reminders(at(2026, 3, 30, 9, 0)), 1)

    def test_the_command_and_the_task_run_it(self):
        self.authorized(now=datetime.now(UTC) - timedelta(days=27))
        out = StringIO()
        call_command("send_deadline_reminders", stdout=out)
        self.assertIn("Recordatorios enviados: 1", out.getvalue())
        self.assertEqual(send_deadline_reminders_task.call(), 0)  # already reminded
