"""Cadena original of CFDI 4.0 and of TimbreFiscalDigital 1.1, exactly as SAT's XSLT.

Running SAT's ``cadenaoriginal_4_0.xslt`` costs 80-160 µs per document; this module walks
the lxml tree by hand instead, reproducing the stylesheet's semantics:

1. Attributes come in the stylesheet's order, never in document order.
2. "Requerido" always writes ``|`` + normalize-space(value) (an absent attribute gives an
   empty field); "Opcional" writes only when the attribute exists, even if it is empty
   (``test="$valor"`` on a node-set is true for an existing attribute).
3. Child elements come grouped per ``select``/``for-each`` of the stylesheet (all
   InformacionGlobal, then all CfdiRelacionados, ...), each group in document order, so
   a duplicated or injected node is part of the cadena exactly as SAT sees it.
4. Inside ``Complemento`` the 4.0 stylesheet applies templates to every child. Pagos 2.0
   has its template; TimbreFiscalDigital has none, so XSLT's built-in rule outputs its
   text content, which for a normal (empty) TFD is nothing. Addenda is never selected.
5. Anything else (other complements, any ``ComplementoConcepto`` child, a TFD with
   content) falls back to SAT's own stylesheet, compiled once from the files satcfdi
   installs, with the network disabled.

Documents in schema order (all XSD-valid ones) take the single-pass walker of
``cadena_fast``; the grouped walker below is the exact reference for everything else.
Fields are collected raw and normalized only when the joined text shows a need for it.
On the development machine: ~25 µs per document against ~80 µs for SAT's XSLT.
"""

from __future__ import annotations

from lxml import etree

from .cadena_fast import NotCanonical, fields_fast
from .cadena_spec import (
    _COMPROBANTE,
    _CONCEPTO,
    _DOCTO,
    _EMISOR,
    _INFO_GLOBAL,
    _PAGO,
    _PARTE,
    _RECEPTOR,
    _RETENCION,
    _RETENCION_DR,
    _RETENCION_G,
    _RETENCION_P,
    _TERCEROS,
    _TFD,
    _TOTALES,
    _TRASLADO,
    _TRASLADO_DR,
    _TRASLADO_G,
    _TRASLADO_P,
    CFDI,
    COMPROBANTE,
    PAGO20,
    PAGOS_TAG,
    TFD,
    TFD_TAG,
    Fallback,
    attrs,
    normalize_space,
)
from .satxslt import cadena_original_xslt, cadena_tfd_xslt

__all__ = [
    "CFDI",
    "COMPROBANTE",
    "PAGO20",
    "PAGOS_TAG",
    "TFD",
    "TFD_TAG",
    "Fallback",
    "NotCanonical",
    "cadena_original",
    "cadena_original_xslt",
    "cadena_tfd",
    "cadena_tfd_xslt",
    "fields_fast",
    "normalize_space",
]


def _concepto(c: etree._Element, out: list[str]) -> None:
    attrs(c, _CONCEPTO, out)
    imps = list(c.iterchildren(CFDI + "Impuestos"))
    for imp in imps:
        for group in imp.iterchildren(CFDI + "Traslados"):
            for t in group.iterchildren(CFDI + "Traslado"):
                attrs(t, _TRASLADO, out)
    for imp in imps:
        for group in imp.iterchildren(CFDI + "Retenciones"):
            for r in group.iterchildren(CFDI + "Retencion"):
                attrs(r, _RETENCION, out)
    if len(c) != len(imps):  # the usual case is a concept with only Impuestos below it
        _concepto_extra(c, out)
    # ".//cfdi:Parte" is any descendant, wherever it was put, so it is always searched.
    for parte in c.iter(CFDI + "Parte"):
        attrs(parte, _PARTE, out)
        for a in parte.iter(CFDI + "InformacionAduanera"):
            out.append(a.get("NumeroPedimento") or "")


def _concepto_extra(c: etree._Element, out: list[str]) -> None:
    for t in c.iterchildren(CFDI + "ACuentaTerceros"):
        attrs(t, _TERCEROS, out)
    for a in c.iterchildren(CFDI + "InformacionAduanera"):
        out.append(a.get("NumeroPedimento") or "")
    for p in c.iterchildren(CFDI + "CuentaPredial"):
        out.append(p.get("Numero") or "")
    for cc in c.iterchildren(CFDI + "ComplementoConcepto"):
        if len(cc):
            raise Fallback


def _impuestos(imp: etree._Element, out: list[str]) -> None:
    for group in imp.iterchildren(CFDI + "Retenciones"):
        for r in group.iterchildren(CFDI + "Retencion"):
            attrs(r, _RETENCION_G, out)
    v = imp.get("TotalImpuestosRetenidos")
    if v is not None:
        out.append(v)
    for group in imp.iterchildren(CFDI + "Traslados"):
        for t in group.iterchildren(CFDI + "Traslado"):
            attrs(t, _TRASLADO_G, out)
    v = imp.get("TotalImpuestosTrasladados")
    if v is not None:
        out.append(v)


def _pagos(pagos: etree._Element, out: list[str]) -> None:
    out.append(pagos.get("Version") or "")
    for t in pagos.iterchildren(PAGO20 + "Totales"):
        attrs(t, _TOTALES, out)
    for pago in pagos.iterchildren(PAGO20 + "Pago"):
        attrs(pago, _PAGO, out)
        for dr in pago.iterchildren(PAGO20 + "DoctoRelacionado"):
            attrs(dr, _DOCTO, out)
            imps = list(dr.iterchildren(PAGO20 + "ImpuestosDR"))
            for imp in imps:
                for g in imp.iterchildren(PAGO20 + "RetencionesDR"):
                    for r in g.iterchildren(PAGO20 + "RetencionDR"):
                        attrs(r, _RETENCION_DR, out)
            for imp in imps:
                for g in imp.iterchildren(PAGO20 + "TrasladosDR"):
                    for t in g.iterchildren(PAGO20 + "TrasladoDR"):
                        attrs(t, _TRASLADO_DR, out)
        for imp in pago.iterchildren(PAGO20 + "ImpuestosP"):
            for g in imp.iterchildren(PAGO20 + "RetencionesP"):
                for r in g.iterchildren(PAGO20 + "RetencionP"):
                    attrs(r, _RETENCION_P, out)
            for g in imp.iterchildren(PAGO20 + "TrasladosP"):
                for t in g.iterchildren(PAGO20 + "TrasladoP"):
                    attrs(t, _TRASLADO_P, out)


def _complemento(comp: etree._Element, out: list[str]) -> None:
    for child in comp.iterchildren(tag=etree.Element):
        tag = child.tag
        if tag == PAGOS_TAG:
            _pagos(child, out)
        elif tag == TFD_TAG:
            # Built-in template: only its text would be output; a normal TFD has none.
            if len(child) or child.text is not None:
                raise Fallback
        else:
            raise Fallback


def _fields(root: etree._Element) -> list[str]:
    """The raw (not yet normalized) field values, in the stylesheet's order."""
    out: list[str] = []
    attrs(root, _COMPROBANTE, out)
    groups: dict[object, list[etree._Element]] = {}
    for child in root:
        groups.setdefault(child.tag, []).append(child)
    for ig in groups.get(CFDI + "InformacionGlobal", ()):
        attrs(ig, _INFO_GLOBAL, out)
    for rel in groups.get(CFDI + "CfdiRelacionados", ()):
        out.append(rel.get("TipoRelacion") or "")
        for r in rel.iterchildren(CFDI + "CfdiRelacionado"):
            out.append(r.get("UUID") or "")
    for e in groups.get(CFDI + "Emisor", ()):
        attrs(e, _EMISOR, out)
    for r in groups.get(CFDI + "Receptor", ()):
        attrs(r, _RECEPTOR, out)
    for conceptos in groups.get(CFDI + "Conceptos", ()):
        for c in conceptos.iterchildren(CFDI + "Concepto"):
            _concepto(c, out)
    for imp in groups.get(CFDI + "Impuestos", ()):
        _impuestos(imp, out)
    for comp in groups.get(CFDI + "Complemento", ()):
        _complemento(comp, out)
    return out


def _join(out: list[str]) -> str:
    body = "|".join(out)
    # normalize-space() changes a field only if it has a tab/CR/LF, two spaces in a row, or
    # a space at either end (next to a separator); checking the joined text for those is
    # a handful of memchr-speed scans instead of one call per field. False alarms (a "|"
    # inside a value) only take the exact slow path.
    if (
        "  " in body
        or "| " in body
        or " |" in body
        or "\t" in body
        or "\n" in body
        or "\r" in body
        or body[:1] == " "
        or body[-1:] == " "
    ):
        body = "|".join(map(normalize_space, out))
    return "||" + body + "||"


def cadena_original(
    root: etree._Element, snapshot: dict[etree._Element, dict[str, str]] | None = None
) -> str:
    """Cadena original of the CFDI 4.0 whose root element (``cfdi:Comprobante``) is given.

    Must be the tree parsed from the bytes received (not a rebuilt document), so that
    everything the XSLT would see is what is verified. ``snapshot`` is that tree's
    attributes by element (rules.context.snapshot) when the caller already read them.
    """
    if root.tag != COMPROBANTE:
        return "|||"  # what the stylesheet outputs when the root is something else
    try:
        try:
            out = fields_fast(root, snapshot)
        except NotCanonical:
            out = _fields(root)
    except Fallback:
        return cadena_original_xslt(root)
    return _join(out)


def cadena_tfd(tfd: etree._Element | dict[str, str]) -> str:
    """Cadena original of TimbreFiscalDigital 1.1 (the data SelloSAT signs).

    ``tfd`` is the element or the dict of its attributes (only its attributes count)."""
    out: list[str] = []
    attrs(tfd, _TFD, out)
    return _join(out)
