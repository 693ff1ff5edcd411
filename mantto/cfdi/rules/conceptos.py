"""Concept and tax arithmetic of SAT's CFDI 4.0 matrix (CFDI40107–CFDI40221).

All money is Decimal; limits and roundings follow Anexo 20 (ROUND_HALF_UP to the
currency's decimals from c_Moneda; Importe limits from the decimals as written).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .. import catalogs as cat
from . import values as v
from .context import C, Ctx, grandkids, kid

R = "/Comprobante"
ZERO = Decimal(0)
COMERCIO_EXTERIOR = "{http://www.sat.gob.mx/ComercioExterior20}ComercioExterior"
_OBJ_SIN_IMPUESTOS = frozenset({"01", "03", "04"})

TaxKey = tuple[str, str, Decimal | None]  # (Impuesto, TipoFactor, TasaOCuota)


class Sums:
    """Concept-level totals that the comprobante-level rules compare against."""

    __slots__ = ("importe", "descuento", "has_descuento", "traslados", "retenciones")

    def __init__(self) -> None:
        self.importe = ZERO
        self.descuento = ZERO
        self.has_descuento = False
        # key -> [sum of Base, sum of Importe]
        self.traslados: dict[TaxKey, list[Decimal]] = {}
        self.retenciones: dict[str, Decimal] = {}


def _inexact_product(
    a: dict, importe: Decimal | None, valor: Decimal | None
) -> tuple[Decimal, Decimal, Decimal] | None:
    """When Importe is not exactly Cantidad × ValorUnitario rounded, (Cantidad and) SAT's
    limits to judge it by; None when it is exact or a value is missing. Concepts and
    their Partes follow the same rule."""
    cant, imp = a.get("Cantidad", ""), a.get("Importe", "")
    cantidad = v.dec(cant)
    if (
        importe is None
        or valor is None
        or cantidad is None
        or cantidad <= 0
        or importe == v.round_half_up(cantidad * valor, v.places(imp))
    ):
        return None
    lo, hi = v.product_limits(cant, a.get("ValorUnitario", ""), v.places(imp))
    return cantidad, lo, hi


def _exact_quantity(
    c: Ctx, a: dict, importe: Decimal, product: Decimal, code: str, what: str, p: str
) -> None:
    """SAT's slack for a Cantidad written without decimals is ±0.5 units, so
    1 × 3500.00 may say 5000.00. Mantto holds the quantity exact, for concepts and for
    their Partes alike (an accountant reads every line as Cantidad × ValorUnitario)."""
    cant, vu, imp = a.get("Cantidad", ""), a.get("ValorUnitario", ""), a.get("Importe", "")
    lo, hi = v.product_limits(cant, vu, v.places(imp), exact_first=True)
    if not lo <= importe <= hi:
        c.err(
            code,
            f"El Importe {what} ({imp}) no es Cantidad × ValorUnitario ({cant} × {vu} = "
            f"{v.fmt(product)}); debe estar entre {v.fmt(lo)} y {v.fmt(hi)}. El SAT lo "
            "tolera por el redondeo de Cantidad, Mantto no.",
            f"{p}/@Importe",
        )


def check_conceptos(c: Ctx) -> Sums:
    s = Sums()
    ien = c.tipo in ("I", "E", "N")
    at = c.at
    for i, el in enumerate(c.conceptos, 1):
        p = f"{R}/Conceptos/Concepto[{i}]"
        a = at[el]
        cant, vu, imp = a.get("Cantidad", ""), a.get("ValorUnitario", ""), a.get("Importe", "")
        importe = c.amount(a, "Importe")
        if importe is not None:
            s.importe += importe
        valor = c.amount(a, "ValorUnitario")
        if ien and valor is not None and valor <= 0:
            c.err(
                "CFDI40166",
                f"En un CFDI tipo {c.tipo} el ValorUnitario del concepto {i} debe "
                "ser mayor que cero.",
                f"{p}/@ValorUnitario",
            )
        limits = _inexact_product(a, importe, valor)
        if limits is not None:
            cantidad, lo, hi = limits
            if not lo <= importe <= hi:
                c.err(
                    "CFDI40167",
                    f"El Importe del concepto {i} ({imp}) no corresponde a "
                    f"Cantidad × ValorUnitario ({cant} × {vu}); debe estar entre {v.fmt(lo)} y "
                    f"{v.fmt(hi)}.",
                    f"{p}/@Importe",
                )
            else:
                _exact_quantity(
                    c,
                    a,
                    importe,
                    cantidad * valor,
                    "MANTTO-CONCEPTO-IMPORTE",
                    f"del concepto {i}",
                    p,
                )
        desc_raw = a.get("Descuento")
        if desc_raw is not None:
            s.has_descuento = True
            desc = c.amount(a, "Descuento")
            if desc is not None:
                s.descuento += desc
                if importe is not None:
                    if v.places(desc_raw) > v.places(imp):
                        c.err(
                            "CFDI40168",
                            f"El Descuento del concepto {i} ({desc_raw}) tiene más "
                            f"decimales que su Importe ({imp}).",
                            f"{p}/@Descuento",
                        )
                    if desc > importe:
                        c.err(
                            "CFDI40169",
                            f"El Descuento del concepto {i} ({desc_raw}) es mayor "
                            f"que su Importe ({imp}).",
                            f"{p}/@Descuento",
                        )
        _concepto_impuestos(c, el, i, p, a.get("ObjetoImp", ""), s)
        if len(el) > 1 or (len(el) == 1 and el[0].tag != C + "Impuestos"):
            _aduana_y_partes(c, el, i, p)
    return s


def _aduana_y_partes(c: Ctx, el: etree._Element, i: int, p: str) -> None:
    """InformacionAduanera and Parte (CFDI40195, CFDI40197, CFDI40198, CFDI40200)."""
    cce = COMERCIO_EXTERIOR in c.complement_tags
    j = 0
    for k in el:
        tag = k.tag
        if tag == C + "InformacionAduanera" and cce:
            c.err(
                "CFDI40195",
                f"El concepto {i} registra NumeroPedimento pero el CFDI incluye el complemento "
                "de Comercio Exterior, donde va esa información; elimine InformacionAduanera.",
                f"{p}/InformacionAduanera",
            )
        elif tag == C + "Parte":
            j += 1
            pp = f"{p}/Parte[{j}]"
            a = c.at[k]
            valor, importe = c.amount(a, "ValorUnitario"), c.amount(a, "Importe")
            if valor is not None and valor <= 0:
                c.err(
                    "CFDI40197",
                    f"El ValorUnitario de la parte {j} del concepto {i} debe ser mayor que cero.",
                    f"{pp}/@ValorUnitario",
                )
            cant, vu, imp = a.get("Cantidad", ""), a.get("ValorUnitario", ""), a.get("Importe", "")
            limits = _inexact_product(a, importe, valor)
            if limits is not None:
                cantidad, lo, hi = limits
                if not lo <= importe <= hi:
                    c.err(
                        "CFDI40198",
                        f"El Importe de la parte {j} del concepto {i} ({imp}) no corresponde a "
                        f"Cantidad × ValorUnitario ({cant} × {vu}); debe estar entre "
                        f"{v.fmt(lo)} y {v.fmt(hi)}.",
                        f"{pp}/@Importe",
                    )
                else:
                    _exact_quantity(
                        c,
                        a,
                        importe,
                        cantidad * valor,
                        "MANTTO-PARTE-IMPORTE",
                        f"de la parte {j} del concepto {i}",
                        pp,
                    )
            if cce and any(g.tag == C + "InformacionAduanera" for g in k):
                c.err(
                    "CFDI40200",
                    f"La parte {j} del concepto {i} registra NumeroPedimento pero el CFDI incluye "
                    "el complemento de Comercio Exterior; elimine su InformacionAduanera.",
                    f"{pp}/InformacionAduanera",
                )


def _concepto_impuestos(c: Ctx, el: etree._Element, i: int, p: str, objeto: str, s: Sums) -> None:
    imp_el = kid(el, C + "Impuestos")
    if objeto == "02" and imp_el is None:
        c.err(
            "CFDI40171",
            f"El concepto {i} tiene ObjetoImp 02 (sí objeto de impuesto) pero no "
            "desglosa sus impuestos (nodo Impuestos).",
            f"{p}/Impuestos",
        )
    if objeto in _OBJ_SIN_IMPUESTOS and imp_el is not None:
        c.err(
            "CFDI40172",
            f"El concepto {i} tiene ObjetoImp {objeto}, por lo que no debe llevar "
            "el nodo Impuestos.",
            f"{p}/Impuestos",
        )
    if imp_el is None:
        return
    traslados = grandkids(imp_el, C + "Traslados", C + "Traslado")
    retenciones = grandkids(imp_el, C + "Retenciones", C + "Retencion")
    if not traslados and not retenciones:
        c.err(
            "CFDI40173",
            f"El nodo Impuestos del concepto {i} está vacío: debe tener al menos "
            "un Traslado o una Retención, o eliminarse.",
            f"{p}/Impuestos",
        )
    for j, t in enumerate(traslados, 1):
        tp = f"{p}/Impuestos/Traslados/Traslado[{j}]"
        ta = c.at[t]
        key = tax(
            c,
            ta,
            tp,
            retencion=False,
            codes=("CFDI40174", "CFDI40177", "CFDI40178", "CFDI40179", "CFDI40180"),
        )
        if key is not None:
            base = v.dec(ta.get("Base")) or ZERO
            importe = c.amount(ta, "Importe") or ZERO
            acc = s.traslados.setdefault(key, [ZERO, ZERO])
            acc[0] += base
            acc[1] += importe
    for j, r in enumerate(retenciones, 1):
        rp = f"{p}/Impuestos/Retenciones/Retencion[{j}]"
        ra = c.at[r]
        key = tax(
            c,
            ra,
            rp,
            retencion=True,
            codes=("CFDI40181", "CFDI40184", "CFDI40184", "CFDI40185", "CFDI40186"),
        )
        if key is not None:
            s.retenciones[key[0]] = s.retenciones.get(key[0], ZERO) + (
                c.amount(ra, "Importe") or ZERO
            )


def tax(
    c: Ctx,
    a: dict[str, str],
    path: str,
    *,
    retencion: bool,
    codes: tuple[str, ...],
    suffix: str = "",
) -> TaxKey | None:
    """Check one Traslado/Retención (also the DR ones of Pagos, with ``suffix`` "DR").

    ``codes``: base ≤ 0, Exento with rate/amount, Tasa/Cuota without them, rate not in
    c_TasaOCuota, amount outside SAT's limits. Returns the grouping key.
    """
    c_base, c_exento, c_falta, c_tasa, c_importe = codes
    kind = "de la retención" if retencion else "del traslado"
    base_raw = a.get("Base" + suffix, "")
    impuesto, factor = a.get("Impuesto" + suffix, ""), a.get("TipoFactor" + suffix, "")
    tasa_raw, imp_raw = a.get("TasaOCuota" + suffix), a.get("Importe" + suffix)
    base = v.dec(base_raw) if v.decimal6_ge0(base_raw) else None
    if base is not None and base <= 0:
        c.err(
            c_base,
            f"La Base{suffix} {kind} debe ser mayor que cero (se encontró {base_raw}).",
            f"{path}/@Base{suffix}",
        )
    if factor == "Exento":
        if retencion:
            c.err(
                c_exento,
                f"Una retención no puede tener TipoFactor{suffix} Exento; use Tasa o Cuota.",
                f"{path}/@TipoFactor{suffix}",
            )
            return None
        if tasa_raw is not None or imp_raw is not None:
            c.err(
                c_exento,
                f"Con TipoFactor{suffix} Exento no deben registrarse "
                f"TasaOCuota{suffix} ni Importe{suffix}.",
                path,
            )
        return (impuesto, factor, None)
    if factor not in ("Tasa", "Cuota"):
        return None
    if tasa_raw is None or imp_raw is None:
        if not retencion:
            c.err(
                c_falta,
                f"Con TipoFactor{suffix} {factor} deben registrarse TasaOCuota{suffix} "
                f"e Importe{suffix}.",
                path,
            )
        return None
    tasa = v.dec(tasa_raw) if v.decimal6_ge0(tasa_raw) else None
    if tasa is None:
        return None
    if impuesto in cat.impuesto() and not cat.tasa_o_cuota_valida(
        impuesto, factor, tasa, retencion=retencion
    ):
        c.err(
            c_tasa,
            f"La combinación Impuesto{suffix} {impuesto}, TipoFactor{suffix} {factor} "
            f"y TasaOCuota{suffix} {tasa_raw} no existe en el catálogo c_TasaOCuota para "
            + (
                "retenciones (p. ej. IVA retenido: de 0.000000 a 0.160000; ISR: de 0.000000 "
                "a 0.350000)."
                if retencion
                else "traslados (p. ej. IVA trasladado: 0.160000, 0.080000 o 0.000000)."
            ),
            f"{path}/@TasaOCuota{suffix}",
        )
    importe = c.amount(a, "Importe" + suffix)
    if (
        base is not None
        and base > 0
        and importe is not None
        and importe != v.round_half_up(base * tasa, v.places(imp_raw))
    ):
        lo, hi = v.tax_limits(base_raw, tasa, v.places(imp_raw))
        if not lo <= importe <= hi:
            c.err(
                c_importe,
                f"El Importe{suffix} {kind} ({imp_raw}) no corresponde a "
                f"Base × TasaOCuota ({base_raw} × {tasa_raw}); debe estar entre {v.fmt(lo)} y "
                f"{v.fmt(hi)}.",
                f"{path}/@Importe{suffix}",
            )
    return (impuesto, factor, tasa)
