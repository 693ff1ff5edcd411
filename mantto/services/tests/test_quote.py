from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from mantto.core.errors import DomainError
from mantto.services import services as svc
from mantto.services.models import QuoteLine, ServiceRequest
from mantto.services.tests.helpers import NOW, ServiceTestCase, upload


class QuoteTestCase(ServiceTestCase):
    def line(self, s, **kw):
        values = {
            "kind": "refaccion",
            "description": "Filtro",
            "quantity": "1",
            "unit_price": "100",
        }
        values.update(kw)
        return svc.add_quote_line(self.owner, s, now=NOW, **values)

    def test_it_totals_lines_with_iva_in_decimal(self):
        s = self.received()
        self.line(s, quantity="3", unit_price="33.33")
        self.line(s, quantity="1", unit_price="0.05", iva_rate="0.08")
        self.line(s, quantity="1.5", unit_price="10.00", iva_rate="0")
        t = s.quote_totals()
        # 99.99 + 0.05 + 15.00; IVA 16.00 (15.9984) + 0.00 (0.004) + 0
        self.assertEqual(t["subtotal"], Decimal("115.04"))
        self.assertEqual(t["iva"], Decimal("16.00"))
        self.assertEqual(t["total"], Decimal("131.04"))
        self.assertIsInstance(t["total"], Decimal)

    def test_it_keys_lines_by_catalogue_or_normalized_description(self):
        s = self.received()
        a = self.line(s, reference=self.ref_oil, description="")
        b = self.line(s, description="  Balatas  DELANTERAS ")
        self.assertEqual(a.item_key, "ACEITE")
        self.assertEqual(a.description, "Aceite 5W-30 litro")
        self.assertEqual(b.item_key, "balatas delanteras")

    def test_it_refuses_negative_and_absurd_amounts(self):
        s = self.received()
        bad = [
            {"unit_price": "-1"},
            {"unit_price": "1.001"},
            {"unit_price": "99999999"},
            {"unit_price": "NaN"},
            {"unit_price": "abc"},
            {"quantity": "0"},
            {"quantity": "-2"},
            {"quantity": "5000"},
            {"iva_rate": "0.20"},
        ]
        for values in bad:
            with self.subTest(values=values), self.assertRaises(DomainError) as ctx:
                self.line(s, **values)
            self.assertEqual(ctx.exception.code, "MANTTO-QUOTE-AMOUNT")
        self.assertEqual(QuoteLine.objects.count(), 0)

    def test_it_refuses_a_quote_total_above_the_maximum(self):
        s = self.received()
        with self.settings(QUOTE_MAX_TOTAL=1000):
            self.line(s, unit_price="800")
            with self.assertRaises(DomainError) as ctx:
                self.line(s, unit_price="200")  # 1,160 with IVA
        self.assertEqual(ctx.exception.code, "MANTTO-QUOTE-AMOUNT")
        self.assertIn("$1,000.00", ctx.exception.message)

    def test_it_adds_a_line_once_per_form_token(self):
        s = self.received()
        token = uuid.uuid4()
        a = self.line(s, form_token=token)
        b = self.line(s, form_token=token)
        self.assertEqual(a.pk, b.pk)
        self.assertEqual(s.lines.count(), 1)

    def test_it_removes_a_line(self):
        s = self.received()
        line = self.line(s)
        svc.remove_quote_line(self.owner, line, now=NOW)
        self.assertEqual(s.lines.count(), 0)

    def test_it_refuses_to_submit_without_lines(self):
        s = self.received()
        with self.assertRaises(DomainError) as ctx:
            svc.submit_quote(self.owner, s, diagnosis="Nada", now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-QUOTE-EMPTY")

    def test_it_refuses_a_quote_of_zero(self):
        s = self.received()
        self.line(s, unit_price="0")
        with self.assertRaises(DomainError) as ctx:
            svc.submit_quote(self.owner, s, diagnosis="Garantía", now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-QUOTE-AMOUNT")

    def test_it_submits_for_authorization(self):
        s = self.quoted()
        self.assertEqual(s.state, ServiceRequest.State.QUOTED)
        self.assertEqual(s.diagnosis, "Cambio de aceite y filtro")
        self.assertIsNotNone(s.quoted_at)

    def test_it_refuses_to_submit_twice_or_edit_after_submitting(self):
        s = self.quoted()
        with self.assertRaises(DomainError) as ctx:
            svc.submit_quote(self.owner, s, diagnosis="otra vez", now=NOW)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")
        with self.assertRaises(DomainError) as ctx:
            self.line(s)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")
        with self.assertRaises(DomainError):
            svc.remove_quote_line(self.owner, s.lines.first(), now=NOW)

    def test_it_refuses_quoting_before_reception(self):
        s = self.assigned()
        with self.assertRaises(DomainError) as ctx:
            self.line(s)
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-STATE")

    def test_it_refuses_another_workshop(self):
        s = self.received()
        with self.assertRaises(DomainError) as ctx:
            svc.add_quote_line(
                self.outsider, s, kind="otro", description="x", quantity=1, unit_price=1, now=NOW
            )
        self.assertEqual(ctx.exception.code, "MANTTO-SRV-NOT-YOURS")


class QuoteViewTestCase(ServiceTestCase):
    def test_it_adds_lines_and_submits(self):
        s = self.received()
        self.login(self.owner)
        r = self.client.get(f"/servicios/{s.code}/cotizacion/")
        self.assertContains(r, "Agregar partida")
        token = str(uuid.uuid4())
        data = {
            "line-kind": "refaccion",
            "line-reference": self.ref_oil.code,
            "line-description": "",
            "line-quantity": "4",
            "line-unit_price": "185.00",
            "line-iva_rate": "0.16",
            "line-form_token": token,
        }
        r = self.client.post(f"/servicios/{s.code}/cotizacion/", data)
        self.assertRedirects(r, f"/servicios/{s.code}/cotizacion/")
        self.client.post(f"/servicios/{s.code}/cotizacion/", data)  # double click
        self.assertEqual(s.lines.count(), 1)
        r = self.client.get(f"/servicios/{s.code}/cotizacion/")
        self.assertContains(r, "$740.00")  # 4 × 185
        self.assertContains(r, "$858.40")  # with IVA
        r = self.client.post(
            f"/servicios/{s.code}/cotizacion/enviar/", {"diagnosis": "Cambio de aceite"}
        )
        self.assertRedirects(r, f"/servicios/{s.code}/")
        s.refresh_from_db()
        self.assertEqual(s.state, ServiceRequest.State.QUOTED)

    def test_it_shows_a_negative_price_error(self):
        s = self.received()
        self.login(self.owner)
        r = self.client.post(
            f"/servicios/{s.code}/cotizacion/",
            {
                "line-kind": "otro",
                "line-description": "x",
                "line-quantity": "1",
                "line-unit_price": "-5",
                "line-iva_rate": "0.16",
            },
        )
        self.assertContains(r, "El precio unitario debe estar entre $0.00 y")

    def test_it_attaches_a_pdf_and_refuses_a_fake_one(self):
        s = self.received()
        self.login(self.owner)
        self.client.post(
            f"/servicios/{s.code}/adjuntar/",
            {"file": upload("cotizacion.pdf", b"%PDF-1.7\n1 0 obj\n", "application/pdf")},
        )
        self.assertEqual(s.attachments.count(), 1)
        r = self.client.post(
            f"/servicios/{s.code}/adjuntar/",
            {"file": upload("virus.pdf", b"<html><script>", "application/pdf")},
            follow=True,
        )
        self.assertContains(r, "revisamos su contenido")
        self.assertEqual(s.attachments.count(), 1)

    def test_it_deletes_a_line_only_for_its_workshop(self):
        s = self.received()
        self.add_lines(s)
        line = s.lines.first()
        self.login(self.outsider)
        self.assertEqual(self.client.post(f"/partidas/{line.code}/borrar/").status_code, 404)
        self.login(self.colleague)
        self.client.post(f"/partidas/{line.code}/borrar/")
        self.assertEqual(s.lines.count(), 1)

    def test_it_is_404_for_another_workshop(self):
        s = self.received()
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/servicios/{s.code}/cotizacion/").status_code, 404)
        r = self.client.post(f"/servicios/{s.code}/cotizacion/enviar/", {"diagnosis": "x"})
        self.assertEqual(r.status_code, 404)

    def test_it_refuses_huge_files(self):
        s = self.received()
        self.login(self.owner)
        with self.settings(ATTACHMENT_MAX_MB=1):
            r = self.client.post(
                f"/servicios/{s.code}/adjuntar/",
                {
                    "file": upload(
                        "big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10), "application/pdf"
                    )
                },
                follow=True,
            )
        self.assertContains(r, "pesa más de 1 MB")
        self.assertEqual(s.attachments.count(), 0)

    def test_timeline_is_kept(self):
        s = self.quoted()
        kinds = list(s.events.values_list("kind", flat=True))
        self.assertEqual(kinds, ["solicitud", "asignacion", "recepcion", "cotizacion"])
        self.login(self.owner)
        r = self.client.get(f"/servicios/{s.code}/")
        self.assertContains(r, "Cotización enviada a autorización")
        self.assertContains(r, "Alice Owner")
        self.assertContains(r, (NOW + timedelta(hours=2) - timedelta(hours=6)).strftime("%d/%m/%Y"))
