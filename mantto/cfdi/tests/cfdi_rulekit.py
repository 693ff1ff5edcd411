"""Helpers for the rule tests: run the rules on bytes and edit documents one thing at a time."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from mantto.cfdi import rules, testing
from mantto.cfdi.xmlsafe import parse

NS = {
    "cfdi": "http://www.sat.gob.mx/cfd/4",
    "pago20": "http://www.sat.gob.mx/Pagos20",
    "tfd": "http://www.sat.gob.mx/TimbreFiscalDigital",
}
C = "{" + NS["cfdi"] + "}"
P = "{" + NS["pago20"] + "}"

Change = Callable[[etree._Element], object]


def findings(xml: bytes):
    root, problems = parse(xml)
    assert root is not None, problems
    return rules.run(root)


def codes(xml: bytes) -> list[str]:
    return [f.code for f in findings(xml)]


def invoice(**kw) -> bytes:
    return testing.make_invoice(sign=False, stamp=False, **kw)


def credit_note(**kw) -> bytes:
    return testing.make_credit_note(sign=False, stamp=False, **kw)


def payment(**kw) -> bytes:
    return testing.make_payment(sign=False, stamp=False, **kw)


def node(root: etree._Element, path: str) -> etree._Element:
    """``path`` is an ElementPath from the root ("." for the root itself)."""
    el = root if path == "." else root.find(path, NS)
    assert el is not None, path
    return el


def put(path: str, **attrs: str | None) -> Change:
    """Set (or with None, remove) attributes of the node at ``path``."""

    def change(root: etree._Element) -> None:
        el = node(root, path)
        for k, v in attrs.items():
            if v is None:
                el.attrib.pop(k, None)
            else:
                el.set(k, v)

    return change


def drop(path: str) -> Change:
    def change(root: etree._Element) -> None:
        el = node(root, path)
        el.getparent().remove(el)

    return change


def dup(path: str) -> Change:
    """Insert a copy of the node right after it."""

    def change(root: etree._Element) -> None:
        el = node(root, path)
        el.addnext(etree.fromstring(etree.tostring(el)))

    return change


def add(path: str, xml: str, index: int | None = None) -> Change:
    """Insert a child parsed from ``xml`` (prefixes cfdi/pago20 declared) into ``path``."""

    def change(root: etree._Element) -> None:
        parent = node(root, path)
        decl = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
        child = etree.fromstring(f"<wrap {decl}>{xml}</wrap>")[0]
        if index is None:
            parent.append(child)
        else:
            parent.insert(index, child)

    return change


def ensure_complemento(root: etree._Element) -> etree._Element:
    comp = root.find("cfdi:Complemento", NS)
    if comp is None:
        comp = etree.SubElement(root, C + "Complemento")
    return comp


def chain(*changes: Change) -> Change:
    def change(root: etree._Element) -> None:
        for ch in changes:
            ch(root)

    return change


def edit(xml: bytes, *changes: Change) -> bytes:
    return testing.mutate(xml, chain(*changes))
