"""The hand-written cadena original equals SAT's XSLT on a varied corpus."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from mantto.cfdi import cadena, testing
from mantto.cfdi.cadena import (
    CFDI,
    PAGO20,
    cadena_original,
    cadena_original_xslt,
    cadena_tfd,
    cadena_tfd_xslt,
    normalize_space,
)
from mantto.cfdi.rules.context import snapshot
from mantto.cfdi.testing import Concepto

Edit = Callable[[etree._Element], object]


def _add(parent: etree._Element, tag: str, index: int | None = None, **attrs: str):
    el = etree.Element(tag, attrs)
    if index is None:
        parent.append(el)
    else:
        parent.insert(index, el)
    return el


def _concept(root: etree._Element, n: int = 0) -> etree._Element:
    return root.find(CFDI + "Conceptos")[n]


def _terceros(root):
    c = _concept(root)
    _add(c, CFDI + "ACuentaTerceros", RfcACuentaTerceros="XYZ010101AB1",
         NombreACuentaTerceros="  TERCERO\tSA  ", RegimenFiscalACuentaTerceros="601",
         DomicilioFiscalACuentaTerceros="06600")  # fmt: skip
    _add(c, CFDI + "InformacionAduanera", NumeroPedimento="23  47  3807  3001234")
    _add(c, CFDI + "CuentaPredial", Numero="ABC123")
    parte = _add(c, CFDI + "Parte", ClaveProdServ="25172504", Cantidad="1",
                 Descripcion="Parte", Importe="1.00")  # fmt: skip
    _add(parte, CFDI + "InformacionAduanera", NumeroPedimento="23  47  3807  3009999")
    _add(c, CFDI + "ComplementoConcepto")  # empty: nothing to render


def _terceros_in_order(root):
    _terceros(root)
    c = _concept(root)
    c.insert(len(c) - 2, c[-1])  # ComplementoConcepto back before Parte, as the XSD wants


def _global(root):
    r = root.find(CFDI + "Receptor")
    r.set("Rfc", "XAXX010101000")
    r.set("Nombre", "PUBLICO EN GENERAL")
    _add(root, CFDI + "InformacionGlobal", 0, Periodicidad="04", Meses="11", Año="2026")


def _relacionados(root):
    for tipo in ("01", "07"):
        rel = _add(root, CFDI + "CfdiRelacionados", 0, TipoRelacion=tipo)
        for u in ("AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA", "BBBBBBBB-BBBB-BBBB-BBBB-BBBBBBBBBBBB"):
            _add(rel, CFDI + "CfdiRelacionado", UUID=u)


def _whitespace(root):
    c = _concept(root)
    c.set("Descripcion", "\t Servicio\n\n de   frenos \r ")
    c.set("NoIdentificacion", "")  # an empty Opcional still writes its separator
    root.find(CFDI + "Emisor").set("Nombre", "TALLER\u00a0 NBSP\u2003EMSPACE ÑANDÚ  ")
    root.set("CondicionesDePago", "   ")


def _missing_required(root):
    del root.find(CFDI + "Emisor").attrib["Nombre"]
    del root.attrib["Moneda"]


def _scrambled_order(root):
    # Document order of attributes and children must not matter; stylesheet order does.
    attrs = dict(root.attrib)
    root.attrib.clear()
    for k in reversed(list(attrs)):
        root.set(k, attrs[k])
    receptor = root.find(CFDI + "Receptor")
    root.remove(receptor)
    root.insert(0, receptor)
    root.insert(0, etree.Comment(" comentario "))


def _injected(root):
    c = _concept(root)
    imp = c.find(CFDI + "Impuestos")
    _add(imp, CFDI + "Parte", ClaveProdServ="1", Cantidad="1", Descripcion="oculta")
    root.append(etree.fromstring(etree.tostring(root.find(CFDI + "Emisor"))))
    _add(root.find(CFDI + "Conceptos"), "{urn:otro}Concepto", Importe="9")


def _addenda(root):
    add = _add(root, CFDI + "Addenda")
    add.append(etree.fromstring(etree.tostring(root.find(CFDI + "Conceptos"))))


def _pagos_many(root):
    pagos = root.find(f"{CFDI}Complemento/{PAGO20}Pagos")
    pago = pagos.find(PAGO20 + "Pago")
    pago.set("NumOperacion", "  SPEI  123 ")
    pago.set("CtaBeneficiario", "012180001234567897")
    pago.insert(0, etree.fromstring(etree.tostring(pago.find(PAGO20 + "DoctoRelacionado"))))
    pagos.append(etree.fromstring(etree.tostring(pago)))


VARIANTS: dict[str, tuple[Callable[..., bytes], dict, Edit | None]] = {
    "invoice": (testing.make_invoice, {}, None),
    "invoice-retenciones": (
        testing.make_invoice,
        {"conceptos": [Concepto(retenciones=[("002", "0.106667"), ("001", "0.100000")])]},
        None,
    ),
    "invoice-descuento": (
        testing.make_invoice,
        {"conceptos": [Concepto(descuento="100.00"), Concepto(iva=None, objeto_imp="01")]},
        None,
    ),
    "invoice-optional": (
        testing.make_invoice,
        {"Serie": None, "Folio": None, "Confirmacion": "ABC12", "TipoCambio": "1"},
        None,
    ),
    "terceros-aduana-parte": (testing.make_invoice, {}, _terceros),
    "terceros-in-order": (testing.make_invoice, {}, _terceros_in_order),
    "informacion-global": (testing.make_invoice, {}, _global),
    "relacionados": (testing.make_invoice, {}, _relacionados),
    "whitespace": (testing.make_invoice, {}, _whitespace),
    "missing-required": (testing.make_invoice, {}, _missing_required),
    "scrambled": (testing.make_invoice, {}, _scrambled_order),
    "injected": (testing.make_invoice, {}, _injected),
    "addenda": (testing.make_invoice, {}, _addenda),
    "credit-note": (testing.make_credit_note, {}, None),
    "payment": (testing.make_payment, {}, None),
    "payment-retenciones": (testing.make_payment, {"retencion_iva": "0.106667"}, None),
    "payment-no-taxes": (testing.make_payment, {"iva": None}, None),
    "payment-many": (testing.make_payment, {}, _pagos_many),
}


# Variants the fast path must hand over to the exact walker.
NOT_IN_SCHEMA_ORDER = {"scrambled", "injected", "terceros-aduana-parte"}


def _doc(name: str) -> etree._Element:
    build, kwargs, edit = VARIANTS[name]
    xml = build(**kwargs)
    return etree.fromstring(testing.mutate(xml, edit) if edit else xml)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_it_matches_sat_xslt(name):
    root = _doc(name)
    exact = cadena._fields(root)  # the hand-written path handles it (no XSLT fallback)
    try:
        assert cadena.fields_fast(root) == exact
        # validate() hands over the attributes it already read; same fields either way.
        assert cadena.fields_fast(root, snapshot(root)) == exact
    except cadena.NotCanonical:
        assert name in NOT_IN_SCHEMA_ORDER
    else:
        assert name not in NOT_IN_SCHEMA_ORDER
    assert cadena_original(root) == cadena_original_xslt(root)
    assert cadena_original(root, snapshot(root)) == cadena_original_xslt(root)


@pytest.mark.parametrize("name", ["invoice", "payment"])
def test_it_matches_sat_xslt_for_tfd(name):
    tfd = testing.tfd_of(_doc(name))
    assert cadena_tfd(tfd) == cadena_tfd_xslt(tfd)
    assert cadena_tfd(dict(tfd.items())) == cadena_tfd_xslt(tfd)  # as validate() passes it
    tfd.set("Leyenda", "  Leyenda   del PAC ")
    assert cadena_tfd(tfd) == cadena_tfd_xslt(tfd)
    assert "|Leyenda del PAC|" in cadena_tfd(tfd)


def test_it_falls_back_to_xslt_for_unknown_complements():
    implocal = (
        b'<implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal" '
        b'version="1.0" TotaldeRetenciones="0.00" TotaldeTraslados="10.00">'
        b'<implocal:TrasladosLocales ImpLocTrasladado="ISH" TasadeTraslado="3.00" '
        b'Importe="10.00"/></implocal:ImpuestosLocales>'
    )

    def add_implocal(root):
        comp = root.find(CFDI + "Complemento")
        comp.insert(0, etree.fromstring(implocal))

    root = etree.fromstring(testing.mutate(testing.make_invoice(), add_implocal))
    expected = cadena_original_xslt(root)
    assert "|1.0|0.00|10.00|ISH|3.00|10.00|" in expected
    assert cadena_original(root) == expected


def test_it_falls_back_for_complemento_concepto_and_tfd_with_text():
    def cc(root):
        el = _add(_concept(root), CFDI + "ComplementoConcepto")
        _add(el, "{urn:x}Algo", Valor="1")
        el[0].text = "texto"

    def tfd_text(root):
        testing.tfd_of(root).text = "\n  "

    for edit in (cc, tfd_text):
        root = etree.fromstring(testing.mutate(testing.make_invoice(), edit))
        with pytest.raises(cadena.Fallback):
            cadena._fields(root)
        assert cadena_original(root) == cadena_original_xslt(root)


def test_it_ignores_a_root_that_is_not_a_comprobante():
    root = etree.fromstring(b'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3"/>')
    assert cadena_original(root) == cadena_original_xslt(root) == "|||"


def test_it_normalizes_only_xml_whitespace():
    assert normalize_space("  a \t\n b\r ") == "a b"
    assert normalize_space("\u00a0a\u2003 b ") == "\u00a0a\u2003 b"
    assert normalize_space("") == ""


def test_it_puts_tfd_and_addenda_outside_the_cadena():
    root = _doc("invoice")
    before = cadena_original(root)
    root.append(etree.fromstring(b'<cfdi:Addenda xmlns:cfdi="http://www.sat.gob.mx/cfd/4"/>'))
    assert cadena_original(root) == before
    assert testing.tfd_of(root).get("UUID") not in before


# -- property: both walkers agree with the XSLT whatever the shape of the tree ---------

_BASES = [
    testing.make_invoice(
        conceptos=[Concepto(retenciones=[("002", "0.106667")]), Concepto()], sign=False
    ),
    testing.make_payment(retencion_iva="0.106667", sign=False),
]
_OPS = st.tuples(
    st.sampled_from(["shuffle", "dup", "comment", "drop", "move", "unset", "reorder"]),
    st.integers(0, 99),
    st.integers(0, 99),
)


def _apply(root: etree._Element, op: str, a: int, b: int) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    el = elements[a % len(elements)]
    kids = list(el)
    if op == "shuffle" and kids:
        kids = kids[b % len(kids) :] + kids[: b % len(kids)]
        for k in kids:
            el.append(k)
    elif op == "dup" and kids:
        el.insert(b % (len(kids) + 1), copy.deepcopy(kids[b % len(kids)]))
    elif op == "comment":
        el.insert(b % (len(kids) + 1), etree.Comment("x"))
    elif op == "drop" and kids:
        el.remove(kids[b % len(kids)])
    elif op == "move":
        target = elements[b % len(elements)]
        if target is not el and el is not root and el not in set(target.iterancestors()):
            target.append(el)
    elif op == "unset" and el.attrib:  # may drop a Requerido: the cadena writes "" for it
        del el.attrib[el.keys()[b % len(el.attrib)]]
    elif op == "reorder" and el.attrib:  # document order of attributes must not matter
        name = el.keys()[b % len(el.attrib)]
        value = el.attrib.pop(name)
        el.set(name, value)


@settings(max_examples=150, deadline=None)
@given(base=st.sampled_from(range(len(_BASES))), ops=st.lists(_OPS, min_size=1, max_size=4))
def test_it_matches_xslt_on_any_reshaped_tree(base, ops):
    root = etree.fromstring(_BASES[base])
    for op in ops:
        _apply(root, *op)
    assert cadena_original(root) == cadena_original(root, snapshot(root))
    assert cadena_original(root) == cadena_original_xslt(root)


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(0, 10_000),
    name=st.sampled_from(["Descripcion", "Nombre", "Rfc", "Serie", "Unidad", "Importe"]),
    value=st.text(st.sampled_from(" \t\n\r\u00a0\u2003a|Ñ"), max_size=12),
)
def test_it_normalizes_any_value_like_xslt(index, name, value):
    root = etree.fromstring(_BASES[0])
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    elements[index % len(elements)].set(name, value)
    assert cadena_original(root) == cadena_original(root, snapshot(root))
    assert cadena_original(root) == cadena_original_xslt(root)
