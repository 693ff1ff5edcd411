from __future__ import annotations

from mantto.core.testing import BaseTestCase


class StaffHomeTestCase(BaseTestCase):
    def test_it_shows_the_coordinators_queues(self):
        self.login(self.coordinador)
        r = self.client.get("/")
        self.assertContains(r, "Solicitudes sin taller asignado")
        self.assertContains(r, "Cotizaciones por autorizar")
        self.assertContains(r, 'href="/autorizaciones/"')
        self.assertNotContains(r, "Facturas por revisar")

    def test_it_shows_finance_the_invoices_to_review(self):
        self.login(self.finanzas)
        r = self.client.get("/")
        self.assertContains(r, "Facturas por revisar")
        self.assertContains(r, 'href="/facturas-recibidas/"')
        self.assertNotContains(r, "Cotizaciones por autorizar")

    def test_it_shows_the_administrator_everything(self):
        self.login(self.admin)
        r = self.client.get("/")
        self.assertContains(r, "Cotizaciones por autorizar")
        self.assertContains(r, "Facturas por revisar")


class StaffHomeCountsTestCase(BaseTestCase):
    def test_it_counts_what_is_waiting(self):
        from mantto.core.demo import load_demo
        from mantto.services.models import ServiceRequest

        load_demo()
        quoted = ServiceRequest.objects.filter(state=ServiceRequest.State.QUOTED).count()
        self.assertGreater(quoted, 0)
        self.login(self.coordinador)
        r = self.client.get("/")
        self.assertContains(
            r,
            f'<a href="/autorizaciones/"><strong>{quoted}</strong> Cotizaciones por autorizar</a>',
            html=True,
        )
