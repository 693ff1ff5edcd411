"""validate(): the verdict, the parsed fields a portal shows, JSON output and speed."""

from __future__ import annotations

import json
import statistics
import time
from decimal import Decimal
from unittest import mock

import pytest
from cfdi_rulekit import edit, findings, put

from mantto.cfdi import catalogs, rules, testing, xmlsafe
from mantto.cfdi.certs import SatCertStore
from mantto.cfdi.testing import Concepto
from mantto.cfdi.validate import Report, validate


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SatCertStore:
    return SatCertStore(
        testing.write_sat_cert(tmp_path_factory.mktemp("sat")).parent,
        ca_dir=testing.write_ca_dir(tmp_path_factory.mktemp("ca")),
    )


def test_it_accepts_a_signed_and_stamped_invoice(store: SatCertStore):
    xml = testing.make_invoice()
    r = validate(xml, store=store)
    assert r.valid, [f.as_dict() for f in r.findings]
    assert r.uuid == testing.uuid_of(xml).upper()
    assert (r.tipo, r.version, r.moneda) == ("I", "4.0", "MXN")
    assert r.emisor_rfc == testing.EMISOR_RFC and r.emisor_nombre == testing.EMISOR["Nombre"]
    assert r.receptor_rfc == testing.RECEPTOR_RFC
    assert r.receptor_domicilio_fiscal == "11000" and r.receptor_regimen == "601"
    assert (r.metodo_pago, r.forma_pago, r.uso_cfdi) == ("PPD", "99", "G03")
    assert r.total == Decimal("5105.16") and r.subtotal == Decimal("4401.00")
    assert r.total_impuestos_trasladados == Decimal("704.16")
    assert [c.descripcion for c in r.conceptos] == [
        "Servicio de mantenimiento preventivo",
        "Balatas delanteras",
    ]
    second = r.conceptos[1]
    assert (second.no_identificacion, second.cantidad, second.valor_unitario, second.importe) == (
        "BAL-001",
        Decimal("2"),
        Decimal("450.50"),
        Decimal("901.00"),
    )
    assert r.fecha and r.fecha_timbrado and r.serie == "A"


def test_it_reads_the_related_invoice_of_a_credit_note():
    related = "0E7B0C2A-1F3B-4E6C-9A0B-2C1D3E4F5A6B"
    r = validate(testing.make_credit_note(related, stamp=False), unstamped=True)
    assert r.valid, r.findings
    assert r.tipo == "E"
    assert [(x.tipo_relacion, x.uuids) for x in r.relacionados] == [("01", [related])]


def test_it_reads_the_payment_data_of_a_complement():
    related = "0E7B0C2A-1F3B-4E6C-9A0B-2C1D3E4F5A6B"
    r = validate(testing.make_payment(related, stamp=False), unstamped=True)
    assert r.valid, r.findings
    assert r.tipo == "P" and r.total == 0 and r.moneda == "XXX"
    [pago] = r.pagos
    assert (pago.forma, pago.moneda, pago.monto) == ("03", "MXN", Decimal("5105.16"))
    [doc] = pago.doctos
    assert doc.id_documento == related and doc.num_parcialidad == 1
    assert (doc.imp_saldo_ant, doc.imp_pagado, doc.imp_saldo_insoluto) == (
        Decimal("5105.16"),
        Decimal("5105.16"),
        Decimal("0.00"),
    )
    assert r.monto_total_pagos == Decimal("5105.16")


def test_it_serialises_to_json_with_amounts_as_strings():
    r = validate(testing.make_invoice(stamp=False), unstamped=True)
    d = json.loads(json.dumps(r.as_dict()))
    assert d["total"] == "5105.16" and d["valid"] is True
    assert d["conceptos"][0]["importe"] == "3500.00"
    bad = validate(
        edit(testing.make_invoice(sign=False, stamp=False), put(".", Total="1.00")), unstamped=True
    ).as_dict()
    assert {"code": "CFDI40119", "severity": "error"}.items() <= bad["findings"][0].items() or any(
        f["code"] == "CFDI40119" for f in bad["findings"]
    )


def test_it_refuses_cfdi_33_as_no_longer_accepted_by_sat():
    xml = (
        b'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3" Total="10.00"/>'
    )
    r = validate(xml)
    assert not r.valid
    assert [f.code for f in r.findings] == ["MANTTO-VERSION-OBSOLETA"]
    assert "4.0" in r.findings[0].message and r.version == "3.3"


def test_it_refuses_a_version_other_than_40_in_the_40_namespace():
    xml = edit(testing.make_invoice(sign=False, stamp=False), put(".", Version="3.3"))
    assert [f.code for f in validate(xml).findings] == ["MANTTO-VERSION-OBSOLETA"]


def test_it_refuses_xml_that_is_not_a_cfdi():
    r = validate(b"<factura><total>10</total></factura>")
    assert [f.code for f in r.findings] == ["MANTTO-NO-CFDI"]


def test_it_warns_about_complements_it_does_not_check_in_depth():
    def add_leyenda(root):
        from lxml import etree

        comp = root.find("cfdi:Complemento", {"cfdi": "http://www.sat.gob.mx/cfd/4"})
        etree.SubElement(comp, "{http://www.sat.gob.mx/leyendasFiscales}LeyendasFiscales")

    xml = testing.mutate(
        testing.make_invoice(sign=False, stamp=False, addenda=None),
        lambda root: root.append(root.makeelement("{http://www.sat.gob.mx/cfd/4}Complemento")),
    )
    xml = testing.mutate(xml, add_leyenda)
    found = findings(xml)
    assert [(f.code, f.is_error) for f in found] == [("MANTTO-COMPLEMENTO-NO-VERIFICADO", False)]


def test_it_turns_an_unexpected_crash_into_a_finding():
    with mock.patch("mantto.cfdi.rules.run", side_effect=RuntimeError("boom")):
        r = validate(testing.make_invoice(sign=False, stamp=False), unstamped=True)
    assert not r.valid and r.findings[-1].code == "MANTTO-INTERNO"


def test_it_computes_money_with_decimal_and_currency_decimals():
    # 3 × 0.335 = 1.005 → ROUND_HALF_UP gives 1.01 (a float would give 1.00).
    xml = testing.make_invoice(
        stamp=False,
        conceptos=[Concepto(cantidad="3", valor_unitario="0.335", iva=None, objeto_imp="01")],
    )
    assert b'SubTotal="1.01"' in xml
    assert validate(xml, unstamped=True).valid


def test_it_is_a_report_dataclass():
    assert isinstance(validate(b""), Report)


def _median_us(fn, n: int = 300) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1e6


def test_the_rules_take_bounded_time():
    # Speed targets live in bench/cfdi_validate.py, not in unit tests. This only catches
    # a pathological regression (a per-document catalog load, a quadratic walk): ~100 µs
    # on a quiet machine, and the ceiling is far above what a loaded runner can add.
    catalogs.warm()
    for xml in (testing.make_invoice(), testing.make_payment()):
        root, _ = xmlsafe.parse(xml)
        rules.run(root)
        assert _median_us(lambda root=root: rules.run(root), n=100) < 50_000


def test_it_leaves_stamp_attributes_to_the_seal_checks_without_duplicates(store):
    xml = testing.mutate(testing.make_invoice(), lambda r: testing.tfd_of(r).set("Version", "1.0"))
    codes = [(f.code, f.path) for f in validate(xml, store=store).findings]
    tfd_version = "/Comprobante/Complemento/TimbreFiscalDigital/@Version"
    assert ("MANTTO-TFD-VERSION", tfd_version) in codes
    assert ("MANTTO-XSD-VALUE", tfd_version) not in codes
