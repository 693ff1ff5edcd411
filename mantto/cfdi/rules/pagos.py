"""CFDI tipo P and Complemento de Pagos 2.0 (SAT's CRP201xx and CRP202xx codes).

Totals are recomputed from the documents, never trusted: ImpuestosP from the
ImpuestosDR, Totales from each Pago × TipoCambioP.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .. import catalogs as cat
from . import values as v
from .context import C, Ctx, P, kid, kids
from .pagos_impuestos import impuestos_dr, impuestos_p, totales

R = "/Comprobante"
ZERO, ONE = Decimal(0), Decimal(1)
BANCARIZADAS = frozenset({"02", "03", "04", "05", "06", "28", "29"})
PP = f"{R}/Complemento/Pagos"


def check_pago_header(c: Ctx) -> None:
    """The fixed shape of a CFDI tipo P (CRP20101–CRP20123)."""
    a = c.a
    if c.pagos is not None and c.tipo != "P":
        c.err(
            "CRP20101",
            f"El CFDI trae complemento de pagos, así que TipoDeComprobante debe "
            f"ser P (se encontró {c.tipo!r}).",
            f"{R}/@TipoDeComprobante",
        )
    if c.tipo != "P":
        return
    if c.pagos is None:
        c.err(
            "MANTTO-PAGO-SIN-COMPLEMENTO",
            "El CFDI es tipo P pero no trae el complemento de "
            "pagos 2.0 (pago20:Pagos) dentro de Complemento.",
            f"{R}/Complemento",
        )
    fixed = (("CRP20102", "Exportacion", "01"), ("CRP20104", "Moneda", "XXX"))
    for code, name, want in fixed:
        if a.get(name) is not None and a.get(name) != want:
            c.err(
                code,
                f"En un CFDI de pago {name} debe ser {want}; se encontró {a.get(name)!r}.",
                f"{R}/@{name}",
            )
    for code, name in (("CRP20103", "SubTotal"), ("CRP20110", "Total")):
        val = c.amount(a, name)
        if val is not None and val != 0:
            c.err(
                code,
                f"En un CFDI de pago {name} debe ser 0; se encontró {a.get(name)}.",
                f"{R}/@{name}",
            )
    for code, name in (
        ("CRP20105", "FormaPago"),
        ("CRP20106", "MetodoPago"),
        ("CRP20107", "CondicionesDePago"),
        ("CRP20108", "Descuento"),
        ("CRP20109", "TipoCambio"),
    ):
        if name in a:
            c.err(
                code,
                f"En un CFDI de pago el atributo {name} no debe existir; elimínelo.",
                f"{R}/@{name}",
            )
    if len(c.conceptos) != 1:
        c.err(
            "CRP20111",
            f"Un CFDI de pago lleva exactamente un Concepto; tiene {len(c.conceptos)}.",
            f"{R}/Conceptos",
        )
    if not c.conceptos:
        return
    el = c.conceptos[0]
    cp = f"{R}/Conceptos/Concepto[1]"
    if any(isinstance(k.tag, str) and k.tag != C + "ACuentaTerceros" for k in el):
        c.err(
            "CRP20112",
            "El concepto de un CFDI de pago no debe tener nodos hijo (impuestos, partes, etc.); "
            "solo se admite ACuentaTerceros.",
            cp,
        )
    ca = c.at[el]
    checks = (
        ("CRP20113", "ClaveProdServ", "84111506"),
        ("CRP20115", "Cantidad", "1"),
        ("CRP20116", "ClaveUnidad", "ACT"),
        ("CRP20118", "Descripcion", "Pago"),
        ("CRP20119", "ValorUnitario", "0"),
        ("CRP20120", "Importe", "0"),
        ("CRP20122", "ObjetoImp", "01"),
    )
    for code, name, want in checks:
        got = ca.get(name)
        if got is None:
            continue
        same = (
            (v.dec(got) == Decimal(want))
            if name in ("Cantidad", "ValorUnitario", "Importe")
            else got == want
        )
        if not same:
            c.err(
                code,
                f"En el concepto de un CFDI de pago {name} debe ser {want!r}; se encontró {got!r}.",
                f"{cp}/@{name}",
            )
    for code, name in (
        ("CRP20114", "NoIdentificacion"),
        ("CRP20117", "Unidad"),
        ("CRP20121", "Descuento"),
    ):
        if name in ca:
            c.err(
                code, f"En el concepto de un CFDI de pago no debe existir {name}.", f"{cp}/@{name}"
            )


def check_pagos(c: Ctx) -> None:
    pagos = c.pagos
    if pagos is None:
        return
    mxn = cat.moneda_decimales()
    totals: dict[str, Decimal] = {}
    terms: dict[str, int] = {}

    def add(name: str, amount: Decimal) -> None:
        totals[name] = totals.get(name, ZERO) + amount
        terms[name] = terms.get(name, 0) + 1

    for i, pago in enumerate(kids(pagos, P + "Pago"), 1):
        p = f"{PP}/Pago[{i}]"
        a = c.at[pago]
        forma, moneda_p = a.get("FormaDePagoP", ""), a.get("MonedaP", "")
        dec_p = mxn.get(moneda_p, 2)
        if forma == "99":
            c.err(
                "CRP20212",
                "FormaDePagoP no puede ser 99: registre la forma en que se recibió "
                "el pago (p. ej. 03 Transferencia).",
                f"{p}/@FormaDePagoP",
            )
        if moneda_p == "XXX":
            c.err(
                "CRP20213",
                "MonedaP no puede ser XXX; registre la moneda del pago.",
                f"{p}/@MonedaP",
            )
        tc_raw = a.get("TipoCambioP")
        if moneda_p not in ("MXN", "XXX", "") and tc_raw is None:
            c.err(
                "CRP20214",
                f"MonedaP es {moneda_p}: debe registrar TipoCambioP.",
                f"{p}/@TipoCambioP",
            )
        if moneda_p == "MXN" and tc_raw is not None and v.dec(tc_raw) != ONE:
            c.err(
                "CRP20215",
                f"MonedaP es MXN, así que TipoCambioP debe ser 1; se encontró {tc_raw!r}.",
                f"{p}/@TipoCambioP",
            )
        tc = v.dec(tc_raw) if tc_raw is not None else None
        if tc is None or tc <= 0:
            tc = ONE  # already reported as malformed; convert as if in MXN
        monto_raw, monto = a.get("Monto", ""), c.amount(a, "Monto")
        if monto is not None:
            if monto <= 0:
                c.err("CRP20218", "El Monto del pago debe ser mayor que cero.", f"{p}/@Monto")
            if v.places(monto_raw) > dec_p:
                c.err(
                    "CRP20219",
                    f"Monto {monto_raw} excede los {dec_p} decimales de la moneda {moneda_p}.",
                    f"{p}/@Monto",
                )
            add("MontoTotalPagos", monto * tc)
        _cuentas(c, a, forma, p)
        want_t: dict[tuple, list] = {}  # (impuesto, factor, tasa) -> [Σ base, Σ importe, n]
        want_r: dict[str, list] = {}  # impuesto -> [Σ importe, n]
        pagado = _doctos(c, pago, moneda_p, p, want_t, want_r)
        if monto is not None and pagado is not None:
            paid, n = pagado
            if paid - monto > v.half_unit(dec_p) * n:
                c.err(
                    "CRP20217",
                    f"La suma de ImpPagado de los documentos relacionados "
                    f"(convertida a {moneda_p}: {v.fmt(v.round_half_up(paid, dec_p))}) es mayor "
                    f"que el Monto del pago ({monto_raw}).",
                    f"{p}/@Monto",
                )
        impuestos_p(c, pago, p, tc, add, want_t, want_r)
    totales(c, pagos, totals, terms)


def _cuentas(c: Ctx, a: dict[str, str], forma: str, p: str) -> None:
    if forma and forma not in BANCARIZADAS:
        for code, name in (
            ("CRP20221", "RfcEmisorCtaOrd"),
            ("CRP20224", "CtaOrdenante"),
            ("CRP20227", "RfcEmisorCtaBen"),
            ("CRP20228", "CtaBeneficiario"),
        ):
            if name in a:
                c.err(
                    code,
                    f"Con FormaDePagoP {forma} (no bancarizada) no debe registrarse {name}.",
                    f"{p}/@{name}",
                )
    if a.get("RfcEmisorCtaOrd") == "XEXX010101000" and "NomBancoOrdExt" not in a:
        c.err(
            "CRP20223",
            "RfcEmisorCtaOrd es el genérico extranjero: registre NomBancoOrdExt "
            "(nombre del banco ordenante).",
            f"{p}/@NomBancoOrdExt",
        )
    if "TipoCadPago" in a and forma != "03":
        c.err(
            "CRP20229",
            "TipoCadPago solo se registra cuando FormaDePagoP es 03 (transferencia SPEI).",
            f"{p}/@TipoCadPago",
        )
    has_cadena = "TipoCadPago" in a
    for req, forb, name in (
        ("CRP20230", "CRP20231", "CertPago"),
        ("CRP20232", "CRP20233", "CadPago"),
        ("CRP20234", "CRP20235", "SelloPago"),
    ):
        if has_cadena and name not in a:
            c.err(req, f"Con TipoCadPago debe registrarse {name}.", f"{p}/@{name}")
        if not has_cadena and name in a:
            c.err(forb, f"Sin TipoCadPago no debe registrarse {name}.", f"{p}/@{name}")


def _doctos(
    c: Ctx,
    pago: etree._Element,
    moneda_p: str,
    p: str,
    want_t: dict,
    want_r: dict,
) -> tuple[Decimal, int] | None:
    """Check each DoctoRelacionado; returns (Σ ImpPagado / EquivalenciaDR, count) and
    fills ``want_t``/``want_r`` with its taxes converted to the payment's currency."""
    mxn = cat.moneda_decimales()
    total, n, complete = ZERO, 0, True
    for j, d in enumerate(kids(pago, P + "DoctoRelacionado"), 1):
        dp = f"{p}/DoctoRelacionado[{j}]"
        a = c.at[d]
        moneda_dr = a.get("MonedaDR", "")
        dec_dr = mxn.get(moneda_dr, 2)
        if moneda_dr == "XXX":
            c.err(
                "CRP20236",
                "MonedaDR no puede ser XXX; registre la moneda de la factura pagada.",
                f"{dp}/@MonedaDR",
            )
        eq_raw = a.get("EquivalenciaDR")
        if moneda_dr and moneda_dr != moneda_p and eq_raw is None:
            c.err(
                "CRP20237",
                f"MonedaDR ({moneda_dr}) es distinta de MonedaP ({moneda_p}): "
                "registre EquivalenciaDR.",
                f"{dp}/@EquivalenciaDR",
            )
        if moneda_dr == moneda_p and eq_raw is not None and v.dec(eq_raw) != ONE:
            c.err(
                "CRP20238",
                f"MonedaDR y MonedaP son iguales ({moneda_p}): EquivalenciaDR "
                f"debe ser 1; se encontró {eq_raw!r}.",
                f"{dp}/@EquivalenciaDR",
            )
        eq = v.dec(eq_raw) if eq_raw else None
        if eq is None or eq <= 0:
            eq = ONE  # already reported as malformed; avoid dividing by it
        ant, pag, ins = (c.amount(a, k) for k in ("ImpSaldoAnt", "ImpPagado", "ImpSaldoInsoluto"))
        for code_pos, code_dec, name, val in (
            ("CRP20239", "CRP20240", "ImpSaldoAnt", ant),
            ("CRP20241", "CRP20242", "ImpPagado", pag),
            ("", "CRP20243", "ImpSaldoInsoluto", ins),
        ):
            if val is None:
                continue
            if code_pos and val <= 0:
                c.err(
                    code_pos,
                    f"{name} debe ser mayor que cero; se encontró {a.get(name)}.",
                    f"{dp}/@{name}",
                )
            if v.places(a.get(name, "")) > dec_dr:
                c.err(
                    code_dec,
                    f"{name} {a.get(name)} excede los {dec_dr} decimales de la moneda {moneda_dr}.",
                    f"{dp}/@{name}",
                )
        if ant is not None and pag is not None and ins is not None and ins != ant - pag:
            c.err(
                "CRP20244",
                f"ImpSaldoInsoluto debe ser ImpSaldoAnt − ImpPagado = "
                f"{v.fmt(ant - pag)} ({a.get('ImpSaldoAnt')} − {a.get('ImpPagado')}); se "
                f"encontró {a.get('ImpSaldoInsoluto')}.",
                f"{dp}/@ImpSaldoInsoluto",
            )
        if pag is None:
            complete = False
        else:
            total += pag / eq
            n += 1
        objeto = a.get("ObjetoImpDR", "")
        imp = kid(d, P + "ImpuestosDR")
        if objeto == "02" and imp is None:
            c.err(
                "CRP20246",
                "ObjetoImpDR es 02: el documento relacionado debe desglosar sus "
                "impuestos (ImpuestosDR).",
                f"{dp}/ImpuestosDR",
            )
        if objeto in ("01", "03", "04", "05") and imp is not None:
            c.err(
                "CRP20247",
                f"ObjetoImpDR es {objeto}: no debe existir ImpuestosDR.",
                f"{dp}/ImpuestosDR",
            )
        if imp is not None:
            impuestos_dr(c, imp, dp, eq, want_t, want_r)
    return (total, max(n, 1)) if complete else None
