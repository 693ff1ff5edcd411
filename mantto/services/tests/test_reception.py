from __future__ import annotations

from datetime import timedelta

from mantto.core.errors import DomainError
from mantto.services import services as svc
from mantto.services.models import Attachment, ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase, jpeg_bytes, upload


class ReceptionTestCase(ServiceTestCase):
    def test_it_confirms_the_reception_and_updates_the_odometer(self):
        s = self.received()
        self.assertEqual(s.state, ServiceRequest.State.RECEIVED)
        self.assertEqual(s.received_odometer, 20150)
        self.vehicle.refresh_from_db()
        self.assertEqual(self.vehicle.odometer, 20150)

    def test_it_stores_a_photo_under_a_random_name(self):
        s = self.assigned()
        t = NOW + timedelta(hours=1)
        svc.confirm_reception(
            self.owner,
            s,
            received_at=t,
            odometer=20200,
            photo=upload("mi coche.jpg", jpeg_bytes()),
            now=t,
        )
        att = Attachment.objects.get()
        self.assertEqual(att.kind, Attachment.Kind.RECEPTION)
        self.assertEqual(att.content_type, "image/jpeg")
        self.assertNotIn("coche", att.file.name)
        self.assertRegex(att.file.name, r"^servicios/[0-9a-f]{2}/[0-9a-f]{32}\.jpg$")
        self.assertEqual(len(att.sha256), 64)

    def test_it_refuses_a_photo_that_is_not_an_image(self):
        s = self.assigned()
        t = NOW + timedelta(hours=1)
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(
                self.owner,
                s,
                received_at=t,
                odometer=20200,
                photo=upload("foto.jpg", b"MZ\x90\x00 not a photo"),
                now=t,
            )
        self.assertEqual(ctx.exception.code, "MANTTO-FILE-TYPE")
        s.refresh_from_db()
        self.assertEqual(s.state, ServiceRequest.State.ASSIGNED)

    def test_it_refuses_a_lower_odometer(self):
        s = self.assigned()
        t = NOW + timedelta(hours=1)
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(self.owner, s, received_at=t, odometer=19000, now=t)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-ODOMETER")

    def test_it_refuses_a_future_date(self):
        s = self.assigned()
        with self.assertRaises(DomainError):
            svc.confirm_reception(
                self.owner, s, received_at=NOW + timedelta(days=1), odometer=20200, now=NOW
            )

    def test_it_refuses_to_receive_twice(self):
        s = self.received()
        t = NOW + timedelta(hours=2)
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(self.owner, s, received_at=t, odometer=20200, now=t)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_before_assignment(self):
        s = self.requested()
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(self.coordinador, s, received_at=NOW, odometer=20200, now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_another_workshop(self):
        s = self.assigned()
        t = NOW + timedelta(hours=1)
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(self.outsider, s, received_at=t, odometer=20200, now=t)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-NOT-YOURS")

    def test_it_refuses_finance(self):
        s = self.assigned()
        t = NOW + timedelta(hours=1)
        with self.assertRaises(DomainError) as ctx:
            svc.confirm_reception(self.finanzas, s, received_at=t, odometer=20200, now=t)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-ROLE")


class ReceptionViewTestCase(ServiceTestCase):
    def test_it_confirms_from_the_detail_page(self):
        s = self.assigned()
        self.login(self.colleague)
        r = self.client.get(f"/servicios/{s.code}/")
        self.assertContains(r, "Confirmar recepción")
        r = self.client.post(
            f"/servicios/{s.code}/recepcion/",
            {"received_at": "2026-03-10T12:30", "odometer": "20300"},
        )
        self.assertRedirects(r, f"/servicios/{s.code}/")
        s.refresh_from_db()
        self.assertEqual(s.state, ServiceRequest.State.RECEIVED)

    def test_it_shows_the_error_message(self):
        s = self.assigned()
        self.login(self.owner)
        r = self.client.post(
            f"/servicios/{s.code}/recepcion/",
            {"received_at": "2026-03-10T12:30", "odometer": "100"},
            follow=True,
        )
        self.assertContains(r, "es menor que la última lectura")

    def test_it_is_404_for_another_workshop(self):
        s = self.assigned()
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/servicios/{s.code}/").status_code, 404)
        r = self.client.post(
            f"/servicios/{s.code}/recepcion/",
            {"received_at": "2026-03-10T12:30", "odometer": "20300"},
        )
        self.assertEqual(r.status_code, 404)
        s.refresh_from_db()
        self.assertEqual(s.state, ServiceRequest.State.ASSIGNED)
