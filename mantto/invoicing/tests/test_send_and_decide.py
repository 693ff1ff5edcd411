"""Enviar (screen 07), Finanzas' accept / reject, automatic acceptance, credit notes and
payment complements."""

from __future__ import annotations

from decimal import Decimal

from django.core import mail
from django.urls import reverse

from mantto.audit.models import AuditEntry
from mantto.cfdi import testing
from mantto.core.errors import DomainError
from mantto.invoicing import services
from mantto.invoicing.models import ReceivedDocument, State
from mantto.invoicing.tests.helpers import TOTAL, InvoicingTestCase
from mantto.notifications.models import OutboxEmail
from mantto.notifications.services import flush_outbox


class SendTest(InvoicingTestCase):
    def test_it_sends_only_when_the_workshop_presses_enviar(self):
        s = self.service()
        doc = self.upload(self.xml(s), s)
        self.assertEqual(ReceivedDocument.objects.get().state, State.DRAFT)
        self.login(self.owner)
        r = self.client.post(reverse("invoicing:send", args=[doc.code]))
        self.assertRedirects(r, reverse("invoicing:history"))
        doc.refresh_from_db()
        self.assertEqual(doc.state, State.SENT)
        self.assertEqual(doc.sent_by, self.owner)
        entry = AuditEntry.objects.get(action="invoice.sent")
        self.assertEqual(entry.supplier_id, self.supplier.pk)

    def test_it_sends_once(self):
        s = self.service()
        doc = self.upload(self.xml(s), s)
        services.send_document(self.owner, doc, now=self.now)
        with self.assertRaises(DomainError) as cm:
            services.send_document(self.colleague, doc, now=self.now)
        self.assertEqual(cm.exception.code, "MANTTO-YA-ENVIADA")

    def test_it_never_sends_a_document_with_errors(self):
        s = self.service()
        doc = self.upload(self.xml(s, receptor={"Rfc": "XAX010101000"}), s)
        with self.assertRaises(DomainError) as cm:
            services.send_document(self.owner, doc, now=self.now)
        self.assertEqual(cm.exception.code, "MANTTO-CON-ERRORES")
        self.login(self.owner)
        r = self.client.post(reverse("invoicing:send", args=[doc.code]), follow=True)
        self.assertContains(r, "MANTTO-CON-ERRORES")

    def test_it_lets_the_outsider_not_send_the_owners_document(self):
        s = self.service()
        doc = self.upload(self.xml(s), s)
        self.login(self.outsider)
        r = self.client.post(reverse("invoicing:send", args=[doc.code]))
        self.assertEqual(r.status_code, 404)

    def test_it_rechecks_the_window_when_sending(self):
        s = self.service(authorized_days=30)
        doc = self.upload(self.xml(s), s)
        from datetime import timedelta

        with self.assertRaises(DomainError) as cm:
            services.send_document(self.owner, doc, now=self.now + timedelta(days=2))
        self.assertEqual(cm.exception.code, "MANTTO-AUT-30D")

    def test_it_counts_late_invoices_in_the_suppliers_record(self):
        s = self.service(delivered_hours=48)
        doc = self.upload(self.xml(s), s)
        services.send_document(self.owner, doc, now=self.now)
        self.assertTrue(ReceivedDocument.objects.get().is_late)
        self.assertEqual(services.late_count(self.supplier), 1)
        self.assertEqual(services.late_count(self.other_supplier), 0)
        self.login(self.coordinador)
        r = self.client.get(f"/talleres/{self.supplier.code}/")
        self.assertContains(
            r, '<dd id="late-invoices"><span class="badge warn">1</span></dd>', html=True
        )

    def test_it_fixes_cost_centre_data_before_sending(self):
        s = self.service()
        doc = self.upload(self.xml(s), s, cost_centre_data={})
        self.assertEqual(doc.state, State.INVALID)
        self.login(self.owner)
        self.client.post(
            reverse("invoicing:cost_centre", args=[doc.code]), {"cc_orden_compra": "OC-654321"}
        )
        doc.refresh_from_db()
        self.assertEqual(doc.state, State.DRAFT)
        self.assertEqual(doc.cost_centre_data, {"orden_compra": "OC-654321"})

    def test_it_accepts_automatically_when_configured_and_everything_passes(self):
        s = self.service()
        doc = self.upload(self.xml(s), s)
        with self.settings(INVOICE_AUTO_ACCEPT=True):
            services.send_document(self.owner, doc, now=self.now)
        doc.refresh_from_db()
        s.refresh_from_db()
        self.assertEqual(doc.state, State.ACCEPTED)
        self.assertEqual(s.invoice_accepted_at, self.now)

    def test_it_leaves_documents_with_warnings_to_finanzas(self):
        s = self.service()
        with self.settings(SAT_CERTS_DIR=self.media / "sin-certificados"):
            from mantto.invoicing import reading

            reading._store.cache_clear()
            doc = self.upload(self.xml(s), s)
        self.assertTrue(doc.warnings)
        with self.settings(INVOICE_AUTO_ACCEPT=True):
            services.send_document(self.owner, doc, now=self.now)
        doc.refresh_from_db()
        self.assertEqual(doc.state, State.SENT)


class DecideTest(InvoicingTestCase):
    def sent(self):
        s = self.service()
        doc = self.upload(self.xml(s), s)
        return s, services.send_document(self.owner, doc, now=self.now)

    def test_it_lets_finanzas_accept_and_makes_the_invoice_payable(self):
        s, doc = self.sent()
        self.login(self.finanzas)
        r = self.client.get(reverse("invoicing:queue"))
        self.assertContains(r, doc.uuid)
        r = self.client.post(reverse("invoicing:decide", args=[doc.code]), {"decision": "aceptar"})
        self.assertRedirects(r, reverse("invoicing:queue"))
        doc.refresh_from_db()
        s.refresh_from_db()
        self.assertEqual(doc.state, State.ACCEPTED)
        self.assertEqual(doc.decided_by, self.finanzas)
        self.assertIsNotNone(s.invoice_accepted_at)
        self.assertEqual(doc.amount_payable, TOTAL)
        flush_outbox()
        msg = mail.outbox[-1]
        self.assertIn(self.supplier.email, msg.to)
        self.assertIn(doc.uuid, msg.subject)
        self.assertIn("Finanzas aceptó tu CFDI", msg.body)
        self.assertIn("Finanzas aceptó tu CFDI", msg.alternatives[0][0])

    def test_it_requires_a_reason_to_reject_and_mails_it(self):
        _s, doc = self.sent()
        with self.assertRaises(DomainError) as cm:
            services.reject_document(self.finanzas, doc, reason=" ", now=self.now)
        self.assertEqual(cm.exception.code, "MANTTO-MOTIVO")
        services.reject_document(
            self.finanzas, doc, reason="El concepto no coincide con la orden", now=self.now
        )
        doc.refresh_from_db()
        self.assertEqual(doc.state, State.REJECTED)
        email = OutboxEmail.objects.get(kind="invoice-rejected")
        self.assertIn("El concepto no coincide con la orden", email.body_text)
        self.assertIn("El concepto no coincide con la orden", email.body_html)
        self.assertEqual(doc.amount_payable, Decimal("0.00"))

    def test_it_writes_the_invoice_steps_on_the_service_timeline(self):
        s, doc = self.sent()
        services.reject_document(
            self.finanzas, doc, reason="Falta la orden de compra", now=self.now
        )
        kinds = list(s.events.values_list("kind", "note"))
        self.assertIn(("fact_enviada", f"UUID {doc.uuid} por $5,105.16."), kinds)
        self.assertIn(
            ("fact_rechazada", f"UUID {doc.uuid} por $5,105.16. Falta la orden de compra"), kinds
        )
        self.login(self.coordinador)
        r = self.client.get(reverse("services:detail", args=[s.code]))
        self.assertContains(r, "Factura rechazada por Finanzas")

    def test_it_lets_a_rejected_invoice_be_uploaded_again(self):
        s, doc = self.sent()
        services.reject_document(
            self.finanzas, doc, reason="Falta la orden de compra", now=self.now
        )
        with doc.xml_file.open("rb") as fh:
            again = self.upload(fh.read(), s)
        self.assertEqual(again.state, State.DRAFT, again.findings)
        services.send_document(self.owner, again, now=self.now)

    def test_it_does_not_let_the_workshop_decide(self):
        _s, doc = self.sent()
        self.login(self.owner)
        r = self.client.post(reverse("invoicing:decide", args=[doc.code]), {"decision": "aceptar"})
        self.assertEqual(r.status_code, 403)
        with self.assertRaises(DomainError):
            services.accept_document(self.owner, doc, now=self.now)

    def test_it_decides_only_sent_documents(self):
        _s, doc = self.sent()
        services.accept_document(self.finanzas, doc, now=self.now)
        with self.assertRaises(DomainError) as cm:
            services.reject_document(self.finanzas, doc, reason="cambio de opinión", now=self.now)
        self.assertEqual(cm.exception.code, "MANTTO-ESTADO")


class CreditNoteTest(InvoicingTestCase):
    def test_it_reduces_the_amount_payable_of_its_invoice(self):
        invoice = self.accepted_invoice()
        note = self.upload(self.credit_note_xml(invoice.uuid), kind="E")
        self.assertEqual(note.state, State.DRAFT, note.findings)
        self.assertEqual(note.related_invoice, invoice)
        self.assertEqual(note.service, invoice.service)
        services.send_document(self.owner, note, now=self.now)
        services.accept_document(self.finanzas, note, now=self.now)
        invoice.refresh_from_db()
        self.assertEqual(invoice.amount_payable, TOTAL - Decimal("580.00"))

    def test_it_cannot_exceed_its_invoice(self):
        invoice = self.accepted_invoice()
        big = [
            testing.Concepto(
                valor_unitario="5000.00",
                clave_prod_serv="84111506",
                clave_unidad="ACT",
                unidad=None,
            )
        ]
        note = self.upload(self.credit_note_xml(invoice.uuid, conceptos=big), kind="E")
        self.assertIn("MANTTO-NC-EXCEDE", self.error_codes(note))

    def test_it_must_relate_an_accepted_invoice_of_the_same_supplier(self):
        note = self.upload(self.credit_note_xml(None), kind="E")
        self.assertIn("MANTTO-NC-FACTURA", self.error_codes(note))
        theirs = self.accepted_invoice_of_other()
        note = self.upload(self.credit_note_xml(theirs.uuid), kind="E")
        self.assertIn("MANTTO-NC-FACTURA", self.error_codes(note))

    def accepted_invoice_of_other(self):
        s = self.service(self.other_supplier)
        doc = self.upload(self.xml(s, supplier=self.other_supplier), s, user=self.outsider)
        services.send_document(self.outsider, doc, now=self.now)
        return services.accept_document(self.finanzas, doc, now=self.now)

    def test_it_requires_tipo_relacion_01(self):
        invoice = self.accepted_invoice()
        note = self.upload(self.credit_note_xml(invoice.uuid, tipo_relacion="07"), kind="E")
        self.assertIn("MANTTO-NC-RELACION", self.error_codes(note))


class PaymentComplementTest(InvoicingTestCase):
    def test_it_checks_and_stores_a_complement_without_matching_it(self):
        invoice = self.accepted_invoice()
        doc = self.upload(
            self.payment_xml(invoice.uuid, base="4401.00"), kind="P", cost_centre_data={}
        )
        self.assertEqual(doc.state, State.DRAFT, doc.findings)
        self.assertIn("MANTTO-PAGO-SIN-CONCILIAR", self.codes(doc))
        services.send_document(self.owner, doc, now=self.now)
        self.assertEqual(ReceivedDocument.objects.get(pk=doc.pk).state, State.SENT)
