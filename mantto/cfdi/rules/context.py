"""The parsed document as the semantic rules see it: located once, read many times."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .. import catalogs as cat
from ..findings import Finding, error, warning
from . import values as v
from .schema import NS_CFDI, NS_PAGOS, NS_TFD

C = "{" + NS_CFDI + "}"
P = "{" + NS_PAGOS + "}"
TFD_TAG = "{" + NS_TFD + "}TimbreFiscalDigital"
PAGOS_TAG = P + "Pagos"
_EMISOR, _RECEPTOR, _CONCEPTOS, _CONCEPTO = (
    C + "Emisor",
    C + "Receptor",
    C + "Conceptos",
    C + "Concepto",
)
_IMPUESTOS, _RELACIONADOS = C + "Impuestos", C + "CfdiRelacionados"
_INFO_GLOBAL, _COMPLEMENTO = C + "InformacionGlobal", C + "Complemento"


Attrs = dict[etree._Element, dict[str, str]]


def snapshot(root: etree._Element) -> Attrs:
    """Every node's attributes, read once: ``{element: {name: value}}``.

    lxml builds new strings on every ``get()``/``items()`` (~0.15 µs each) and the
    pipeline reads most attributes several times (structure, rules, report, cadena); a
    dict lookup is a third of that. Holding the elements as keys also keeps their Python
    proxies alive for the whole validation, so each is built once. The tree must not be
    modified while the snapshot is in use (validation never modifies it).
    """
    return {el: dict(el.items()) for el in root.iter()}


def kids(el: etree._Element, tag: str) -> list[etree._Element]:
    """Children with ``tag``. A plain loop: lxml's find()/findall() go through the
    ElementPath machinery, which costs more than the whole check of a node."""
    return [k for k in el if k.tag == tag]


def kid(el: etree._Element, tag: str) -> etree._Element | None:
    for k in el:
        if k.tag == tag:
            return k
    return None


def grandkids(el: etree._Element, tag: str, sub: str) -> list[etree._Element]:
    return [g for k in el if k.tag == tag for g in k if g.tag == sub]


class Ctx:
    """Everything the rules need, found in a single walk over the top of the tree."""

    __slots__ = (
        "root",
        "at",
        "a",
        "tipo",
        "moneda",
        "dec",
        "out",
        "emisor",
        "receptor",
        "info_global",
        "relacionados",
        "conceptos",
        "impuestos",
        "complemento",
        "complement_tags",
        "tfd",
        "pagos",
    )

    def __init__(self, root: etree._Element, out: list[Finding], at: Attrs | None = None) -> None:
        self.root = root
        self.out = out
        # Attributes of every node by element (read-only: shared with the other stages).
        self.at: Attrs = at if at is not None else snapshot(root)
        at = self.at
        self.a: dict[str, str] = at[root]
        self.tipo = self.a.get("TipoDeComprobante", "")
        self.moneda = self.a.get("Moneda", "")
        # Unknown currency: amounts are still checked, with MXN's two decimals.
        self.dec: int = cat.moneda_decimales().get(self.moneda, 2)
        self.emisor: dict[str, str] = {}
        self.receptor: dict[str, str] = {}
        self.info_global: etree._Element | None = None
        self.relacionados: list[etree._Element] = []
        self.conceptos: list[etree._Element] = []
        self.impuestos: etree._Element | None = None
        self.complemento: etree._Element | None = None
        self.complement_tags: set[str] = set()
        self.tfd: etree._Element | None = None
        self.pagos: etree._Element | None = None
        for child in root:
            tag = child.tag  # a comment's tag is a function: equal to none of these
            if tag == _EMISOR:
                self.emisor = at[child]
            elif tag == _RECEPTOR:
                self.receptor = at[child]
            elif tag == _CONCEPTOS:
                self.conceptos = [c for c in child if c.tag == _CONCEPTO]
            elif tag == _IMPUESTOS:
                self.impuestos = child
            elif tag == _RELACIONADOS:
                self.relacionados.append(child)
            elif tag == _INFO_GLOBAL:
                self.info_global = child
            elif tag == _COMPLEMENTO:
                self.complemento = child
                for k in child:
                    ktag = k.tag
                    if isinstance(ktag, str):
                        self.complement_tags.add(ktag)
                        if ktag == TFD_TAG and self.tfd is None:
                            self.tfd = k
                        elif ktag == PAGOS_TAG and self.pagos is None:
                            self.pagos = k

    def err(self, code: str, message: str, path: str = "") -> None:
        self.out.append(error(code, message, path))

    def warn(self, code: str, message: str, path: str = "") -> None:
        self.out.append(warning(code, message, path))

    def amount(self, attrs: dict[str, str] | etree._Attrib, name: str) -> Decimal | None:
        """A t_Importe attribute as Decimal, or None when absent or not a plain
        non-negative number (the structure check has already reported those)."""
        d = v.dec(attrs.get(name))
        return d if d is not None and d >= 0 else None
