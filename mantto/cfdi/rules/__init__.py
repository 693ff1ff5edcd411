"""All CFDI 4.0 / Pagos 2.0 rules, run in one pass over an already-parsed tree."""

from __future__ import annotations

from decimal import localcontext

from lxml import etree

from ..findings import Finding, error
from .comprobante import check_emisor, check_header, check_informacion_global, check_receptor
from .conceptos import check_conceptos
from .context import Attrs, Ctx, snapshot
from .pagos import check_pago_header, check_pagos
from .schema import NS_CFDI
from .structure import check_structure
from .totales import check_totales

OBSOLETE_NS = {
    "http://www.sat.gob.mx/cfd/3": "3.3 (o 3.2)",
    "http://www.sat.gob.mx/cfd/2": "2.x (CFD)",
}


def check_root(root: etree._Element) -> list[Finding] | None:
    """Refuse anything that is not a CFDI 4.0 before running the detailed rules."""
    tag = root.tag if isinstance(root.tag, str) else ""
    ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if local == "Comprobante" and ns in OBSOLETE_NS:
        found = root.get("Version") or root.get("version") or OBSOLETE_NS[ns]
        return [
            error(
                "MANTTO-VERSION-OBSOLETA",
                f"Es un CFDI versión {found}. "
                "El SAT ya no acepta CFDI anteriores a la versión 4.0: pida al emisor que lo "
                "emita de nuevo en versión 4.0.",
                "/Comprobante",
            )
        ]
    if local != "Comprobante" or ns != NS_CFDI:
        return [
            error(
                "MANTTO-NO-CFDI",
                f"El XML no es un CFDI 4.0: el elemento raíz es {local or '?'!r} en el espacio de "
                f"nombres {ns or 'vacío'!r} y se esperaba cfdi:Comprobante de {NS_CFDI}.",
                "/",
            )
        ]
    version = root.get("Version")
    if version is not None and version.strip() != "4.0":
        return [
            error(
                "MANTTO-VERSION-OBSOLETA",
                f"El comprobante declara Version={version!r} con el espacio de nombres de la "
                "4.0; el SAT solo acepta Version 4.0.",
                "/Comprobante/@Version",
            )
        ]
    return None


def run(root: etree._Element, attrs: Attrs | None = None) -> list[Finding]:
    """Every finding for a CFDI 4.0 tree (structure, SAT matrix, arithmetic, Pagos 2.0).

    ``attrs`` is the tree's attribute :func:`~.context.snapshot` when the caller has one.
    """
    refused = check_root(root)
    if refused is not None:
        return refused
    out: list[Finding] = []
    # The snapshot also keeps every element's lxml proxy alive while the rules run: each
    # stage reaches the same elements again, and re-creating proxies costs more than the
    # checks.
    at = attrs if attrs is not None else snapshot(root)
    # Amounts may carry 25 digits (SAT's pattern) and products double that; the default
    # 28-digit context would raise on them instead of judging them.
    with localcontext(prec=120):
        check_structure(root, out, at)
        c = Ctx(root, out, at)
        check_header(c)
        check_informacion_global(c)
        check_emisor(c)
        check_receptor(c)
        sums = check_conceptos(c)
        check_totales(c, sums)
        check_pago_header(c)
        check_pagos(c)
    return out
