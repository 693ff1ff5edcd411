"""The test kit's documents are valid against SAT's XSD (cfdv40, Pagos20, TFD 1.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from mantto.cfdi import testing
from mantto.cfdi.cadena import CFDI
from mantto.cfdi.satxslt import local_parser, sat_schema_root

_SCHEMAS = {
    "http://www.sat.gob.mx/cfd/4": "sitio_internet/cfd/4/cfdv40.xsd",
    "http://www.sat.gob.mx/Pagos20": "sitio_internet/cfd/Pagos/Pagos20.xsd",
    "http://www.sat.gob.mx/TimbreFiscalDigital": (
        "sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"
    ),
}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    root = sat_schema_root()
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(root / rel).as_uri()}"/>'
        for ns, rel in _SCHEMAS.items()
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    doc = etree.fromstring(wrapper.encode(), local_parser(), base_url=str(root / "w.xsd"))
    return etree.XMLSchema(doc)


@pytest.mark.parametrize(
    "build",
    [
        testing.make_invoice,
        lambda: testing.make_invoice(
            conceptos=[testing.Concepto(retenciones=[("002", "0.106667")], descuento="10.00")]
        ),
        testing.make_credit_note,
        testing.make_payment,
        lambda: testing.make_payment(retencion_iva="0.106667"),
    ],
)
def test_it_builds_xsd_valid_documents(schema, build):
    root = etree.fromstring(build())
    schema.assertValid(root)


def test_it_computes_invoice_totals():
    root = etree.fromstring(testing.make_invoice())
    imp = root.find(CFDI + "Impuestos")
    sub = sum(Decimal(c.get("Importe")) for c in root.find(CFDI + "Conceptos"))
    assert Decimal(root.get("SubTotal")) == sub == Decimal("4401.00")
    assert Decimal(imp.get("TotalImpuestosTrasladados")) == Decimal("704.16")
    assert Decimal(root.get("Total")) == Decimal("5105.16")
    assert root.get("MetodoPago") == "PPD" and root.get("FormaPago") == "99"


def test_it_settles_the_default_invoice_with_the_default_payment():
    invoice = testing.make_invoice()
    payment = etree.fromstring(testing.make_payment(testing.uuid_of(invoice)))
    dr = payment.find(".//{http://www.sat.gob.mx/Pagos20}DoctoRelacionado")
    assert dr.get("IdDocumento") == testing.uuid_of(invoice)
    assert dr.get("ImpPagado") == etree.fromstring(invoice).get("Total")


def test_it_overrides_attributes_and_parties_before_signing():
    xml = testing.make_invoice(Folio="77", Serie=None, receptor={"UsoCFDI": "G01"}, stamp=False)
    root = etree.fromstring(xml)
    assert root.get("Folio") == "77" and root.get("Serie") is None
    assert root.find(CFDI + "Receptor").get("UsoCFDI") == "G01"
    assert root.find(CFDI + "Complemento") is None
