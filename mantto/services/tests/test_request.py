from __future__ import annotations

import re
import uuid

from mantto.audit.models import AuditEntry
from mantto.core.errors import DomainError
from mantto.fleet.models import Client, Driver
from mantto.services import services as svc
from mantto.services.models import ServiceEvent, ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase


class RegisterRequestTestCase(ServiceTestCase):
    def test_it_registers_a_call_with_a_ticket_number(self):
        s = self.requested()
        self.assertRegex(s.ticket, r"^TKT-2026-\d{6}$")
        self.assertEqual(s.state, ServiceRequest.State.REQUESTED)
        self.assertEqual(s.client, self.client_co)
        self.assertEqual(s.cost_centre, self.cc)
        self.assertEqual(s.events.get().kind, ServiceEvent.Kind.REQUESTED)
        entry = AuditEntry.objects.get(action="service.requested")
        self.assertEqual(entry.data["ticket"], s.ticket)
        self.assertEqual(entry.actor, self.coordinador)

    def test_it_numbers_tickets_per_year_in_sequence(self):
        a = self.requested()
        b = self.requested()
        na, nb = (int(re.search(r"(\d{6})$", x.ticket).group(1)) for x in (a, b))
        self.assertEqual(nb, na + 1)

    def test_it_uses_the_mexico_city_year(self):
        # 2027-01-01 03:00 UTC is still 31/12/2026 in Mexico City.
        from datetime import UTC, datetime

        s = self.requested(now=datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
        self.assertTrue(s.ticket.startswith("TKT-2026-"))

    def test_it_is_idempotent_for_a_double_submission(self):
        token = uuid.uuid4()
        a = self.requested(form_token=token)
        b = self.requested(form_token=token)
        self.assertEqual(a.pk, b.pk)
        self.assertEqual(ServiceRequest.objects.count(), 1)

    def test_it_refuses_a_driver_of_another_client(self):
        other = Client.objects.create(name="Otro cliente")
        stranger = Driver.objects.create(client=other, name="Extraño")
        with self.assertRaises(DomainError) as ctx:
            self.requested(driver=stranger)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-INPUT")

    def test_it_refuses_a_negative_or_absurd_odometer(self):
        for km in (-1, 5_000_000, "mucho"):
            with self.assertRaises(DomainError):
                self.requested(odometer=km)

    def test_it_refuses_an_unknown_service_type(self):
        with self.assertRaises(DomainError) as ctx:
            self.requested(service_type="spa")
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-INPUT")

    def test_it_refuses_an_empty_symptom(self):
        with self.assertRaises(DomainError) as ctx:
            self.requested(symptom="   ")
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-INPUT")

    def test_it_refuses_a_workshop_user(self):
        with self.assertRaises(DomainError) as ctx:
            svc.register_request(
                self.owner,
                vehicle=self.vehicle,
                driver=None,
                service_type="preventivo",
                symptom="x",
                odometer=1,
                location="x",
                now=NOW,
            )
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-ROLE")


class NewRequestViewTestCase(ServiceTestCase):
    def test_it_searches_vehicles_by_plate_with_htmx(self):
        self.login(self.coordinador)
        r = self.client.get("/flota/buscar/?q=abc1", HTTP_HX_REQUEST="true")
        self.assertContains(r, "ABC1234")
        self.assertContains(r, f"?vehiculo={self.vehicle.code}")
        r = self.client.get("/flota/buscar/?q=3N1AB7AP5KY")
        self.assertContains(r, "ABC1234")

    def test_it_shows_the_form_for_a_chosen_vehicle(self):
        self.login(self.coordinador)
        r = self.client.get(f"/servicios/nueva/?vehiculo={self.vehicle.code}")
        self.assertContains(r, "Daniel Conductor")
        self.assertContains(r, "Registrar y asignar taller")

    def test_it_registers_and_goes_to_the_assignment(self):
        self.login(self.coordinador)
        token = str(uuid.uuid4())
        data = {
            "vehicle": self.vehicle.code,
            "driver": self.driver.code,
            "service_type": "preventivo",
            "symptom": "Ruido en suspensión",
            "odometer": "20500",
            "location": "Insurgentes 100",
            "form_token": token,
        }
        r = self.client.post("/servicios/nueva/", data)
        s = ServiceRequest.objects.get()
        self.assertRedirects(r, f"/servicios/{s.code}/asignar/")
        # The same form posted again does not create a second service.
        self.client.post("/servicios/nueva/", data)
        self.assertEqual(ServiceRequest.objects.count(), 1)

    def test_it_is_not_for_workshops(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/servicios/nueva/").status_code, 403)
