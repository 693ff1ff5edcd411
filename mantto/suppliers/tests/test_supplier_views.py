from __future__ import annotations

from mantto.core.testing import BaseTestCase


class SupplierViewsTestCase(BaseTestCase):
    def test_staff_list_and_open_suppliers(self):
        for user in (self.coordinador, self.finanzas, self.admin):
            self.login(user)
            r = self.client.get("/talleres/?q=pist")
            self.assertContains(r, "TME960709LR2")
            self.assertNotContains(r, "HPS050505QX3")
            r = self.client.get(f"/talleres/{self.supplier.code}/")
            self.assertContains(r, "Aún no hay encuestas respondidas")

    def test_workshops_cannot_see_the_network(self):
        self.login(self.owner)
        self.assertEqual(self.client.get("/talleres/").status_code, 403)
        self.assertEqual(self.client.get(f"/talleres/{self.supplier.code}/").status_code, 403)
