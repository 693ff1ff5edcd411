from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mantto.accounts.models import LoginKey, TokenBucket
from mantto.audit.models import AuditEntry
from mantto.core.testing import BaseTestCase
from mantto.notifications.models import OutboxEmail
from mantto.notifications.services import flush_outbox

LOGIN = "/ingresar/"


class LoginTestCase(BaseTestCase):
    def request_key(self, email: str = "alice@example.org", **extra):
        return self.client.post(LOGIN, {"step": "email", "email": email}, **extra)

    def sent_key(self) -> str:
        """Deliver the outbox through the real send path and read the key from the mail."""
        flush_outbox()
        body = mail.outbox[-1].body
        return re.search(r"^\s+([A-Z0-9]{10})\s*$", body, re.M).group(1)

    def submit_key(self, key: str, email: str = "alice@example.org"):
        return self.client.post(LOGIN, {"step": "key", "email": email, "key": key})

    def test_it_shows_the_email_form(self):
        r = self.client.get(LOGIN)
        self.assertContains(r, "Ingresar al portal")
        self.assertContains(r, "Llegará una llave de acceso a tu correo")

    def test_it_logs_in_with_the_emailed_key(self):
        r = self.request_key()
        self.assertContains(r, "Pega tu llave de acceso")
        key = self.sent_key()
        self.assertEqual(mail.outbox[-1].to, ["alice@example.org"])
        html = mail.outbox[-1].alternatives[0][0]
        self.assertIn(key, html)
        r = self.submit_key(key)
        self.assertRedirects(r, "/")
        r = self.client.get("/")
        self.assertContains(r, "Hola, Alice")
        self.assertContains(r, "Facturas a cobro")
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue({"login.key_sent", "login.success"} <= actions)

    def test_it_stores_only_a_hash_of_the_key(self):
        self.request_key()
        key = self.sent_key()
        stored = LoginKey.objects.get()
        self.assertNotIn(key, stored.key_hash)
        self.assertEqual(len(stored.key_hash), 64)

    def test_it_accepts_key_with_spaces_and_lowercase(self):
        self.request_key()
        key = self.sent_key()
        r = self.submit_key(f"  {key[:5].lower()} {key[5:]} ")
        self.assertRedirects(r, "/")

    def test_it_rejects_a_wrong_key(self):
        self.request_key()
        self.sent_key()
        r = self.submit_key("AAAAAAAAAA")
        self.assertContains(r, "no es válida, ya se usó o expiró")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(LoginKey.objects.get().failed_tries, 1)
        self.assertTrue(AuditEntry.objects.filter(action="login.failed").exists())

    def test_it_rejects_an_expired_key(self):
        self.request_key()
        key = self.sent_key()
        later = timezone.now() + timedelta(minutes=settings.LOGIN_KEY_MINUTES, seconds=1)
        with time_machine.travel(later, tick=False):
            r = self.submit_key(key)
        self.assertContains(r, "expiró")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_accepts_a_key_just_before_expiry(self):
        self.request_key()
        key = self.sent_key()
        later = timezone.now() + timedelta(minutes=settings.LOGIN_KEY_MINUTES - 1)
        with time_machine.travel(later, tick=False):
            r = self.submit_key(key)
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_it_rejects_a_reused_key(self):
        self.request_key()
        key = self.sent_key()
        self.submit_key(key)
        self.client.post("/salir/")
        r = self.submit_key(key)
        self.assertContains(r, "ya se usó")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_locks_the_key_after_five_wrong_tries(self):
        self.request_key()
        key = self.sent_key()
        for _ in range(4):
            self.submit_key("BBBBBBBBBB")
        r = self.submit_key("CCCCCCCCCC")
        self.assertContains(r, "Demasiados intentos con esta llave")
        # Even the right key no longer works.
        r = self.submit_key(key)
        self.assertContains(r, "no es válida")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AuditEntry.objects.filter(action="login.locked").exists())

    def test_it_answers_unknown_email_like_a_known_one(self):
        known = self.request_key("alice@example.org")
        unknown = self.request_key("nobody@example.org")
        self.assertEqual(known.status_code, unknown.status_code)
        strip = lambda r: re.sub(  # noqa: E731
            r"(alice|nobody)@example.org|csrfmiddlewaretoken\" value=\"[^\"]+\"|"
            r"X-CSRFToken\": \"[^\"]+\"",
            "",
            r.content.decode(),
        )
        self.assertEqual(strip(known), strip(unknown))
        self.assertEqual(OutboxEmail.objects.filter(to="nobody@example.org").count(), 0)
        self.assertTrue(AuditEntry.objects.filter(action="login.key_unknown_email").exists())

    def test_it_sends_no_key_to_an_inactive_user(self):
        self.owner.is_active = False
        self.owner.save()
        r = self.request_key()
        self.assertContains(r, "Pega tu llave de acceso")
        self.assertEqual(OutboxEmail.objects.count(), 0)

    def test_it_refuses_a_key_of_a_user_deactivated_afterwards(self):
        self.request_key()
        key = self.sent_key()
        self.owner.is_active = False
        self.owner.save()
        r = self.submit_key(key)
        self.assertContains(r, "no es válida")

    def test_it_ends_the_session_of_a_deactivated_user(self):
        self.login(self.owner)
        self.owner.is_active = False
        self.owner.save()
        r = self.client.get("/")
        self.assertRedirects(r, "/ingresar/?next=/")

    def test_it_rate_limits_key_requests_per_email(self):
        capacity = settings.RATELIMIT_KEY_PER_EMAIL[0]
        for _ in range(capacity):
            self.request_key()
        r = self.request_key()
        self.assertContains(r, "Demasiados intentos")
        self.assertEqual(LoginKey.objects.count(), capacity)

    def test_it_rate_limits_unknown_emails_the_same_way(self):
        capacity = settings.RATELIMIT_KEY_PER_EMAIL[0]
        for _ in range(capacity):
            self.request_key("nobody@example.org")
        r = self.request_key("nobody@example.org")
        self.assertContains(r, "Demasiados intentos")

    def test_it_rate_limits_key_requests_per_ip(self):
        capacity = settings.RATELIMIT_KEY_PER_IP[0]
        for i in range(capacity):
            self.request_key(f"user{i}@example.org", REMOTE_ADDR="10.9.8.7")
        r = self.request_key("alice@example.org", REMOTE_ADDR="10.9.8.7")
        self.assertContains(r, "Demasiados intentos")
        r = self.request_key("alice@example.org", REMOTE_ADDR="10.9.8.8")
        self.assertContains(r, "Pega tu llave de acceso")

    def test_it_refills_the_bucket_over_time(self):
        capacity = settings.RATELIMIT_KEY_PER_EMAIL[0]
        for _ in range(capacity + 1):
            self.request_key()
        later = timezone.now() + timedelta(hours=1)
        with time_machine.travel(later, tick=False):
            r = self.request_key()
        self.assertContains(r, "Pega tu llave de acceso")
        self.assertTrue(TokenBucket.objects.exists())

    def test_it_rate_limits_key_guesses_per_ip(self):
        capacity = settings.RATELIMIT_VERIFY_PER_IP[0]
        for _ in range(capacity):
            self.client.post(LOGIN, {"step": "key", "email": "x@example.org", "key": "ZZZZZZZZZZ"})
        r = self.submit_key("ZZZZZZZZZZ")
        self.assertContains(r, "Demasiados intentos")

    def test_it_logs_out_with_post_only(self):
        self.login(self.owner)
        r = self.client.get("/salir/")
        self.assertEqual(r.status_code, 405)
        r = self.client.post("/salir/")
        self.assertRedirects(r, LOGIN)
        r = self.client.get("/")
        self.assertRedirects(r, "/ingresar/?next=/")
        self.assertTrue(AuditEntry.objects.filter(action="logout").exists())

    def test_it_expires_idle_sessions(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/").status_code, 200)
        later = timezone.now() + timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=5)
        with time_machine.travel(later, tick=False):
            r = self.client.get("/")
        self.assertRedirects(r, "/ingresar/?next=/", fetch_redirect_response=False)

    def test_it_keeps_active_sessions_alive(self):
        self.login(self.owner)
        now = timezone.now()
        step = timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5)
        for i in range(1, 4):
            with time_machine.travel(now + step * i, tick=False):
                self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_follows_a_safe_next_url_only(self):
        self.request_key()
        key = self.sent_key()
        r = self.client.post(
            LOGIN,
            {
                "step": "key",
                "email": "alice@example.org",
                "key": key,
                "next": "https://evil.example/",
            },
        )
        self.assertRedirects(r, "/")

    def test_it_redirects_logged_in_users_from_the_login_page(self):
        self.login(self.owner)
        self.assertRedirects(self.client.get(reverse("accounts:login")), "/")
