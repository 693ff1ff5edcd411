from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from mantto.core.errors import DomainError
from mantto.notifications.models import OutboxEmail
from mantto.services import delivery
from mantto.services.attachments import decode_signature
from mantto.services.models import Attachment, ServiceEvent, ServiceRequest, Survey
from mantto.services.tests.helpers import (
    NOW,
    ServiceTestCase,
    jpeg_bytes,
    png_bytes,
    png_data_url,
    upload,
)

LATER = NOW + timedelta(hours=4)


class ProgressTestCase(ServiceTestCase):
    def test_it_adds_progress_to_the_timeline(self):
        s = self.authorized()
        delivery.report_progress(self.colleague, s, note="Refacciones llegaron", now=LATER)
        ev = s.events.filter(kind=ServiceEvent.Kind.PROGRESS).get()
        self.assertEqual(ev.note, "Refacciones llegaron")
        self.assertEqual(ev.actor, self.colleague)

    def test_it_is_idempotent_per_form_token(self):
        s = self.authorized()
        token = uuid.uuid4()
        for _ in range(2):
            delivery.report_progress(self.owner, s, note="x", form_token=token, now=LATER)
        self.assertEqual(s.events.filter(kind=ServiceEvent.Kind.PROGRESS).count(), 1)

    def test_it_refuses_progress_before_authorization_or_after_finishing(self):
        for s in (self.quoted(), self.finished()):
            with self.assertRaises(DomainError) as ctx:
                delivery.report_progress(self.owner, s, note="x", now=LATER)
            self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_finishes_once(self):
        s = self.finished()
        self.assertEqual(s.state, ServiceRequest.State.FINISHED)
        with self.assertRaises(DomainError) as ctx:
            delivery.finish_service(self.owner, s, now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_another_workshop(self):
        s = self.authorized()
        with self.assertRaises(DomainError) as ctx:
            delivery.finish_service(self.outsider, s, now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-NOT-YOURS")


class DeliveryTestCase(ServiceTestCase):
    def test_it_delivers_with_a_drawn_signature_and_sends_the_survey(self):
        s = self.delivered()
        self.assertEqual(s.state, ServiceRequest.State.DELIVERED)
        self.assertEqual(s.delivered_to, "Daniel Conductor")
        sig = Attachment.objects.get(kind=Attachment.Kind.SIGNATURE)
        self.assertEqual(sig.content_type, "image/png")
        self.assertTrue(sig.file.name.endswith(".png"))
        survey = Survey.objects.get(service=s)
        self.assertEqual(survey.sent_to, "daniel@cliente.example.com")
        email = OutboxEmail.objects.get(kind="service-survey")
        self.assertEqual(email.to, "daniel@cliente.example.com")
        self.assertIn("ABC1234", email.subject)
        self.assertIn("/encuesta/", email.body_text)
        self.assertIn("/encuesta/", email.body_html)
        self.assertIn("una sola vez", email.body_html)
        # Only the token's hash is stored.
        token = email.body_text.split("/encuesta/")[1].split("/")[0]
        self.assertEqual(survey.token_hash, Survey.hash_token(token))
        self.assertNotIn(token, survey.token_hash)

    def test_it_accepts_an_uploaded_signed_order(self):
        s = self.finished()
        delivery.deliver_service(
            self.owner,
            s,
            received_by="Daniel",
            signed_order=upload("orden.pdf", b"%PDF-1.4 ...", "application/pdf"),
            now=LATER,
        )
        self.assertEqual(Attachment.objects.get().kind, Attachment.Kind.SIGNED_ORDER)

    def test_it_requires_a_signature(self):
        s = self.finished()
        with self.assertRaises(DomainError) as ctx:
            delivery.deliver_service(self.owner, s, received_by="Daniel", now=LATER)
        self.assertEqual(ctx.exception.code, "MANTTO-SIGN-MISSING")

    def test_it_refuses_delivery_before_finishing_or_twice(self):
        for s in (self.authorized(), self.delivered()):
            with self.assertRaises(DomainError) as ctx:
                delivery.deliver_service(
                    self.owner, s, received_by="D", signature=png_data_url(), now=LATER
                )
            self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")
        self.assertEqual(Survey.objects.count(), 1)

    def test_it_does_not_fail_without_a_driver_email(self):
        self.driver.email = ""
        self.driver.save()
        s = self.delivered()
        self.assertTrue(Survey.objects.filter(service=s).exists())
        self.assertFalse(OutboxEmail.objects.filter(kind="service-survey").exists())


class SignatureTestCase(ServiceTestCase):
    def test_it_accepts_a_real_png(self):
        self.assertTrue(decode_signature(png_data_url()).startswith(b"\x89PNG"))

    def test_it_refuses_what_is_not_a_bounded_png(self):
        jpeg = "data:image/png;base64," + base64.b64encode(jpeg_bytes()).decode()
        truncated = "data:image/png;base64," + base64.b64encode(png_bytes()[:40]).decode()
        bad = [
            "",
            "hola",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/png;base64,@@@@",
            jpeg,
            truncated,
            png_data_url((3000, 50)),  # too wide
            png_data_url((10, 10)),  # too small to be a signature
        ]
        for value in bad:
            with self.subTest(value=value[:40]), self.assertRaises(DomainError) as ctx:
                decode_signature(value)
            self.assertEqual(ctx.exception.code, "MANTTO-SIGN-INVALID")

    def test_it_refuses_a_huge_payload(self):
        with self.settings(SIGNATURE_MAX_KB=1), self.assertRaises(DomainError):
            decode_signature("data:image/png;base64," + "A" * 5000)


class DeliveryViewTestCase(ServiceTestCase):
    def test_it_records_the_delivery_from_the_phone_page(self):
        s = self.finished()
        self.login(self.colleague)
        r = self.client.get(f"/servicios/{s.code}/entrega/")
        self.assertContains(r, "signature-pad")
        self.assertContains(r, "js/signature.js")
        r = self.client.post(
            f"/servicios/{s.code}/entrega/",
            {"received_by": "Daniel Conductor", "signature": png_data_url()},
        )
        self.assertRedirects(r, f"/servicios/{s.code}/")
        r = self.client.get(f"/servicios/{s.code}/")
        self.assertContains(r, "Entregado a Daniel Conductor")
        self.assertContains(r, "Encuesta enviada")

    def test_it_shows_a_bad_signature_error(self):
        s = self.finished()
        self.login(self.owner)
        r = self.client.post(
            f"/servicios/{s.code}/entrega/", {"received_by": "D", "signature": "data:x"}
        )
        self.assertContains(r, "La firma no es válida")

    def test_progress_and_finish_views(self):
        s = self.authorized()
        self.login(self.owner)
        token = str(uuid.uuid4())
        for _ in range(2):
            self.client.post(
                f"/servicios/{s.code}/avance/", {"note": "Desarmado", "form_token": token}
            )
        self.assertEqual(s.events.filter(kind="avance").count(), 1)
        self.client.post(f"/servicios/{s.code}/terminar/")
        s.refresh_from_db()
        self.assertEqual(s.state, "terminado")
        r = self.client.post(f"/servicios/{s.code}/terminar/", follow=True)
        self.assertContains(r, "No se puede marcar como terminado")

    def test_another_workshop_gets_404(self):
        s = self.finished()
        self.login(self.outsider)
        for url in ("entrega/", "avance/", "terminar/"):
            r = self.client.post(f"/servicios/{s.code}/{url}", {"note": "x", "received_by": "x"})
            self.assertEqual(r.status_code, 404, url)

    def test_attachments_are_served_only_to_their_workshop_and_staff(self):
        s = self.delivered()
        sig = Attachment.objects.get()
        url = f"/adjuntos/{sig.code}/"
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.colleague, self.coordinador):
            self.login(user)
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r["Content-Type"], "image/png")
            self.assertEqual(b"".join(r.streaming_content)[:4], b"\x89PNG")
        self.assertIn(s.ticket, r["Content-Disposition"])
