"""Comprobante totals against its concepts: SubTotal, Descuento, the Impuestos node and
Total (CFDI40107–CFDI40119, CFDI40201–CFDI40221), with SAT's rounding."""

from __future__ import annotations

from decimal import Decimal

from .. import catalogs as cat
from . import values as v
from .conceptos import Sums
from .context import C, Ctx, grandkids, kid

R = "/Comprobante"
ZERO = Decimal(0)
IMPLOCAL = "{http://www.sat.gob.mx/implocal}ImpuestosLocales"


def check_totales(c: Ctx, s: Sums) -> None:
    """SubTotal, Descuento, impuestos globales y Total (CFDI40107–CFDI40119, CFDI40201–40221)."""
    a, dec, tipo = c.a, c.dec, c.tipo
    sub_raw, desc_raw = a.get("SubTotal", ""), a.get("Descuento")
    subtotal = c.amount(a, "SubTotal")
    descuento = c.amount(a, "Descuento")
    if subtotal is not None and c.moneda != "XXX" and v.places(sub_raw) > dec:
        c.err(
            "CFDI40107",
            f"SubTotal {sub_raw} tiene más decimales de los {dec} que admite la moneda {c.moneda}.",
            f"{R}/@SubTotal",
        )
    if tipo in ("I", "E", "N") and subtotal is not None:
        expected = v.round_half_up(s.importe, dec)
        if subtotal != expected:
            c.err(
                "CFDI40108",
                f"SubTotal es {sub_raw} pero la suma de los Importe de los "
                f"conceptos, redondeada a {dec} decimales, es {v.fmt(expected)}.",
                f"{R}/@SubTotal",
            )
    if tipo == "T" and subtotal is not None and subtotal != 0:
        c.err(
            "CFDI40109",
            f"En un CFDI tipo T el SubTotal debe ser 0; se encontró {sub_raw}.",
            f"{R}/@SubTotal",
        )
    if tipo in ("T", "P") and (desc_raw is not None or s.has_descuento):
        if tipo == "T":
            c.err(
                "CFDI40111",
                "En un CFDI tipo T no se registran descuentos (ni en el "
                "comprobante ni en los conceptos).",
                f"{R}/@Descuento",
            )
    elif desc_raw is not None or s.has_descuento:
        if descuento is not None and subtotal is not None and descuento > subtotal:
            c.err(
                "CFDI40110",
                f"Descuento ({desc_raw}) es mayor que SubTotal ({sub_raw}).",
                f"{R}/@Descuento",
            )
        if descuento is not None and v.places(desc_raw) > dec:
            c.err(
                "CFDI40112",
                f"Descuento {desc_raw} tiene más decimales de los {dec} que "
                f"admite la moneda {c.moneda}.",
                f"{R}/@Descuento",
            )
        expected = v.round_half_up(s.descuento, dec)
        if (descuento if desc_raw is not None else ZERO) != expected and (
            desc_raw is None or descuento is not None
        ):
            c.err(
                "MANTTO-DESCUENTO-SUMA",
                f"Descuento del comprobante es {desc_raw or 'ausente'} "
                f"pero la suma de los descuentos de los conceptos es {v.fmt(expected)}; deben "
                "coincidir.",
                f"{R}/@Descuento",
            )
    tras_total, ret_total = _impuestos_globales(c, s)
    total = c.amount(a, "Total")
    if total is not None and subtotal is not None and tipo != "P":
        expected = subtotal - (descuento or ZERO) + tras_total - ret_total + _locales(c)
        expected = v.round_half_up(expected, dec)
        if total != expected:
            c.err(
                "CFDI40119",
                f"Total es {a.get('Total')} pero SubTotal − Descuento + impuestos "
                f"trasladados − retenidos (incluidos los locales) da {v.fmt(expected)}.",
                f"{R}/@Total",
            )


def _locales(c: Ctx) -> Decimal:
    if IMPLOCAL not in c.complement_tags:
        return ZERO
    imp = kid(c.complemento, IMPLOCAL)  # type: ignore[arg-type]
    ia = c.at[imp]
    return (v.dec(ia.get("TotaldeTraslados")) or ZERO) - (
        v.dec(ia.get("TotaldeRetenciones")) or ZERO
    )


def _impuestos_globales(c: Ctx, s: Sums) -> tuple[Decimal, Decimal]:
    """Check the comprobante's Impuestos node against the concepts; returns its totals."""
    imp, dec, p = c.impuestos, c.dec, f"{R}/Impuestos"
    if imp is None:
        if s.traslados or s.retenciones:
            c.err(
                "MANTTO-IMPUESTOS-FALTAN",
                "Los conceptos desglosan impuestos pero el "
                "comprobante no trae el nodo Impuestos con sus totales.",
                p,
            )
        return ZERO, ZERO
    if c.tipo == "T":
        c.err("CFDI40201", "En un CFDI tipo T no debe existir el nodo Impuestos.", p)
    elif c.tipo == "P":
        c.err(
            "CRP20123",
            "En un CFDI de pago no debe existir el nodo Impuestos del "
            "comprobante; los impuestos pagados van en el complemento (ImpuestosP).",
            p,
        )
    at = c.at
    a = at[imp]
    rets = grandkids(imp, C + "Retenciones", C + "Retencion")
    tras = grandkids(imp, C + "Traslados", C + "Traslado")
    # Retenciones, grouped by Impuesto.
    ret_sum, seen_ret = ZERO, set()
    for j, r in enumerate(rets, 1):
        ra = at[r]
        rp, key = f"{p}/Retenciones/Retencion[{j}]", ra.get("Impuesto", "")
        raw = ra.get("Importe", "")
        if key in seen_ret:
            c.err(
                "CFDI40208",
                f"Hay más de una Retención global del impuesto {key}; debe haber "
                "una sola por impuesto.",
                rp,
            )
        seen_ret.add(key)
        importe = c.amount(ra, "Importe")
        if importe is None:
            continue
        ret_sum += importe
        if v.places(raw) > dec:
            c.err(
                "CFDI40210",
                f"El Importe {raw} de la retención excede los {dec} decimales de la moneda.",
                f"{rp}/@Importe",
            )
        expected = v.round_half_up(s.retenciones.get(key, ZERO), dec)
        if importe != expected:
            c.err(
                "CFDI40211",
                f"La retención global del impuesto {key} es {raw} pero la suma de "
                f"las retenciones de los conceptos es {v.fmt(expected)}.",
                f"{rp}/@Importe",
            )
    for key in s.retenciones.keys() - seen_ret:
        c.err(
            "CFDI40211",
            f"Los conceptos retienen el impuesto {key} pero no hay Retención "
            "global de ese impuesto.",
            f"{p}/Retenciones",
        )
    # Traslados, grouped by Impuesto + TipoFactor + TasaOCuota.
    tras_sum, seen_tras = ZERO, set()
    for j, t in enumerate(tras, 1):
        tp = f"{p}/Traslados/Traslado[{j}]"
        ta = at[t]
        factor, tasa_raw = ta.get("TipoFactor", ""), ta.get("TasaOCuota")
        tasa = v.dec(tasa_raw) if tasa_raw is not None and v.decimal6_ge0(tasa_raw) else None
        key = (ta.get("Impuesto", ""), factor, tasa)
        if key in seen_tras:
            c.err(
                "CFDI40218",
                f"Hay más de un Traslado global con Impuesto {key[0]}, TipoFactor "
                f"{factor} y TasaOCuota {tasa_raw}; agrúpelos en uno.",
                tp,
            )
        seen_tras.add(key)
        if (
            factor in ("Tasa", "Cuota")
            and tasa is not None
            and key[0] in cat.impuesto()
            and not cat.tasa_o_cuota_valida(key[0], factor, tasa, retencion=False)
        ):
            c.err(
                "CFDI40219",
                f"TasaOCuota {tasa_raw} no es válida para el impuesto {key[0]} con "
                f"TipoFactor {factor} (catálogo c_TasaOCuota).",
                f"{tp}/@TasaOCuota",
            )
        if factor == "Exento" and (tasa_raw is not None or "Importe" in ta):
            c.err(
                "MANTTO-TRASLADO-EXENTO",
                "Un Traslado global Exento no lleva TasaOCuota ni Importe.",
                tp,
            )
        if factor in ("Tasa", "Cuota") and (tasa_raw is None or "Importe" not in ta):
            c.err(
                "MANTTO-TRASLADO-INCOMPLETO",
                f"Un Traslado global con TipoFactor {factor} debe llevar TasaOCuota e Importe.",
                tp,
            )
        got = s.traslados.get(key, [ZERO, ZERO])
        base_raw, base = ta.get("Base", ""), c.amount(ta, "Base")
        if base is not None:
            if v.places(base_raw) > dec:
                c.err(
                    "CFDI40214",
                    f"La Base {base_raw} del traslado excede los {dec} decimales de la moneda.",
                    f"{tp}/@Base",
                )
            expected = v.round_half_up(got[0], dec)
            if base != expected:
                c.err(
                    "CFDI40215",
                    f"La Base del traslado global ({key[0]}, {factor}, "
                    f"{tasa_raw or '-'}) es {base_raw} pero la suma de las bases de los "
                    f"conceptos es {v.fmt(expected)}.",
                    f"{tp}/@Base",
                )
        raw = ta.get("Importe")
        importe = c.amount(ta, "Importe")
        if importe is not None:
            tras_sum += importe
            if v.places(raw) > dec:
                c.err(
                    "CFDI40220",
                    f"El Importe {raw} del traslado excede los {dec} decimales de la moneda.",
                    f"{tp}/@Importe",
                )
            expected = v.round_half_up(got[1], dec)
            if importe != expected:
                c.err(
                    "CFDI40221",
                    f"El Importe del traslado global ({key[0]}, {factor}, "
                    f"{tasa_raw}) es {raw} pero la suma de los importes de los conceptos es "
                    f"{v.fmt(expected)}.",
                    f"{tp}/@Importe",
                )
    for key in s.traslados.keys() - seen_tras:
        c.err(
            "CFDI40215",
            f"Los conceptos trasladan el impuesto {key[0]} ({key[1]} "
            f"{v.fmt(key[2]) or ''}) pero no hay Traslado global para esa combinación.",
            f"{p}/Traslados",
        )
    # Totals of the node.
    tot_ret_raw, tot_tras_raw = a.get("TotalImpuestosRetenidos"), a.get("TotalImpuestosTrasladados")
    tot_ret, tot_tras = (
        c.amount(a, "TotalImpuestosRetenidos"),
        c.amount(a, "TotalImpuestosTrasladados"),
    )
    if rets and tot_ret_raw is None:
        c.err(
            "CFDI40206",
            "Hay retenciones globales pero falta TotalImpuestosRetenidos.",
            f"{p}/@TotalImpuestosRetenidos",
        )
    if tot_ret is not None:
        if v.places(tot_ret_raw) > dec:
            c.err(
                "CFDI40202",
                f"TotalImpuestosRetenidos {tot_ret_raw} excede los {dec} decimales de la moneda.",
                f"{p}/@TotalImpuestosRetenidos",
            )
        if tot_ret != ret_sum:
            c.err(
                "CFDI40203",
                f"TotalImpuestosRetenidos es {tot_ret_raw} pero la suma de las "
                f"retenciones globales es {v.fmt(ret_sum)}.",
                f"{p}/@TotalImpuestosRetenidos",
            )
    if tot_tras_raw is None and any("Importe" in at[t] for t in tras):
        c.err(
            "CFDI40212",
            "Hay traslados globales pero falta TotalImpuestosTrasladados.",
            f"{p}/@TotalImpuestosTrasladados",
        )
    if tot_tras is not None:
        if v.places(tot_tras_raw) > dec:
            c.err(
                "CFDI40204",
                f"TotalImpuestosTrasladados {tot_tras_raw} excede los {dec} "
                "decimales de la moneda.",
                f"{p}/@TotalImpuestosTrasladados",
            )
        if tot_tras != tras_sum:
            c.err(
                "CFDI40205",
                f"TotalImpuestosTrasladados es {tot_tras_raw} pero la suma de los "
                f"traslados globales es {v.fmt(tras_sum)}.",
                f"{p}/@TotalImpuestosTrasladados",
            )
    return (
        tot_tras if tot_tras is not None else tras_sum,
        tot_ret if tot_ret is not None else ret_sum,
    )
