"""Pagos 2.0 taxes: ImpuestosDR per document, ImpuestosP per payment and Totales of the
complement, all recomputed from the documents (CRP20201–CRP20211, CRP20248–CRP20274)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from .. import catalogs as cat
from . import values as v
from .conceptos import tax
from .context import Ctx, P, grandkids, kid

ZERO = Decimal(0)
PP = "/Comprobante/Complemento/Pagos"
# Which attribute of pago20:Totales sums each tax.
_RET_TOTAL = {
    "001": "TotalRetencionesISR",
    "002": "TotalRetencionesIVA",
    "003": "TotalRetencionesIEPS",
}
_IVA_TOTAL = {Decimal("0.16"): "IVA16", Decimal("0.08"): "IVA8", ZERO: "IVA0"}


def impuestos_dr(
    c: Ctx,
    imp: etree._Element,
    dp: str,
    eq: Decimal,
    want_t: dict,
    want_r: dict,
) -> None:
    """Check each RetencionDR/TrasladoDR and accumulate it, ÷ EquivalenciaDR, into the
    payment-level sums that ImpuestosP must match."""
    rets = grandkids(imp, P + "RetencionesDR", P + "RetencionDR")
    tras = grandkids(imp, P + "TrasladosDR", P + "TrasladoDR")
    if not rets and not tras:
        c.err(
            "CRP20248",
            "ImpuestosDR está vacío: registre RetencionesDR o TrasladosDR, o elimine el nodo.",
            f"{dp}/ImpuestosDR",
        )
    for k, r in enumerate(rets, 1):
        a = c.at[r]
        tax(
            c,
            a,
            f"{dp}/ImpuestosDR/RetencionesDR/RetencionDR[{k}]",
            retencion=True,
            codes=("CRP20249", "CRP20252", "CRP20252", "CRP20253", "CRP20254"),
            suffix="DR",
        )
        acc = want_r.setdefault(a.get("ImpuestoDR", ""), [ZERO, 0])
        acc[0] += (v.dec(a.get("ImporteDR")) or ZERO) / eq
        acc[1] += 1
    for k, t in enumerate(tras, 1):
        a = c.at[t]
        tax(
            c,
            a,
            f"{dp}/ImpuestosDR/TrasladosDR/TrasladoDR[{k}]",
            retencion=False,
            codes=("CRP20255", "CRP20258", "CRP20259", "CRP20260", "CRP20261"),
            suffix="DR",
        )
        key = (a.get("ImpuestoDR", ""), a.get("TipoFactorDR", ""), v.dec(a.get("TasaOCuotaDR")))
        acc = want_t.setdefault(key, [ZERO, ZERO, 0])
        acc[0] += (v.dec(a.get("BaseDR")) or ZERO) / eq
        acc[1] += (v.dec(a.get("ImporteDR")) or ZERO) / eq
        acc[2] += 1


def impuestos_p(
    c: Ctx,
    pago: etree._Element,
    p: str,
    tc: Decimal,
    add: Callable[[str, Decimal], None],
    want_t: dict,
    want_r: dict,
) -> None:
    """ImpuestosP must equal Σ ImpuestosDR / EquivalenciaDR, grouped (CRP20262–CRP20274)."""
    dec_p = cat.moneda_decimales().get(c.at[pago].get("MonedaP", ""), 2)
    ip = f"{p}/ImpuestosP"
    seen_r: set[str] = set()
    for k, r in enumerate(_impuestos_p_nodes(pago, "RetencionesP", "RetencionP"), 1):
        ra = c.at[r]
        rp, key = f"{ip}/RetencionesP/RetencionP[{k}]", ra.get("ImpuestoP", "")
        if key in seen_r:
            c.err(
                "CRP20263",
                f"Hay más de una RetencionP del impuesto {key}; debe haber una por impuesto.",
                rp,
            )
        seen_r.add(key)
        got = c.amount(ra, "ImporteP")
        exp, n = want_r.get(key, [ZERO, 0])
        if got is not None:
            _close(
                c,
                "CRP20265",
                f"ImporteP de la retención {key}",
                got,
                exp,
                n,
                dec_p,
                f"{rp}/@ImporteP",
            )
            add(
                _RET_TOTAL.get(key, "?"),
                got * tc,
            )
    for key in want_r.keys() - seen_r:
        c.err(
            "CRP20265",
            f"Los documentos relacionados retienen el impuesto {key} pero el pago "
            "no trae la RetencionP correspondiente.",
            ip,
        )
    seen_t: set[tuple] = set()
    for k, t in enumerate(_impuestos_p_nodes(pago, "TrasladosP", "TrasladoP"), 1):
        tp = f"{ip}/TrasladosP/TrasladoP[{k}]"
        ta = c.at[t]
        factor, tasa_raw = ta.get("TipoFactorP", ""), ta.get("TasaOCuotaP")
        tasa = v.dec(tasa_raw)
        key = (ta.get("ImpuestoP", ""), factor, tasa)
        if key in seen_t:
            c.err(
                "CRP20271",
                "Hay más de un TrasladoP con la misma combinación de impuesto, "
                "factor y tasa; agrúpelos.",
                tp,
            )
        seen_t.add(key)
        if factor == "Exento" and (tasa_raw is not None or "ImporteP" in ta):
            c.err("CRP20266", "Un TrasladoP Exento solo lleva BaseP, ImpuestoP y TipoFactorP.", tp)
        if (
            factor in ("Tasa", "Cuota")
            and tasa is not None
            and key[0] in cat.impuesto()
            and not cat.tasa_o_cuota_valida(key[0], factor, tasa, retencion=False)
        ):
            c.err(
                "CRP20272",
                f"TasaOCuotaP {tasa_raw} no es válida para el impuesto {key[0]} "
                f"({factor}) según c_TasaOCuota.",
                f"{tp}/@TasaOCuotaP",
            )
        exp_base, exp_imp, n = want_t.get(key, [ZERO, ZERO, 0])
        base = c.amount(ta, "BaseP")
        if base is not None:
            _close(
                c,
                "CRP20269" if factor == "Exento" else "CRP20268",
                f"BaseP del traslado {key[0]} {factor} {tasa_raw or ''}".rstrip(),
                base,
                exp_base,
                n,
                dec_p,
                f"{tp}/@BaseP",
            )
        importe = c.amount(ta, "ImporteP")
        if importe is not None:
            _close(
                c,
                "CRP20274",
                f"ImporteP del traslado {key[0]} {factor} {tasa_raw}",
                importe,
                exp_imp,
                n,
                dec_p,
                f"{tp}/@ImporteP",
            )
        if key[0] == "002" and base is not None:
            suffix = (
                _IVA_TOTAL.get(tasa)
                if factor == "Tasa"
                else ("IVAExento" if factor == "Exento" else None)
            )
            if suffix:
                add(f"TotalTrasladosBase{suffix}", base * tc)
                if importe is not None and suffix != "IVAExento":
                    add(f"TotalTrasladosImpuesto{suffix}", importe * tc)
    for key in want_t.keys() - seen_t:
        c.err(
            "CRP20268",
            f"Los documentos relacionados trasladan {key[0]} {key[1]} "
            f"{v.fmt(key[2])} pero el pago no trae el TrasladoP correspondiente.",
            ip,
        )


def _close(
    c: Ctx, code: str, what: str, got: Decimal, exp: Decimal, n: int, dec: int, path: str
) -> None:
    # Each converted term may carry its own rounding: allow half a unit per term.
    if abs(got - exp) > v.half_unit(dec) * max(n, 1):
        c.err(
            code,
            f"{what} es {v.fmt(got)} pero la suma recalculada de los documentos "
            f"relacionados es {v.fmt(v.round_half_up(exp, dec))}.",
            path,
        )


def _impuestos_p_nodes(pago: etree._Element, group: str, item: str) -> list[etree._Element]:
    imp = kid(pago, P + "ImpuestosP")
    return [] if imp is None else grandkids(imp, P + group, P + item)


_FAMILIES = (
    (
        "CRP20264",
        ("TotalRetencionesIVA", "TotalRetencionesISR", "TotalRetencionesIEPS"),
        "impuestos retenidos",
    ),
    (
        "CRP20267",
        (
            "TotalTrasladosBaseIVA16",
            "TotalTrasladosBaseIVA8",
            "TotalTrasladosBaseIVA0",
            "TotalTrasladosBaseIVAExento",
        ),
        "IVA trasladado",
    ),
    (
        "CRP20273",
        ("TotalTrasladosImpuestoIVA16", "TotalTrasladosImpuestoIVA8", "TotalTrasladosImpuestoIVA0"),
        "IVA trasladado a tasa (no exento)",
    ),
)

_TOTAL_CODES = {
    "TotalRetencionesIVA": "CRP20201",
    "TotalRetencionesISR": "CRP20202",
    "TotalRetencionesIEPS": "CRP20203",
    "TotalTrasladosBaseIVA16": "CRP20204",
    "TotalTrasladosImpuestoIVA16": "CRP20205",
    "TotalTrasladosBaseIVA8": "CRP20206",
    "TotalTrasladosImpuestoIVA8": "CRP20207",
    "TotalTrasladosBaseIVA0": "CRP20208",
    "TotalTrasladosImpuestoIVA0": "CRP20209",
    "TotalTrasladosBaseIVAExento": "CRP20210",
    "MontoTotalPagos": "CRP20211",
}


def totales(
    c: Ctx, pagos: etree._Element, totals: dict[str, Decimal], terms: dict[str, int]
) -> None:
    tot = kid(pagos, P + "Totales")
    if tot is None:
        return
    a = c.at[tot]
    # When a whole family of totals is missing SAT has one code for it; per-attribute
    # codes are for the family being partly there.
    absent_family = set()
    for code, names, what in _FAMILIES:
        if any(n in totals for n in names) and not any(n in a for n in names):
            absent_family.update(names)
            c.err(
                code,
                f"Los pagos tienen {what} pero Totales no registra ninguno de "
                f"{', '.join(names)}; registre los que correspondan (en MXN).",
                f"{PP}/Totales",
            )
    for name, code in _TOTAL_CODES.items():
        raw = a.get(name)
        exp = totals.get(name)
        path = f"{PP}/Totales/@{name}"
        if raw is None:
            if exp is not None and name != "MontoTotalPagos" and name not in absent_family:
                c.err(
                    code,
                    f"Falta {name} en Totales; con los pagos registrados debe ser "
                    f"{v.fmt(v.round_half_up(exp, 2))} (MXN).",
                    path,
                )
            continue
        got = c.amount(a, name)
        if got is None:
            continue
        if exp is None:
            c.err(
                code,
                f"{name} es {raw} pero ningún pago tiene ese impuesto; elimine el atributo.",
                path,
            )
            continue
        if abs(got - exp) > v.half_unit(2) * terms.get(name, 1):
            c.err(
                code,
                f"{name} es {raw} pero la suma de los pagos convertida a MXN "
                f"(× TipoCambioP) es {v.fmt(v.round_half_up(exp, 2))}.",
                path,
            )
