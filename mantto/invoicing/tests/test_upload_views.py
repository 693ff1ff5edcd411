"""Screens 04–06 over HTTP: one XML with its PDF, many files, ZIPs, and bad input. Each
file gets its own verdict; a bad one never affects the others."""

from __future__ import annotations

import uuid
import zipfile

from django.urls import reverse

from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import PDF, InvoicingTestCase, file, make_zip

URL = "/facturas/"


class UploadViewTest(InvoicingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def post(self, files, **data):
        payload = {"kind": "I", "authorization": "", "ticket": "", **data, "files": files}
        return self.client.post(reverse("invoicing:upload"), payload)

    def test_it_shows_the_form_with_pending_services(self):
        s = self.service()
        r = self.client.get(URL)
        self.assertContains(r, "Cargar CFDI")
        self.assertContains(r, str(s.authorization_number))

    def test_it_uploads_one_xml_with_its_pdf_and_shows_the_review(self):
        s = self.service()
        r = self.post(
            [file("F-1.xml", self.xml(s)), file("F-1.pdf", PDF)],
            authorization=str(s.authorization_number),
            ticket=s.ticket,
            cc_orden_compra="OC-123456",
        )
        doc = ReceivedDocument.objects.get()
        self.assertRedirects(r, reverse("invoicing:detail", args=[doc.code]))
        self.assertEqual(doc.pdf_name, "F-1.pdf")
        r = self.client.get(reverse("invoicing:detail", args=[doc.code]))
        self.assertContains(r, "Enviar")
        self.assertContains(r, doc.uuid)
        self.assertContains(r, s.ticket)
        self.assertContains(r, "$5,105.16")
        r = self.client.get(reverse("invoicing:download", args=[doc.code, "pdf"]))
        self.assertEqual(b"".join(r.streaming_content), PDF)

    def test_it_asks_for_the_authorization_with_one_invoice(self):
        s = self.service()
        r = self.post([file("F-1.xml", self.xml(s))])
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Escribe el número de autorización", status_code=400)
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_shows_the_cost_centre_fields_of_the_typed_authorization(self):
        s = self.service()
        r = self.client.get(
            reverse("invoicing:cc_fields"), {"authorization": s.authorization_number}
        )
        self.assertContains(r, "cc_orden_compra")
        r = self.client.get(reverse("invoicing:cc_fields"), {"authorization": "123456"})
        self.assertContains(r, "MANTTO-AUT-6D")
        theirs = self.service(self.other_supplier)
        r = self.client.get(
            reverse("invoicing:cc_fields"), {"authorization": theirs.authorization_number}
        )
        self.assertNotContains(r, "cc_orden_compra")

    def test_it_gives_each_file_of_a_batch_its_own_verdict(self):
        a, b = self.service(), self.service()
        theirs = self.service(self.other_supplier)
        r = self.post(
            [
                file("a.xml", self.xml(a)),
                file("a.pdf", PDF),
                file("b.xml", self.xml(b)),
                file("ajeno.xml", self.xml(theirs)),
                file("basura.xml", b"no soy xml"),
                file("sola.pdf", PDF),
                file("foto.jpg", b"\xff\xd8"),
            ],
            cc_orden_compra="OC-123456",
        )
        self.assertEqual(r.status_code, 200)
        for text in (
            "MANTTO-XML-MALFORMED",
            "MANTTO-PDF-SIN-XML",
            "MANTTO-ARCHIVO-TIPO",
            "MANTTO-AUT-NO-EXISTE",
        ):
            self.assertContains(r, text)
        self.assertContains(r, "Lista para enviar", count=2)
        docs = ReceivedDocument.objects.order_by("xml_name")
        self.assertEqual([d.xml_name for d in docs], ["a.xml", "ajeno.xml", "b.xml"])
        self.assertEqual(len({d.batch for d in docs}), 1)
        batch = docs[0].batch
        r = self.client.post(reverse("invoicing:send_batch", args=[batch]), follow=True)
        self.assertContains(r, "Enviamos 2 CFDI")
        self.assertEqual(ReceivedDocument.objects.filter(state=State.SENT).count(), 2)

    def test_it_survives_a_lost_request_in_a_multi_file_upload(self):
        # With JavaScript each file is its own request: the second never arrives (network
        # failure); the first and third are stored and reviewed on their own.
        a, b, c = self.service(), self.service(), self.service()
        batch = str(uuid.uuid4())
        for s in (a, c):
            r = self.client.post(
                URL,
                {"kind": "I", "batch": batch, "files": [file(f"{s.ticket}.xml", self.xml(s))],
                 "cc_orden_compra": "OC-123456"},
                headers={"X-Mantto-Fragment": "1"},
            )  # fmt: skip
            self.assertContains(r, "Lista para enviar")
            self.assertNotContains(r, "<html")
        r = self.client.get(reverse("invoicing:batch", args=[batch]))
        self.assertContains(r, "Lista para enviar", count=2)
        self.assertFalse(ReceivedDocument.objects.filter(service=b).exists())

    def test_it_refuses_a_50_mb_file_without_keeping_it(self):
        s = self.service()
        big = b"<" + b"x" * (50 * 1024 * 1024)
        r = self.post(
            [file("enorme.xml", big), file("b.xml", self.xml(s))], cc_orden_compra="OC-123456"
        )
        self.assertContains(r, "MANTTO-ARCHIVO-GRANDE")
        self.assertContains(r, "enorme.xml")
        self.assertEqual(ReceivedDocument.objects.get().xml_name, "b.xml")

    def test_it_still_checks_csrf(self):
        # The outer view is csrf_exempt only to install the size limit first.
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        c.force_login(self.owner, backend="mantto.accounts.backends.KeyBackend")
        r = c.post(URL, {"kind": "I", "files": [file("a.xml", b"<a/>")]})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_refuses_a_request_larger_than_any_allowed_upload(self):
        with self.settings(INVOICE_ZIP_MAX_BYTES=1024):
            r = self.post([file("x.zip", b"0" * (2 * 1024 * 1024))])
        self.assertEqual(r.status_code, 413)


class ZipTest(InvoicingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def post_zip(self, data: bytes, name="facturas.zip"):
        return self.client.post(
            URL, {"kind": "I", "files": [file(name, data)], "cc_orden_compra": "OC-123456"}
        )

    def test_it_reads_a_zip_of_xml_and_pdf_pairs(self):
        a, b = self.service(), self.service()
        data = make_zip(
            {
                "enero/A-1.xml": self.xml(a),
                "enero/A-1.PDF": PDF,
                "B-2.xml": self.xml(b),
                "huerfano.pdf": PDF,
                "__MACOSX/._A-1.xml": b"junk",
            }
        )
        r = self.post_zip(data)
        self.assertContains(r, "Lista para enviar", count=2)
        self.assertContains(r, "MANTTO-PDF-SIN-XML")
        docs = {d.xml_name: d for d in ReceivedDocument.objects.all()}
        self.assertEqual(set(docs), {"enero/A-1.xml", "B-2.xml"})
        self.assertEqual(docs["enero/A-1.xml"].pdf_name, "enero/A-1.PDF")

    def test_it_refuses_a_zip_bomb(self):
        bomb = make_zip({"bomba.xml": b"\x00" * (40 * 1024 * 1024)})
        self.assertLess(len(bomb), 100 * 1024)
        r = self.post_zip(bomb)
        self.assertContains(r, "MANTTO-ZIP-BOMBA")
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_caps_the_total_uncompressed_size(self):
        data = make_zip({f"{i}.xml": b"<a/>" * 1000 for i in range(5)}, zipfile.ZIP_STORED)
        with self.settings(INVOICE_ZIP_MAX_TOTAL_BYTES=10_000):
            r = self.post_zip(data)
        self.assertContains(r, "MANTTO-ZIP-BOMBA")

    def test_it_caps_the_number_of_members(self):
        data = make_zip({f"{i}.xml": b"<a/>" for i in range(30)})
        with self.settings(INVOICE_ZIP_MAX_MEMBERS=20):
            r = self.post_zip(data)
        self.assertContains(r, "MANTTO-ZIP-MIEMBROS")
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_refuses_member_names_that_climb_out(self):
        s = self.service()
        data = make_zip(
            {
                "../../evil.xml": self.xml(s),
                "/etc/passwd.xml": b"<a/>",
                "C:\\windows\\x.xml": b"<a/>",
                "ok.xml": self.xml(s),
            }
        )
        r = self.post_zip(data)
        self.assertContains(r, "MANTTO-ZIP-RUTA", count=3)
        self.assertEqual(ReceivedDocument.objects.get().xml_name, "ok.xml")
        stored = [p.name for p in self.media.rglob("*") if p.is_file()]
        self.assertEqual(len(stored), 1)
        self.assertFalse(any("evil" in n or "passwd" in n for n in stored))

    def test_it_refuses_a_damaged_zip(self):
        r = self.post_zip(b"PK\x03\x04 esto no es un zip")
        self.assertContains(r, "MANTTO-ZIP-INVALIDO")

    def test_it_refuses_an_oversized_member_without_reading_it(self):
        s = self.service()
        data = make_zip({"grande.xml": b" " * 3000, "ok.xml": self.xml(s)}, zipfile.ZIP_STORED)
        with self.settings(UPLOAD_MAX_BYTES=2900):
            r = self.post_zip(data)
        self.assertContains(r, "MANTTO-ARCHIVO-GRANDE")

    def test_it_never_accepts_the_same_uuid_twice_from_one_zip(self):
        s = self.service()
        xml = self.xml(s)
        r = self.post_zip(make_zip({"uno.xml": xml, "copia.xml": xml}))
        self.assertContains(r, "Lista para enviar", count=2)
        batch = ReceivedDocument.objects.first().batch
        r = self.client.post(reverse("invoicing:send_batch", args=[batch]), follow=True)
        self.assertContains(r, "Enviamos 1 CFDI")
        self.assertContains(r, "MANTTO")  # the second one's reason is shown
        self.assertEqual(ReceivedDocument.objects.filter(state=State.SENT).count(), 1)
