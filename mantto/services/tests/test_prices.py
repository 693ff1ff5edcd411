from __future__ import annotations

from decimal import Decimal

from mantto.audit.models import AuditEntry
from mantto.services.models import ReferencePrice
from mantto.services.tests.helpers import ServiceTestCase


class ReferencePriceCatalogueTestCase(ServiceTestCase):
    def test_coordinators_add_and_edit_prices(self):
        self.login(self.coordinador)
        r = self.client.post(
            "/precios/nuevo/",
            {
                "key": " balatas-del ",
                "description": "Balatas delanteras",
                "kind": "refaccion",
                "service_type": "correctivo",
                "unit_price": "950.00",
                "tolerance_pct": "10",
                "is_active": "on",
            },
        )
        self.assertRedirects(r, "/precios/")
        price = ReferencePrice.objects.get(key="BALATAS-DEL")
        self.assertEqual(price.limit, Decimal("1045.00"))
        r = self.client.get("/precios/?q=balatas")
        self.assertContains(r, "$950.00")
        r = self.client.post(
            f"/precios/{price.code}/",
            {
                "key": "BALATAS-DEL",
                "description": "Balatas delanteras",
                "kind": "refaccion",
                "service_type": "",
                "unit_price": "990.00",
                "tolerance_pct": "5",
            },
        )
        price.refresh_from_db()
        self.assertEqual((price.unit_price, price.is_active), (Decimal("990.00"), False))
        self.assertEqual(AuditEntry.objects.filter(action="catalogue.price_saved").count(), 2)

    def test_workshops_cannot_edit_the_catalogue(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/precios/").status_code, 403)
        self.assertEqual(self.client.get(f"/precios/{self.ref_oil.code}/").status_code, 403)


class ServiceListTestCase(ServiceTestCase):
    def test_a_workshop_sees_only_its_services(self):
        mine = self.assigned()
        theirs = self.requested(service_type="correctivo")
        from mantto.services import services as svc
        from mantto.services.tests.helpers import NOW

        svc.assign_workshop(self.coordinador, theirs, self.other_supplier, now=NOW)
        unassigned = self.requested()
        self.login(self.colleague)
        r = self.client.get("/servicios/")
        self.assertContains(r, mine.ticket)
        self.assertNotContains(r, theirs.ticket)
        self.assertNotContains(r, unassigned.ticket)
        self.assertContains(r, 'href="/servicios/"')  # the Servicios menu item
        self.login(self.finanzas)
        r = self.client.get("/servicios/")  # read-only for finance
        self.assertContains(r, unassigned.ticket)
        self.assertNotContains(r, "Registrar llamada")
