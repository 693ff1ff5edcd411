from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import time_machine
from openpyxl import load_workbook

from mantto.services.models import ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase

TODAY = NOW + timedelta(days=5)


class PendingReportTestCase(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.delivered_one = self.delivered()
        self.in_progress = self.authorized()
        self.invoiced = self.delivered()
        ServiceRequest.objects.filter(pk=self.invoiced.pk).update(invoice_accepted_at=NOW)
        self.not_authorized = self.quoted()

    def get(self, user, fmt):
        self.login(user)
        with time_machine.travel(TODAY, tick=False):
            return self.client.get(f"/reportes/autorizaciones-pendientes.{fmt}")

    def test_it_downloads_xlsx(self):
        r = self.get(self.owner, "xlsx")
        self.assertEqual(r.status_code, 200)
        self.assertIn("spreadsheetml", r["Content-Type"])
        self.assertIn(
            "autorizaciones-pendientes-de-facturar-20260315.xlsx", r["Content-Disposition"]
        )
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("Número de autorización", "Ticket", "Estado"))
        self.assertEqual(len(rows), 3)  # header + delivered + in progress
        first = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(first["Número de autorización"], self.delivered_one.authorization_number)
        self.assertEqual(first["Ticket"], self.delivered_one.ticket)
        self.assertEqual(first["Placas"], "ABC1234")
        self.assertEqual(first["Cliente"], "Distribuidora Demo SA de CV")
        self.assertEqual(first["Centro de costos"], "CC-100 · Ventas")
        self.assertEqual(first["Fecha de autorización"].date(), date(2026, 3, 10))
        self.assertEqual(first["Fecha de entrega"].date(), date(2026, 3, 10))  # 18:00 local
        self.assertEqual(first["Último día para facturar"].date(), date(2026, 4, 9))
        self.assertEqual(first["Días restantes"], 25)
        self.assertEqual(Decimal(str(first["Importe autorizado"])), Decimal("1612.40"))
        second = dict(zip(rows[0], rows[2], strict=True))
        self.assertIsNone(second["Fecha de entrega"])

    def test_it_downloads_csv(self):
        r = self.get(self.colleague, "csv")
        text = r.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["Ticket"], self.delivered_one.ticket)
        self.assertEqual(rows[0]["Fecha de autorización"], "10/03/2026")
        self.assertEqual(rows[0]["Importe autorizado"], "1612.40")
        self.assertEqual(rows[0]["Días restantes"], "25")
        self.assertEqual(rows[1]["Estado"], "Autorizado · en proceso")

    def test_another_workshop_sees_none_of_them(self):
        r = self.get(self.outsider, "csv")
        self.assertEqual(len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))), 1)

    def test_staff_see_every_workshop(self):
        r = self.get(self.finanzas, "csv")
        self.assertEqual(len(list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))), 2)

    def test_unknown_format_is_404(self):
        self.assertEqual(self.get(self.owner, "pdf").status_code, 404)


class HomePendingTestCase(ServiceTestCase):
    def test_inicio_lists_delivered_services_pending_invoice(self):
        s = self.delivered()
        waiting = self.authorized()  # not delivered yet: not on Inicio
        self.login(self.owner)
        with time_machine.travel(NOW + timedelta(days=28), tick=False):
            r = self.client.get("/")
        self.assertContains(r, "Facturas a cobro")
        self.assertContains(r, str(s.authorization_number))
        self.assertContains(r, s.ticket)
        self.assertContains(r, "$1,612.40")
        self.assertContains(r, "Quedan 2 días para facturar")
        self.assertContains(r, "10/03/2026")
        self.assertNotContains(r, waiting.ticket)
        self.assertContains(r, "Reporte de autorizaciones pendientes de facturar")

    def test_inicio_is_empty_for_another_workshop(self):
        self.delivered()
        self.login(self.outsider)
        r = self.client.get("/")
        self.assertContains(r, "No tienes servicios pendientes de facturar")

    def test_inicio_marks_the_expired_window(self):
        self.delivered()
        self.login(self.owner)
        with time_machine.travel(NOW + timedelta(days=31), tick=False):
            r = self.client.get("/")
        self.assertContains(r, "Plazo de 30 días vencido")
