"""Every check of an upload: the CFDI engine's, the parties, the service (R1–R4, R9),
amounts, method of payment, duplicates."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from mantto.audit.models import AuditEntry
from mantto.cfdi import testing
from mantto.core.errors import DomainError
from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import TOTAL, InvoicingTestCase


class ChecksTest(InvoicingTestCase):
    def test_it_accepts_a_correct_invoice_for_review(self):
        s = self.service()
        data = self.xml(s)
        doc = self.upload(data, s)
        self.assertEqual(doc.state, State.DRAFT)
        self.assertEqual(doc.findings, [])
        self.assertEqual(doc.service, s)
        self.assertEqual(doc.total, TOTAL)
        self.assertEqual(doc.uuid, testing.uuid_of(data))
        self.assertEqual(doc.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(doc.emisor_rfc, self.supplier.rfc)
        self.assertEqual(len(doc.conceptos), 2)
        self.assertEqual(len(doc.sello_tail), 8)
        with doc.xml_file.open("rb") as fh:
            self.assertEqual(fh.read(), data)
        # Random, unguessable path, free of the uploaded name.
        self.assertNotIn("factura", doc.xml_file.name)
        self.assertTrue(AuditEntry.objects.filter(action="invoice.uploaded").exists())

    def test_it_refuses_a_file_that_is_not_xml_and_stores_nothing(self):
        with self.assertRaises(DomainError) as cm:
            self.upload(b"%PDF-1.4 esto no es un XML")
        self.assertEqual(cm.exception.code, "MANTTO-XML-NO-ES-XML")
        self.assertIn("es un PDF", cm.exception.message)
        self.assertFalse(ReceivedDocument.objects.exists())
        self.assertFalse(self.media.exists() and any(self.media.rglob("*.xml")))

    def test_it_refuses_xml_that_is_not_a_cfdi(self):
        with self.assertRaises(DomainError) as cm:
            self.upload(b"<?xml version='1.0'?><pedido><total>5</total></pedido>")
        self.assertEqual(cm.exception.code, "MANTTO-NO-CFDI")
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_reports_the_engines_findings_with_sat_codes(self):
        s = self.service()
        tampered = testing.mutate(self.xml(s), lambda root: root.set("Total", "9999.00"))
        doc = self.upload(tampered, s)
        self.assertEqual(doc.state, State.INVALID)
        engine = [c for c in self.error_codes(doc) if c.startswith("CFDI40")]
        self.assertTrue(engine, doc.findings)
        self.assertIn("MANTTO-IMPORTE", self.error_codes(doc))

    def test_it_checks_the_receptor_against_the_fiscal_profile(self):
        s = self.service()
        data = self.xml(
            s,
            receptor={
                "Rfc": "XAX010101000",
                "Nombre": "OTRA EMPRESA",
                "DomicilioFiscalReceptor": "01000",
                "RegimenFiscalReceptor": "603",
                "UsoCFDI": "G01",
            },
        )
        doc = self.upload(data, s)
        for code in (
            "MANTTO-RECEPTOR-RFC",
            "MANTTO-RECEPTOR-NOMBRE",
            "MANTTO-RECEPTOR-CP",
            "MANTTO-RECEPTOR-REGIMEN",
            "MANTTO-USO-CFDI",
        ):
            self.assertIn(code, self.error_codes(doc))
        self.assertEqual(doc.state, State.INVALID)

    def test_it_requires_the_emisor_to_be_the_uploading_supplier(self):
        s = self.service()
        doc = self.upload(self.xml(s), user=self.outsider, typed_authorization="x")
        self.assertIn("MANTTO-EMISOR-RFC", self.error_codes(doc))

    def test_it_refuses_another_suppliers_authorization(self):
        theirs = self.service(self.other_supplier)
        doc = self.upload(self.xml(theirs), theirs)
        self.assertIn("MANTTO-AUT-NO-EXISTE", self.error_codes(doc))
        self.assertIsNone(doc.service)

    def test_it_explains_six_digit_authorizations(self):
        s = self.service()
        doc = self.upload(self.xml(s, aut="123456"), s, typed_authorization="123456")
        six = [f for f in doc.findings if f["code"] == "MANTTO-AUT-6D"]
        self.assertEqual(len(six), 1)
        self.assertIn("Finanzas.ProcesoFacturasMtmtos@ayvens.com", six[0]["message"])
        self.assertIn("55 5229 8367", six[0]["message"])

    def test_it_rejects_an_authorization_older_than_30_days(self):
        s = self.service(authorized_days=32, delivered_hours=24 * 20)
        doc = self.upload(self.xml(s), s)
        self.assertIn("MANTTO-AUT-30D", self.error_codes(doc))

    def test_it_accepts_the_last_days_of_the_window_with_a_warning(self):
        s = self.service(authorized_days=29)
        doc = self.upload(self.xml(s), s)
        self.assertNotIn("MANTTO-AUT-30D", self.codes(doc))
        self.assertIn("MANTTO-AUT-POR-VENCER", self.codes(doc))
        self.assertEqual(doc.state, State.DRAFT)
        fresh = self.service(authorized_days=2)
        self.assertNotIn("MANTTO-AUT-POR-VENCER", self.codes(self.upload(self.xml(fresh), fresh)))

    def test_it_marks_a_late_invoice_but_accepts_it(self):
        s = self.service(delivered_hours=30)
        doc = self.upload(self.xml(s), s)
        self.assertEqual(doc.state, State.DRAFT)
        self.assertIn("MANTTO-FACTURA-TARDE", self.codes(doc))
        late = next(f for f in doc.findings if f["code"] == "MANTTO-FACTURA-TARDE")
        due = timezone.localtime(s.invoice_due())  # Mexico City, not UTC
        self.assertIn(due.strftime("%d/%m/%Y %H:%M"), late["message"])

    def test_it_compares_the_total_with_the_authorized_amount_line_by_line(self):
        s = self.service()
        data = self.xml(
            s,
            conceptos=[
                testing.Concepto(valor_unitario="3900.00"),
                testing.Concepto(descripcion="Lavado de motor", valor_unitario="150.00"),
            ],
        )
        doc = self.upload(data, s)
        f = next(f for f in doc.findings if f["code"] == "MANTTO-IMPORTE")
        details = " ".join(f["details"])
        self.assertIn("Servicio de mantenimiento preventivo", details)
        self.assertIn("$3,900.00", details)
        self.assertIn("Lavado de motor", details)
        self.assertIn("Balatas delanteras", details)

    def test_it_allows_the_configured_tolerance(self):
        s = self.service()
        data = self.xml(s, conceptos=[testing.Concepto(valor_unitario="4400.50")])
        with self.settings(INVOICE_AMOUNT_TOLERANCE="1.00"):
            doc = self.upload(data, s)
        self.assertNotIn("MANTTO-IMPORTE", self.codes(doc))
        with self.settings(INVOICE_AMOUNT_TOLERANCE="0.10"):
            doc = self.upload(data, s)
        self.assertIn("MANTTO-IMPORTE", self.codes(doc))

    def test_it_expects_ppd_and_accepts_pue_only_when_allowed(self):
        s = self.service()
        data = self.xml(s, MetodoPago="PUE", FormaPago="03")
        self.assertIn("MANTTO-PUE", self.error_codes(self.upload(data, s)))
        with self.settings(INVOICE_ALLOW_PUE=True):
            self.assertNotIn("MANTTO-PUE", self.codes(self.upload(data, s)))

    def test_it_requires_the_typed_numbers_in_the_invoice(self):
        s = self.service()
        doc = self.upload(self.xml(s, addenda=None), s)
        self.assertIn("MANTTO-AUT-FALTA", self.error_codes(doc))
        self.assertIn("MANTTO-TICKET-FALTA", self.error_codes(doc))
        other = self.service()
        doc = self.upload(self.xml(s), other)
        self.assertIn("MANTTO-AUT-DIFERENTE", self.error_codes(doc))
        self.assertIn("MANTTO-TICKET-DIFERENTE", self.error_codes(doc))

    def test_it_checks_the_ticket_belongs_to_the_authorization(self):
        s, other = self.service(), self.service()
        data = self.xml(s, ticket=other.ticket)
        doc = self.upload(data, s, typed_ticket=other.ticket)
        self.assertIn("MANTTO-TICKET-NO-COINCIDE", self.error_codes(doc))

    def test_it_requires_a_delivered_service(self):
        s = self.service(delivered=False)
        doc = self.upload(self.xml(s), s)
        self.assertIn("MANTTO-SERVICIO-NO-ENTREGADO", self.error_codes(doc))

    def test_it_refuses_a_service_already_invoiced(self):
        s = self.service()
        self.accepted_invoice(s)
        doc = self.upload(self.xml(s), s)
        self.assertIn("MANTTO-SERVICIO-FACTURADO", self.error_codes(doc))

    def test_it_refuses_a_uuid_already_sent_by_anyone(self):
        s = self.service()
        data = self.xml(s)
        self.accepted_invoice_from(data, s)
        doc = self.upload(data, s)
        self.assertIn("MANTTO-UUID-DUP", self.error_codes(doc))

    def accepted_invoice_from(self, data, s):
        from mantto.invoicing import services

        doc = self.upload(data, s)
        return services.send_document(self.owner, doc, now=self.now)

    def test_it_checks_the_chosen_type(self):
        s = self.service()
        doc = self.upload(self.xml(s), s, kind="E")
        self.assertIn("MANTTO-TIPO", self.error_codes(doc))

    def test_it_warns_when_the_sat_certificate_is_unavailable(self):
        s = self.service()
        with self.settings(SAT_CERTS_DIR=self.media / "vacio"):
            from mantto.invoicing import reading

            reading._store.cache_clear()
            doc = self.upload(self.xml(s), s)
        self.assertEqual(doc.state, State.DRAFT, doc.findings)
        self.assertTrue(doc.warnings)

    def test_it_validates_the_cost_centre_data(self):
        s = self.service()
        doc = self.upload(self.xml(s), s, cost_centre_data={"orden_compra": "123"})
        f = next(f for f in doc.findings if f["code"] == "MANTTO-CC-DATOS")
        self.assertIn("Orden de compra", " ".join(f["details"]))
        self.assertEqual(doc.state, State.INVALID)

    def test_it_reads_the_numbers_in_a_batch_without_typing(self):
        s = self.service()
        doc = self.upload(
            self.xml(s), typed_authorization="", typed_ticket="", cost_centre_data=self.cc_ok
        )
        self.assertEqual(doc.state, State.DRAFT, doc.findings)
        self.assertEqual(doc.service, s)

    def test_it_needs_the_fiscal_profile(self):
        from mantto.sat.models import FiscalProfile

        FiscalProfile.objects.all().delete()
        s = self.service()
        self.assertIn("MANTTO-FISCAL-CONFIG", self.error_codes(self.upload(self.xml(s), s)))

    def test_it_refuses_too_large_files_before_parsing(self):
        with self.settings(UPLOAD_MAX_BYTES=1000), self.assertRaises(DomainError) as cm:
            self.upload(b"<a>" + b" " * 2000 + b"</a>")
        self.assertEqual(cm.exception.code, "MANTTO-ARCHIVO-GRANDE")

    def test_it_refuses_a_pdf_that_is_not_a_pdf(self):
        s = self.service()
        with self.assertRaises(DomainError) as cm:
            self.upload(self.xml(s), s, pdf_name="f.pdf", pdf_data=b"hola")
        self.assertEqual(cm.exception.code, "MANTTO-PDF-INVALIDO")
        self.assertFalse(ReceivedDocument.objects.exists())

    def test_it_uses_the_upload_time_for_the_window(self):
        s = self.service(authorized_days=25)
        doc = self.upload(self.xml(s), s, now=self.now + timedelta(days=6))
        self.assertIn("MANTTO-AUT-30D", self.error_codes(doc))

    def test_it_stores_nothing_when_saving_fails_half_way(self):
        from unittest import mock

        s = self.service()
        with (
            mock.patch("mantto.invoicing.services.log_action", side_effect=RuntimeError("x")),
            self.assertRaises(RuntimeError),
        ):
            self.upload(self.xml(s), s, pdf_name="f.pdf", pdf_data=b"%PDF-1.4 x")
        self.assertFalse(ReceivedDocument.objects.exists())
        self.assertEqual([p for p in self.media.rglob("*") if p.is_file()], [])
