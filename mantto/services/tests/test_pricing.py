from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from mantto.services import pricing
from mantto.services.models import ServiceRequest, normalize_item
from mantto.services.tests.helpers import NOW, ServiceTestCase


class PriceCheckTestCase(ServiceTestCase):
    def lines_at(self, price: str):
        return [("refaccion", "Aceite 5W-30 litro", "1", price, self.ref_oil)]

    def test_it_flags_a_price_above_reference_plus_tolerance(self):
        s = self.quoted(lines=self.lines_at("204.00"))  # limit 185 × 1.10 = 203.50
        check = s.lines.get().price_check(NOW)
        self.assertEqual(check["limit"], Decimal("203.50"))
        self.assertTrue(check["over_reference"])
        self.assertFalse(check["ok"])

    def test_it_accepts_a_price_within_tolerance(self):
        s = self.quoted(lines=self.lines_at("203.50"))
        self.assertTrue(s.lines.get().price_check(NOW)["ok"])

    def test_it_compares_with_the_median_of_12_months(self):
        for price, days in (("100.00", 30), ("120.00", 60), ("400.00", 90), ("900.00", 400)):
            self.authorized(
                now=NOW - timedelta(days=days),
                lines=[("refaccion", "Balatas delanteras", "1", price, None)],
            )
        s = self.quoted(lines=[("refaccion", "BALATAS  delanteras", "1", "140.00", None)])
        check = s.lines.get().price_check(NOW + timedelta(hours=3))
        self.assertIsNone(check["reference"])
        self.assertEqual(check["samples"], 3)  # 400 days ago is out of the window
        self.assertEqual(check["median"], Decimal("120.00"))
        self.assertTrue(check["over_median"])  # above 120 × 1.10

    def test_it_ignores_unauthorized_and_rejected_prices(self):
        self.quoted(lines=[("refaccion", "Bujía", "1", "10.00", None)])
        s = self.quoted(lines=[("refaccion", "Bujía", "1", "90.00", None)])
        check = s.lines.get().price_check(NOW)
        self.assertIsNone(check["median"])
        self.assertTrue(check["ok"])

    def test_normalize_item(self):
        self.assertEqual(normalize_item("  Bujía  DE Encendido "), "bujia de encendido")


class RepeatRepairTestCase(ServiceTestCase):
    def test_it_flags_the_same_service_type_within_90_days(self):
        old = self.delivered(now=NOW - timedelta(days=80))
        older = self.delivered(now=NOW - timedelta(days=100), service_type="correctivo")
        s = self.quoted()
        rows = {h["service"].pk: h["is_repeat"] for h in pricing.vehicle_history(s)}
        self.assertEqual(rows, {old.pk: True, older.pk: False})

    def test_it_does_not_flag_after_90_days(self):
        self.delivered(now=NOW - timedelta(days=91))
        s = self.quoted()
        self.assertFalse(any(h["is_repeat"] for h in pricing.vehicle_history(s)))

    def test_it_flags_lines_authorized_for_the_vehicle_within_90_days(self):
        self.authorized(now=NOW - timedelta(days=45))
        s = self.quoted(service_type="correctivo")
        self.assertEqual(pricing.repeated_items(s), {"ACEITE", "mano de obra servicio"})
        review = pricing.review(s, NOW)
        self.assertTrue(review["any_repeat"])
        self.assertTrue(all(row["repeat"] for row in review["lines"]))

    def test_the_review_page_shows_history_prices_and_repeats(self):
        self.authorized(now=NOW - timedelta(days=30))
        s = self.quoted(lines=[("refaccion", "Aceite 5W-30 litro", "1", "250.00", self.ref_oil)])
        self.login(self.coordinador)
        r = self.client.get(f"/servicios/{s.code}/revisar/")
        self.assertContains(r, "ABC1234")
        self.assertContains(r, "3N1AB7AP5KY000001")
        self.assertContains(r, "Posible reparación repetida")
        self.assertContains(r, "sobre referencia")
        self.assertContains(r, "$203.50")
        self.assertContains(r, "Autorizar partidas marcadas")
        self.assertEqual(ServiceRequest.objects.count(), 2)
