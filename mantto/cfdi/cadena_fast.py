"""Fast path of the cadena walker for documents whose nodes come in schema order.

The exact walker (cadena.py) asks lxml for each group separately (iterchildren(tag)
costs ~1 µs a call). When every element's children already come in the stylesheet's
group order and the leaves are empty (any XSD-valid CFDI), a single pass over each
child list gives the same fields. Anything else (comments, unknown or repeated nodes out
of order, content under leaves where ".//" would find it) raises NotCanonical and the
exact walker runs instead.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

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
    _TOTALES,
    _TRASLADO,
    _TRASLADO_DR,
    _TRASLADO_G,
    _TRASLADO_P,
    CFDI,
    PAGO20,
    PAGOS_TAG,
    TFD_TAG,
    Fallback,
    Spec,
    attrs,
)


class NotCanonical(Exception):
    pass


# Where an element's attributes are read: its snapshot dict, or the element itself (both
# answer .get(); the snapshot's dicts were read from the same tree, so the values match).
Of = Callable[[etree._Element], "dict[str, str] | etree._Element"]


_C = CFDI


def _ranks(ns: str, *names: str) -> dict[str, int]:
    return {ns + n: i for i, n in enumerate(names)}


_ROOT_RANK = _ranks(
    _C,
    "InformacionGlobal",
    "CfdiRelacionados",
    "Emisor",
    "Receptor",
    "Conceptos",
    "Impuestos",
    "Complemento",
    "Addenda",
)
_CONCEPTO_RANK = _ranks(
    _C,
    "Impuestos",
    "ACuentaTerceros",
    "InformacionAduanera",
    "CuentaPredial",
    "ComplementoConcepto",
    "Parte",
)
_IMP_CONCEPTO_RANK = {_C + "Traslados": 0, _C + "Retenciones": 1}
_IMP_GLOBAL_RANK = {_C + "Retenciones": 0, _C + "Traslados": 1}
_PAGOS_RANK = {PAGO20 + "Totales": 0, PAGO20 + "Pago": 1}
_PAGO_RANK = {PAGO20 + "DoctoRelacionado": 0, PAGO20 + "ImpuestosP": 1}
_DR_RANK = {PAGO20 + "ImpuestosDR": 0}
_IMP_DR_RANK = {PAGO20 + "RetencionesDR": 0, PAGO20 + "TrasladosDR": 1}
_IMP_P_RANK = {PAGO20 + "RetencionesP": 0, PAGO20 + "TrasladosP": 1}


def _ranked(el: etree._Element, ranks: dict[str, int]) -> list[tuple[int, etree._Element]]:
    """Children with their rank, refusing unknown tags and any out-of-order child."""
    result = []
    last = 0
    for kid in el:
        rank = ranks.get(kid.tag)  # a comment's tag is a function: not found
        if rank is None or rank < last:
            raise NotCanonical
        last = rank
        result.append((rank, kid))
    return result


def _leaves(group: etree._Element, tag: str, spec: Spec, out: list[str], of: Of) -> None:
    for kid in group:
        if kid.tag != tag or len(kid):
            raise NotCanonical
        attrs(of(kid), spec, out)


def _leaf(el: etree._Element) -> etree._Element:
    if len(el):
        raise NotCanonical
    return el


def _concepto_fast(c: etree._Element, out: list[str], of: Of) -> None:
    attrs(of(c), _CONCEPTO, out)
    if not len(c):
        return
    seen_impuestos = False
    for rank, kid in _ranked(c, _CONCEPTO_RANK):
        if rank == 0:
            if seen_impuestos:  # XSLT takes all traslados of all Impuestos first
                raise NotCanonical
            seen_impuestos = True
            for r, group in _ranked(kid, _IMP_CONCEPTO_RANK):
                if r == 0:
                    _leaves(group, _C + "Traslado", _TRASLADO, out, of)
                else:
                    _leaves(group, _C + "Retencion", _RETENCION, out, of)
        elif rank == 1:
            attrs(of(_leaf(kid)), _TERCEROS, out)
        elif rank == 2:
            out.append(of(_leaf(kid)).get("NumeroPedimento") or "")
        elif rank == 3:
            out.append(of(_leaf(kid)).get("Numero") or "")
        elif rank == 4:
            if len(kid):
                raise Fallback
        else:  # Parte, with its InformacionAduanera
            attrs(of(kid), _PARTE, out)
            for a in kid:
                if a.tag != _C + "InformacionAduanera" or len(a):
                    raise NotCanonical
                out.append(of(a).get("NumeroPedimento") or "")


def _impuestos_fast(imp: etree._Element, out: list[str], of: Of) -> None:
    groups = _ranked(imp, _IMP_GLOBAL_RANK)
    ia = of(imp)
    for rank, group in groups:
        if rank == 0:
            _leaves(group, _C + "Retencion", _RETENCION_G, out, of)
    v = ia.get("TotalImpuestosRetenidos")
    if v is not None:
        out.append(v)
    for rank, group in groups:
        if rank == 1:
            _leaves(group, _C + "Traslado", _TRASLADO_G, out, of)
    v = ia.get("TotalImpuestosTrasladados")
    if v is not None:
        out.append(v)


def _pagos_fast(pagos: etree._Element, out: list[str], of: Of) -> None:
    out.append(of(pagos).get("Version") or "")
    for rank, kid in _ranked(pagos, _PAGOS_RANK):
        if rank == 0:
            attrs(of(kid), _TOTALES, out)
            continue
        attrs(of(kid), _PAGO, out)
        for r, sub in _ranked(kid, _PAGO_RANK):
            if r == 0:
                attrs(of(sub), _DOCTO, out)
                imps = _ranked(sub, _DR_RANK)
                if len(imps) > 1:  # XSLT takes all RetencionesDR of all ImpuestosDR first
                    raise NotCanonical
                for _, imp in imps:
                    for r2, group in _ranked(imp, _IMP_DR_RANK):
                        if r2 == 0:
                            _leaves(group, PAGO20 + "RetencionDR", _RETENCION_DR, out, of)
                        else:
                            _leaves(group, PAGO20 + "TrasladoDR", _TRASLADO_DR, out, of)
            else:
                for r2, group in _ranked(sub, _IMP_P_RANK):
                    if r2 == 0:
                        _leaves(group, PAGO20 + "RetencionP", _RETENCION_P, out, of)
                    else:
                        _leaves(group, PAGO20 + "TrasladoP", _TRASLADO_P, out, of)


def _itself(el: etree._Element) -> etree._Element:
    return el


def fields_fast(
    root: etree._Element, snapshot: dict[etree._Element, dict[str, str]] | None = None
) -> list[str]:
    """``snapshot``: the tree's attributes by element (rules.context.snapshot), if any."""
    of: Of = snapshot.__getitem__ if snapshot is not None else _itself  # type: ignore[assignment]
    out: list[str] = []
    attrs(of(root), _COMPROBANTE, out)
    for rank, kid in _ranked(root, _ROOT_RANK):
        if rank == 0:
            attrs(of(kid), _INFO_GLOBAL, out)
        elif rank == 1:
            out.append(of(kid).get("TipoRelacion") or "")
            for r in kid:
                if r.tag != _C + "CfdiRelacionado":
                    raise NotCanonical
                out.append(of(r).get("UUID") or "")
        elif rank == 2:
            attrs(of(kid), _EMISOR, out)
        elif rank == 3:
            attrs(of(kid), _RECEPTOR, out)
        elif rank == 4:
            for c in kid:
                if c.tag != _C + "Concepto":
                    raise NotCanonical
                _concepto_fast(c, out, of)
        elif rank == 5:
            _impuestos_fast(kid, out, of)
        elif rank == 6:
            for child in kid:
                tag = child.tag
                if tag == PAGOS_TAG:
                    _pagos_fast(child, out, of)
                elif tag == TFD_TAG and not len(child) and child.text is None:
                    pass  # no template: the built-in rule outputs its (absent) text
                else:
                    raise NotCanonical
        # rank 7, Addenda: never part of the cadena
    return out
