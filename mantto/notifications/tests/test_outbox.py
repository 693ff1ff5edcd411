"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.core.mail import get_connection
from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from mantto.accounts.models import User
from mantto.notifications.models import OutboxEmail
from mantto.notifications.services import flush_outbox, queue_email, send_outbox_email


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_connection(port: int):
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=port,
        use_tls=False,
        timeout=5,
    )


@override_settings(OUTBOX_MAX_ATTEMPTS=3)
class OutboxTestCase(TestCase):
    def setUp(self) -> None:
        self.port = _free_port()
        self.user = User(email="alice@example.org", name="Alice Owner")

    def queue(self) -> OutboxEmail:
        return queue_email(
            "alice@example.org",
            "login-key",
            {"user": self.user, "key": "ABCDE23456", "minutes": 15},
        )

    def test_it_renders_subject_text_and_html(self):
        email = self.queue()
        self.assertIn("ABCDE23456", email.subject)
        self.assertIn("Hola, Alice", email.body_text)
        self.assertIn("ABCDE23456", email.body_text)
        self.assertIn("<p", email.body_html)
        self.assertIn("ABCDE23456", email.body_html)
        self.assertEqual(email.status, OutboxEmail.Status.QUEUED)

    def test_it_keeps_the_email_when_smtp_is_down_and_sends_it_later(self):
        email = self.queue()
        # Nothing listens on the port yet: connection refused.
        sent = send_outbox_email(email.code, connection=smtp_connection(self.port))
        self.assertFalse(sent)
        email.refresh_from_db()
        self.assertEqual(email.status, OutboxEmail.Status.QUEUED)
        self.assertEqual(email.attempts, 1)
        self.assertIn("Connection", email.last_error)
        self.assertGreater(email.next_attempt, timezone.now())

        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        try:
            # Not due yet: the back-off is respected.
            self.assertEqual(flush_outbox(connection=smtp_connection(self.port)), 0)
            later = timezone.now() + timedelta(minutes=5)
            self.assertEqual(flush_outbox(now=later, connection=smtp_connection(self.port)), 1)
        finally:
            controller.stop()
        email.refresh_from_db()
        self.assertEqual(email.status, OutboxEmail.Status.SENT)
        self.assertEqual(email.attempts, 2)
        self.assertEqual(email.last_error, "")
        self.assertEqual(len(inbox.messages), 1)
        envelope = inbox.messages[0]
        self.assertEqual(envelope.rcpt_tos, ["alice@example.org"])
        raw = envelope.content.decode()
        self.assertIn("multipart/alternative", raw)
        self.assertIn("text/html", raw)

    def test_it_marks_the_email_failed_after_max_attempts(self):
        email = self.queue()
        now = timezone.now()
        for i in range(3):
            send_outbox_email(
                email.code, now=now + timedelta(hours=3 * i), connection=smtp_connection(self.port)
            )
        email.refresh_from_db()
        self.assertEqual(email.status, OutboxEmail.Status.FAILED)
        self.assertEqual(email.attempts, 3)
        self.assertTrue(email.last_error)

    def test_it_never_sends_twice(self):
        email = self.queue()
        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        try:
            self.assertTrue(send_outbox_email(email.code, connection=smtp_connection(self.port)))
            self.assertFalse(send_outbox_email(email.code, connection=smtp_connection(self.port)))
        finally:
            controller.stop()
        self.assertEqual(len(inbox.messages), 1)

    def test_it_drops_the_email_when_the_change_rolls_back(self):
        try:
            with transaction.atomic():
                self.queue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        self.assertEqual(OutboxEmail.objects.count(), 0)

    def test_it_recovers_rows_stuck_in_sending(self):
        email = self.queue()
        OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.SENDING)
        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        try:
            later = timezone.now() + timedelta(minutes=11)
            self.assertEqual(flush_outbox(now=later, connection=smtp_connection(self.port)), 1)
        finally:
            controller.stop()
        email.refresh_from_db()
        self.assertEqual(email.status, OutboxEmail.Status.SENT)


class WorkerTestCase(TransactionTestCase):
    # The worker opens and closes its own transactions, as in production.
    def test_it_is_delivered_by_the_database_worker(self):
        from django.core import mail
        from django.core.management import call_command

        tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with self.settings(TASKS=tasks):
            email = queue_email(
                "alice@example.org",
                "login-key",
                {"user": User(name="Alice"), "key": "ABCDE23456", "minutes": 15},
            )
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        email.refresh_from_db()
        self.assertEqual(email.status, OutboxEmail.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("ABCDE23456", mail.outbox[0].subject)
