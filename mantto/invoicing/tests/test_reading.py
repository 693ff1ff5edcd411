"""R3: the authorization and ticket numbers are found wherever the workshop's billing
system writes them, in the spellings workshops use."""

from __future__ import annotations

from mantto.cfdi import testing
from mantto.invoicing.reading import AUT_RE, TICKET_RE, digits, read
from mantto.invoicing.tests.helpers import InvoicingTestCase


def auts(text: str) -> list[str]:
    return [m.group(1) for m in AUT_RE.finditer(text)]


def tickets(text: str) -> list[str]:
    return [digits(m.group(1)) for m in TICKET_RE.finditer(text)]


class ReadingTest(InvoicingTestCase):
    def test_it_tolerates_spellings_of_the_authorization(self):
        for text in (
            "AUT 20000001",
            "AUT:20000001",
            "aut#20000001",
            "AUT-20000001",
            "Autorización: 20000001",
            "Autorizacion 20000001",
            "AUTORIZACIÓN NO. 20000001",
            "No. de autorización: 20000001",
            "No. de Autorizacion #20000001",
            "NumeroAutorizacion: 20000001",
            "Servicio preventivo (Aut. 20000001, ticket TKT-2026-000001)",
        ):
            with self.subTest(text=text):
                self.assertEqual(auts(text), ["20000001"])

    def test_it_does_not_take_other_words_or_numbers(self):
        self.assertEqual(auts("Automotriz 20000001"), [])
        self.assertEqual(auts("AUT 2000000123456789"), [])
        self.assertEqual(auts("Autorización 123456"), ["123456"])

    def test_it_tolerates_spellings_of_the_ticket(self):
        for text in (
            "Ticket TKT-2026-000001",
            "TICKET: TKT-2026-000001",
            "TKT-2026-000001",
            "TKT 2026-000001",
            "tkt#2026000001",
            "Ticket No. 2026-000001",
        ):
            with self.subTest(text=text):
                self.assertEqual(tickets(text), ["2026000001"])

    def test_it_searches_concepts_identification_folio_and_addenda(self):
        places = {
            "descripcion": dict(
                conceptos=[
                    testing.Concepto(descripcion="Servicio AUT 20000009 Ticket TKT-2026-000009")
                ]
            ),
            "no_identificacion": dict(
                conceptos=[
                    testing.Concepto(no_identificacion="AUT-20000009"),
                    testing.Concepto(no_identificacion="TKT-2026-000009"),
                ]
            ),  # fmt: skip
            "serie_folio": dict(
                Serie="AUT",
                Folio="20000009",
                conceptos=[testing.Concepto(descripcion="Servicio Ticket 2026-000009")],
            ),  # fmt: skip
            "addenda": dict(
                addenda='<a:X xmlns:a="urn:x"><a:Autorizacion>20000009</a:Autorizacion>'
                "<a:Ticket>TKT-2026-000009</a:Ticket></a:X>"
            ),
        }
        for place, kw in places.items():
            with self.subTest(place=place):
                parsed = read(self.xml(**kw))
                self.assertEqual(parsed.authorizations, ["20000009"])
                self.assertEqual(parsed.tickets, ["2026000009"])
