from __future__ import annotations

from datetime import timedelta

from mantto.core.errors import DomainError
from mantto.notifications.models import OutboxEmail
from mantto.services import services as svc
from mantto.services.models import ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase


class AssignWorkshopTestCase(ServiceTestCase):
    def test_it_assigns_and_emails_the_workshop(self):
        s = self.assigned()
        self.assertEqual(s.state, ServiceRequest.State.ASSIGNED)
        self.assertEqual(s.supplier, self.supplier)
        email = OutboxEmail.objects.get(kind="service-assigned")
        self.assertEqual(email.to, "taller@example.com")
        self.assertIn(s.ticket, email.subject)
        self.assertIn("ABC1234", email.subject)
        self.assertIn("Servicio de los 20,000 km", email.body_text)
        self.assertIn(f"/servicios/{s.code}/", email.body_text)
        self.assertIn("Servicio de los 20,000 km", email.body_html)
        self.assertIn(f"/servicios/{s.code}/", email.body_html)

    def test_it_refuses_a_workshop_without_the_service_type(self):
        s = self.requested(service_type="preventivo")
        with self.assertRaises(DomainError) as ctx:
            svc.assign_workshop(self.coordinador, s, self.other_supplier, now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-SUPPLIER")

    def test_it_reassigns_before_reception(self):
        s = self.assigned(service_type="correctivo")
        s = svc.assign_workshop(
            self.coordinador, s, self.other_supplier, now=NOW + timedelta(hours=1)
        )
        self.assertEqual(s.supplier, self.other_supplier)
        self.assertEqual(OutboxEmail.objects.filter(kind="service-assigned").count(), 2)

    def test_it_ignores_a_double_assignment(self):
        s = self.assigned()
        svc.assign_workshop(self.coordinador, s, self.supplier, now=NOW)
        self.assertEqual(OutboxEmail.objects.filter(kind="service-assigned").count(), 1)

    def test_it_refuses_to_reassign_after_reception(self):
        s = self.received()
        with self.assertRaises(DomainError) as ctx:
            svc.assign_workshop(self.coordinador, s, self.supplier, now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_workshop_users(self):
        s = self.requested()
        with self.assertRaises(DomainError) as ctx:
            svc.assign_workshop(self.owner, s, self.supplier, now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-ROLE")


class AssignViewTestCase(ServiceTestCase):
    def test_it_lists_workshops_by_service_type_and_zone(self):
        s = self.requested(service_type="correctivo")
        self.login(self.coordinador)
        r = self.client.get(f"/servicios/{s.code}/asignar/")
        self.assertContains(r, str(self.supplier))
        self.assertContains(r, str(self.other_supplier))
        r = self.client.get(f"/servicios/{s.code}/asignar/?zona=CDMX+Sur")
        self.assertNotContains(r, f'value="{self.supplier.code}"')
        self.assertContains(r, f'value="{self.other_supplier.code}"')

    def test_it_hides_workshops_without_the_type(self):
        s = self.requested(service_type="preventivo")
        self.login(self.coordinador)
        r = self.client.get(f"/servicios/{s.code}/asignar/")
        self.assertNotContains(r, f'value="{self.other_supplier.code}"')

    def test_it_assigns_by_post(self):
        s = self.requested()
        self.login(self.coordinador)
        r = self.client.post(f"/servicios/{s.code}/asignar/", {"supplier": self.supplier.code})
        self.assertRedirects(r, f"/servicios/{s.code}/")
        s.refresh_from_db()
        self.assertEqual(s.supplier, self.supplier)
