"""The printable representation with SAT's verification QR, as HTML and PDF."""

from __future__ import annotations

import time

from django.urls import reverse
from lxml import etree

from mantto.invoicing.tests.helpers import InvoicingTestCase


class PrintTest(InvoicingTestCase):
    def setUp(self) -> None:
        super().setUp()
        s = self.service()
        self.data = self.xml(s)
        self.doc = self.upload(self.data, s)

    def test_it_builds_sats_verification_url(self):
        sello = etree.fromstring(self.data).get("Sello")
        url = self.doc.sat_verification_url()
        self.assertTrue(
            url.startswith("https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?")
        )
        self.assertIn(f"id={self.doc.uuid}", url)
        self.assertIn(f"re={self.supplier.rfc}&rr=AFL010101AB1", url)
        self.assertIn("tt=5105.16", url)
        self.assertTrue(url.endswith(f"&fe={sello[-8:]}"))

    def test_it_renders_the_print_view_with_an_inline_qr(self):
        self.login(self.owner)
        r = self.client.get(reverse("invoicing:print", args=[self.doc.code]))
        self.assertContains(r, "data:image/svg+xml;base64,")
        self.assertContains(r, "Balatas delanteras")
        self.assertContains(r, self.doc.uuid)

    def test_it_renders_a_pdf_quickly(self):
        self.login(self.finanzas)
        start = time.monotonic()
        r = self.client.get(reverse("invoicing:print", args=[self.doc.code]), {"formato": "pdf"})
        elapsed = time.monotonic() - start
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertLess(elapsed, 10)
