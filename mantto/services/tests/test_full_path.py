"""Seed steps 01 → 07 through the screens, as the people in the seed would do them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import time_machine

from mantto.audit.models import AuditEntry
from mantto.notifications.models import OutboxEmail
from mantto.services.models import ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase, jpeg_bytes, png_data_url, upload


class FullPathTestCase(ServiceTestCase):
    def test_it_walks_from_the_call_to_the_survey(self):
        with time_machine.travel(NOW, tick=False) as clock:
            self.walk(clock)

    def walk(self, clock):
        # 01–02 The driver calls; the coordinator registers the call and assigns a workshop.
        self.login(self.coordinador)
        r = self.client.post(
            "/servicios/nueva/",
            {
                "vehicle": self.vehicle.code,
                "driver": self.driver.code,
                "service_type": "preventivo",
                "symptom": "Servicio de los 20,000 km",
                "odometer": "20100",
                "location": "Av. Reforma 1",
                "form_token": str(uuid.uuid4()),
            },
        )
        s = ServiceRequest.objects.get()
        self.client.post(f"/servicios/{s.code}/asignar/", {"supplier": self.supplier.code})
        self.assertTrue(OutboxEmail.objects.filter(kind="service-assigned").exists())

        # 03 The workshop receives the vehicle (with a photo).
        clock.shift(timedelta(hours=1))
        self.login(self.owner)
        r = self.client.get("/servicios/")
        self.assertContains(r, s.ticket)
        r = self.client.post(
            f"/servicios/{s.code}/recepcion/",
            {
                "received_at": "2026-03-10T12:30",
                "odometer": "20150",
                "photo": upload("foto.jpg", jpeg_bytes()),
            },
        )
        s.refresh_from_db()
        self.assertEqual(s.state, "recibido")

        # 04 Diagnosis and quote.
        for desc, price in (("Aceite 5W-30", "185.00"), ("Mano de obra", "650.00")):
            self.client.post(
                f"/servicios/{s.code}/cotizacion/",
                {
                    "line-kind": "refaccion",
                    "line-description": desc,
                    "line-quantity": "1",
                    "line-unit_price": price,
                    "line-iva_rate": "0.16",
                    "line-form_token": str(uuid.uuid4()),
                },
            )
        self.client.post(f"/servicios/{s.code}/cotizacion/enviar/", {"diagnosis": "Servicio"})
        s.refresh_from_db()
        self.assertEqual(s.state, "cotizado")

        # 05 The coordinator validates and authorizes.
        self.login(self.coordinador)
        r = self.client.get("/autorizaciones/")
        self.assertContains(r, s.ticket)
        r = self.client.get(f"/servicios/{s.code}/revisar/")
        self.assertContains(r, "Sin servicios anteriores")
        codes = [str(c) for c in s.lines.values_list("code", flat=True)]
        self.client.post(f"/servicios/{s.code}/autorizar/", {"lines": codes})
        s.refresh_from_db()
        self.assertEqual(s.state, "autorizado")
        self.assertEqual(len(str(s.authorization_number)), 8)
        self.assertEqual(str(s.authorized_amount), "968.60")

        # 06 Progress, finish, delivery with the driver's signature.
        self.login(self.colleague)
        self.client.post(
            f"/servicios/{s.code}/avance/", {"note": "En proceso", "form_token": str(uuid.uuid4())}
        )
        self.client.post(f"/servicios/{s.code}/terminar/")
        self.client.post(
            f"/servicios/{s.code}/entrega/",
            {"received_by": "Daniel Conductor", "signature": png_data_url()},
        )
        s.refresh_from_db()
        self.assertEqual(s.state, "entregado")
        # Inicio lists it as pending invoice, with both numbers.
        r = self.client.get("/")
        self.assertContains(r, str(s.authorization_number))
        self.assertContains(r, s.ticket)
        self.assertContains(r, "$968.60")

        # 07 The driver answers the survey, without logging in.
        self.client.logout()
        body = OutboxEmail.objects.get(kind="service-survey").body_text
        token = body.split("/encuesta/")[1].split("/")[0]
        r = self.client.post(
            f"/encuesta/{token}/", {"quality": "5", "timeliness": "4", "treatment": "5"}
        )
        self.assertContains(r, "Gracias")

        kinds = list(s.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            [
                "solicitud",
                "asignacion",
                "recepcion",
                "cotizacion",
                "autorizacion",
                "avance",
                "terminado",
                "entrega",
                "encuesta",
            ],
        )
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        for action in (
            "service.requested",
            "service.assigned",
            "service.received",
            "service.quoted",
            "service.authorized",
            "service.progress",
            "service.finished",
            "service.delivered",
            "service.survey_answered",
        ):
            self.assertIn(action, actions)
