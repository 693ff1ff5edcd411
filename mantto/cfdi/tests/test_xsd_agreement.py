"""Our one-pass structure check agrees with SAT's own XSDs.

SAT's cfdv40.xsd, TimbreFiscalDigitalv11.xsd and Pagos20.xsd (with catCFDI.xsd and
tdCFDI.xsd) ship inside satcfdi. They are compiled once here, from local files only,
and every document of a generated corpus (valid documents plus one-change mutations)
gets the same verdict from both: XSD-invalid ⇒ we report a structure error,
XSD-valid ⇒ we report none.
"""

from __future__ import annotations

import random
from importlib.util import find_spec
from pathlib import Path

import pytest
from cfdi_rulekit import findings, payment
from lxml import etree

from mantto.cfdi import testing
from mantto.cfdi.rules import schema, schema_complementos
from mantto.cfdi.testing import Concepto

SAT = Path(next(iter(find_spec("satcfdi").submodule_search_locations))) / (
    "transform/schemas/www.sat.gob.mx/sitio_internet/cfd"
)


def _structure_codes() -> frozenset[str]:
    found: set[str] = set()

    def walk(el: schema.Elem) -> None:
        for a in el.attrs.values():
            if a.code:
                found.add(a.code)
        for *_, child, _lo, _hi in el.children:
            if child is not None:
                walk(child)

    for root in (schema.COMPROBANTE, schema_complementos.TFD, schema_complementos.PAGOS):
        walk(root)
    return frozenset(found)


STRUCTURE_CODES = _structure_codes()


def structure_errors(xml: bytes) -> list[str]:
    return [
        f.code
        for f in findings(xml)
        if f.is_error
        and (
            f.code.startswith("MANTTO-XSD-")
            or f.code in STRUCTURE_CODES
            or f.code in ("MANTTO-NO-CFDI", "MANTTO-VERSION-OBSOLETA")
        )
    ]


def compile_xsd() -> etree.XMLSchema:
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(SAT / rel).as_uri()}"/>'
        for ns, rel in (
            (schema.NS_CFDI, "4/cfdv40.xsd"),
            (schema.NS_TFD, "TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"),
            (schema.NS_PAGOS, "Pagos/Pagos20.xsd"),
        )
    )
    wrapper = (
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:mantto:wrapper">{imports}</xs:schema>'
    )
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.fromstring(wrapper.encode(), parser, base_url=(SAT / "wrapper.xsd").as_uri())
    return etree.XMLSchema(doc)


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return compile_xsd()


def bases() -> list[bytes]:
    return [
        testing.make_invoice(),
        testing.make_invoice(
            sign=False,
            stamp=False,
            conceptos=[
                Concepto(
                    retenciones=[("002", "0.106667"), ("001", "0.100000")], descuento="100.00"
                ),
                Concepto(valor_unitario="99.999999", cantidad="0.5", iva=None, objeto_imp="01"),
            ],
        ),
        testing.make_credit_note(),
        testing.make_payment(),
        payment(retencion_iva="0.106667"),
    ]


BAD_VALUES = [
    "",
    "abc",
    "-1",
    "0",
    "1.1234567",
    "1.1234560",
    " 12 ",
    "1.",
    ".5",
    "+1",
    "01",
    "9" * 19,
    "x|y",
    "A" * 301,
    "2026-02-30T10:00:00",
    "2026-01-01 10:00:00",
    "Ñ",
    "AAA010101AAA",
    "0.160000",
    "4.0",
    "1.1",
    "2.0",
    "99999999",
]


def mutations(xml: bytes, rnd: random.Random, per_doc: int) -> list[bytes]:
    root = etree.fromstring(xml)
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    out: list[bytes] = []

    def variant(change) -> None:
        r = etree.fromstring(xml)
        els = [el for el in r.iter() if isinstance(el.tag, str)]
        change(els)
        out.append(etree.tostring(r, xml_declaration=True, encoding="UTF-8"))

    for _ in range(per_doc):
        i = rnd.randrange(len(elements))
        el = elements[i]
        attrs = [a for a in el.attrib if not a.startswith("{")]
        kind = rnd.choice(
            [
                "value",
                "value",
                "value",
                "drop_attr",
                "extra_attr",
                "drop_el",
                "dup_el",
                "text",
                "swap",
                "foreign",
            ]
        )
        if kind == "value" and attrs:
            name, value = rnd.choice(attrs), rnd.choice(BAD_VALUES)
            variant(lambda els, i=i, n=name, v=value: els[i].set(n, v))
        elif kind == "drop_attr" and attrs:
            name = rnd.choice(attrs)
            variant(lambda els, i=i, n=name: els[i].attrib.pop(n))
        elif kind == "extra_attr":
            variant(lambda els, i=i: els[i].set("Extra", "1"))
        elif kind == "drop_el" and i > 0:
            variant(lambda els, i=i: els[i].getparent().remove(els[i]))
        elif kind == "dup_el" and i > 0:
            variant(lambda els, i=i: els[i].addnext(etree.fromstring(etree.tostring(els[i]))))
        elif kind == "text":
            variant(lambda els, i=i: setattr(els[i], "text", "texto"))
        elif kind == "swap" and len(el) >= 2:
            variant(lambda els, i=i: els[i].insert(0, els[i][-1]))
        elif kind == "foreign":
            variant(lambda els, i=i: els[i].append(etree.Element("{urn:otro}Nodo")))
    return out


def corpus() -> list[bytes]:
    rnd = random.Random(20261204)
    docs: list[bytes] = []
    for base in bases():
        docs.append(base)
        docs.extend(mutations(base, rnd, 240))
    return docs


def test_it_agrees_with_sat_xsd_on_valid_and_mutated_documents(xsd: etree.XMLSchema):
    docs = corpus()
    valid_seen = invalid_seen = 0
    disagreements = []
    for doc in docs:
        tree = etree.fromstring(doc)
        xsd_ok = xsd.validate(tree)
        ours = structure_errors(doc)
        if xsd_ok:
            valid_seen += 1
            if ours:
                disagreements.append(("xsd-valid", ours, doc))
        else:
            invalid_seen += 1
            if not ours:
                disagreements.append(("xsd-invalid", str(xsd.error_log.last_error), doc))
    assert valid_seen >= 100 and invalid_seen >= 400, (valid_seen, invalid_seen)
    assert not disagreements, [(k, why, d[:0]) for k, why, d in disagreements[:5]] + [
        d[1] for d in disagreements[:20]
    ]


def test_it_finds_the_base_documents_valid_for_the_xsd(xsd: etree.XMLSchema):
    for doc in bases():
        assert xsd.validate(etree.fromstring(doc)), xsd.error_log
        assert structure_errors(doc) == []
