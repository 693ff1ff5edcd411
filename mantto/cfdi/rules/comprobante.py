"""Header, Emisor, Receptor and InformacionGlobal rules of SAT's CFDI 4.0 error matrix."""

from __future__ import annotations

from decimal import Decimal

from .. import catalogs as cat
from . import values as v
from .context import Ctx

RFC_PUBLICO = "XAXX010101000"
RFC_EXTRANJERO = "XEXX010101000"
GENERICOS = (RFC_PUBLICO, RFC_EXTRANJERO)
COMERCIO_EXTERIOR = "{http://www.sat.gob.mx/ComercioExterior20}ComercioExterior"
R = "/Comprobante"


def check_header(c: Ctx) -> None:
    a, tipo, moneda = c.a, c.tipo, c.moneda
    forma, metodo = a.get("FormaPago"), a.get("MetodoPago")

    # FormaPago / MetodoPago (tipo P has its own CRP201xx codes, see pagos_header).
    if tipo in ("T", "N") and forma is not None:
        c.err(
            "CFDI40103",
            f"En un CFDI tipo {tipo} el atributo FormaPago no debe existir; elimínelo.",
            f"{R}/@FormaPago",
        )
    if metodo == "PPD" and forma is not None and forma != "99":
        c.err(
            "CFDI40105",
            f"MetodoPago es PPD (pago en parcialidades o diferido), por lo que "
            f"FormaPago debe ser 99 (Por definir) y no {forma!r}. La forma real se informa en "
            "el complemento de pago.",
            f"{R}/@FormaPago",
        )
    if metodo == "PUE" and forma == "99":
        c.err(
            "MANTTO-FORMAPAGO-PUE-99",
            "MetodoPago es PUE (pago en una sola exhibición) y "
            "FormaPago es 99 (Por definir): con PUE se registra la forma real de pago "
            "(p. ej. 03 Transferencia); si aún no se paga, use PPD.",
            f"{R}/@FormaPago",
        )
    if tipo == "T" and metodo is not None:
        c.err(
            "CFDI40125",
            "En un CFDI tipo T (traslado) el atributo MetodoPago no debe existir.",
            f"{R}/@MetodoPago",
        )
    if tipo in ("I", "E"):
        if metodo is None:
            c.warn(
                "MANTTO-METODOPAGO-AUSENTE",
                f"El CFDI tipo {tipo} no indica MetodoPago (PUE "
                "o PPD); sin él no se sabe si se espera complemento de pago.",
                f"{R}/@MetodoPago",
            )
        if forma is None:
            c.warn(
                "MANTTO-FORMAPAGO-AUSENTE",
                f"El CFDI tipo {tipo} no indica FormaPago; use la "
                "forma real (p. ej. 03) con PUE, o 99 con PPD.",
                f"{R}/@FormaPago",
            )

    # Moneda / TipoCambio
    tc = a.get("TipoCambio")
    if moneda == "MXN" and tc is not None and v.dec(tc) != Decimal(1):
        c.err(
            "CFDI40114",
            f"Moneda es MXN, así que TipoCambio se omite o vale 1; se encontró {tc!r}.",
            f"{R}/@TipoCambio",
        )
    if moneda not in ("MXN", "XXX", "") and tc is None and tipo != "P":
        c.err(
            "CFDI40115",
            f"Moneda es {moneda}: debe registrar TipoCambio (pesos por una unidad "
            f"de {moneda}, el tipo de cambio del día).",
            f"{R}/@TipoCambio",
        )
    if moneda == "XXX" and tc is not None and tipo != "P":
        c.err(
            "CFDI40116",
            "Moneda es XXX (sin moneda): el atributo TipoCambio no debe existir.",
            f"{R}/@TipoCambio",
        )
    if moneda == "XXX" and tipo in ("I", "E", "N"):
        c.err(
            "MANTTO-MONEDA-XXX",
            f"Un CFDI tipo {tipo} ampara importes: Moneda no puede ser "
            "XXX (solo se usa en CFDI de pago o traslado sin valor).",
            f"{R}/@Moneda",
        )
    if tipo == "N" and moneda not in ("MXN", ""):
        c.err(
            "MANTTO-NOMINA-MONEDA",
            f"Un CFDI de nómina se expresa en MXN, no en {moneda}.",
            f"{R}/@Moneda",
        )
    if "Confirmacion" in a:
        c.warn(
            "MANTTO-CONFIRMACION-NO-VERIFICABLE",
            "El CFDI trae una clave de Confirmación; su "
            "validez (CFDI40127–CFDI40129) solo la puede comprobar el PAC y no se revisó.",
            f"{R}/@Confirmacion",
        )

    # Exportacion
    exp = a.get("Exportacion")
    if exp == "02" and COMERCIO_EXTERIOR not in c.complement_tags:
        c.err(
            "CFDI40122",
            "Exportacion es 02 (definitiva con clave A1) pero el CFDI no incluye "
            "el complemento de Comercio Exterior; agréguelo o use Exportacion 01.",
            f"{R}/@Exportacion",
        )

    if tipo == "E" and not c.relacionados:
        c.warn(
            "MANTTO-EGRESO-SIN-RELACION",
            "La nota de crédito (tipo E) no relaciona el CFDI "
            "que corrige (nodo CfdiRelacionados, p. ej. TipoRelacion 01 con el UUID de la "
            "factura).",
            f"{R}/CfdiRelacionados",
        )


def check_emisor(c: Ctx) -> None:
    rfc, reg = c.emisor.get("Rfc", ""), c.emisor.get("RegimenFiscal", "")
    if reg in cat.regimen_fiscal() and rfc:
        persona_ok = (reg in cat.REGIMEN_MORAL) if len(rfc) == 12 else (reg in cat.REGIMEN_FISICA)
        if not persona_ok:
            tipo = "moral (RFC de 12 caracteres)" if len(rfc) == 12 else "física (13 caracteres)"
            c.err(
                "CFDI40141",
                f"El régimen fiscal {reg} del emisor no corresponde a una persona "
                f"{tipo}. Use el régimen que aparece en la constancia de situación fiscal del "
                "emisor.",
                f"{R}/Emisor/@RegimenFiscal",
            )
    if rfc in GENERICOS:
        c.err(
            "MANTTO-EMISOR-RFC-GENERICO",
            f"El RFC del emisor no puede ser el genérico {rfc}.",
            f"{R}/Emisor/@Rfc",
        )


def check_receptor(c: Ctx) -> None:
    r = c.receptor
    if not r:
        return
    rfc, nombre = r.get("Rfc", ""), r.get("Nombre", "")
    reg, uso = r.get("RegimenFiscalReceptor", ""), r.get("UsoCFDI", "")
    p = f"{R}/Receptor"
    if nombre == "PUBLICO EN GENERAL" and rfc != RFC_PUBLICO:
        c.err(
            "CFDI40146",
            "El Nombre del receptor es PUBLICO EN GENERAL, así que el RFC debe ser "
            f"el genérico {RFC_PUBLICO} (se encontró {rfc}).",
            f"{p}/@Rfc",
        )
    if rfc in GENERICOS and r.get("DomicilioFiscalReceptor") != c.a.get("LugarExpedicion"):
        c.err(
            "CFDI40149",
            f"Con RFC genérico {rfc}, DomicilioFiscalReceptor debe ser igual a "
            f"LugarExpedicion ({c.a.get('LugarExpedicion')}); se encontró "
            f"{r.get('DomicilioFiscalReceptor')}.",
            f"{p}/@DomicilioFiscalReceptor",
        )
    cp = r.get("DomicilioFiscalReceptor", "")
    # A warning, not an error: SAT checks this CP against its RFC list (CFDI40147),
    # and a catalog older than the receptor's new CP must not block a valid invoice.
    if v.digits5(cp) and cp not in cat.codigo_postal():
        c.warn(
            "MANTTO-RECEPTOR-CP",
            f"DomicilioFiscalReceptor {cp} no existe en el catálogo "
            "c_CodigoPostal del SAT; verifique el código postal de la constancia del receptor.",
            f"{p}/@DomicilioFiscalReceptor",
        )

    res, num = r.get("ResidenciaFiscal"), r.get("NumRegIdTrib")
    if res is not None and rfc != RFC_EXTRANJERO:
        c.err(
            "CFDI40151",
            "ResidenciaFiscal solo se registra para receptores extranjeros "
            f"(RFC {RFC_EXTRANJERO}); elimínela.",
            f"{p}/@ResidenciaFiscal",
        )
    if res == "MEX":
        c.err("CFDI40152", "ResidenciaFiscal no puede ser MEX.", f"{p}/@ResidenciaFiscal")
    if num is not None and res is None:
        c.err(
            "CFDI40153",
            "Si registra NumRegIdTrib debe registrar también ResidenciaFiscal.",
            f"{p}/@ResidenciaFiscal",
        )
    if num is not None and rfc != RFC_EXTRANJERO:
        c.err(
            "CFDI40154",
            f"NumRegIdTrib solo aplica a receptores extranjeros (RFC {RFC_EXTRANJERO}); elimínelo.",
            f"{p}/@NumRegIdTrib",
        )
    if rfc == RFC_EXTRANJERO and COMERCIO_EXTERIOR in c.complement_tags and num is None:
        c.err(
            "CFDI40155",
            "Con complemento de Comercio Exterior y RFC genérico extranjero debe "
            "registrar NumRegIdTrib.",
            f"{p}/@NumRegIdTrib",
        )

    if reg in cat.regimen_fiscal() and rfc:
        if rfc in GENERICOS:
            if reg != "616":
                c.err(
                    "CFDI40159",
                    f"Con RFC genérico {rfc}, RegimenFiscalReceptor debe ser 616 "
                    f"(Sin obligaciones fiscales); se encontró {reg}.",
                    f"{p}/@RegimenFiscalReceptor",
                )
        else:
            moral = len(rfc) == 12
            if reg not in (cat.REGIMEN_MORAL if moral else cat.REGIMEN_FISICA):
                c.err(
                    "CFDI40158",
                    f"RegimenFiscalReceptor {reg} no corresponde a una persona "
                    f"{'moral' if moral else 'física'} (RFC {rfc}); use el régimen de la "
                    "constancia de situación fiscal del receptor.",
                    f"{p}/@RegimenFiscalReceptor",
                )
    rule = cat.USO_CFDI_RULES.get(uso)
    if rule and rfc:
        fisica, moral_ok, regimenes = rule
        moral = len(rfc) == 12
        if (moral and not moral_ok) or (not moral and not fisica):
            c.err(
                "CFDI40161",
                f"UsoCFDI {uso} no aplica a personas {'morales' if moral else 'físicas'} "
                f"(RFC {rfc}).",
                f"{p}/@UsoCFDI",
            )
        elif reg in cat.regimen_fiscal() and reg not in regimenes:
            c.err(
                "CFDI40161",
                f"UsoCFDI {uso} no está permitido para el régimen fiscal del "
                f"receptor {reg}; regímenes admitidos: {', '.join(sorted(regimenes))}.",
                f"{p}/@UsoCFDI",
            )
    if c.tipo == "P" and uso and uso != "CP01":
        c.err(
            "MANTTO-PAGO-USOCFDI",
            f"En un CFDI de pago el UsoCFDI debe ser CP01; se encontró {uso}.",
            f"{p}/@UsoCFDI",
        )
    if c.tipo == "N" and uso and uso != "CN01":
        c.err(
            "MANTTO-NOMINA-USOCFDI",
            f"En un CFDI de nómina el UsoCFDI debe ser CN01; se encontró {uso}.",
            f"{p}/@UsoCFDI",
        )


def check_informacion_global(c: Ctx) -> None:
    r = c.receptor
    publico = r.get("Rfc") == RFC_PUBLICO and r.get("Nombre") == "PUBLICO EN GENERAL"
    ig = c.info_global
    p = f"{R}/InformacionGlobal"
    # SAT's CFDI40130 ties the node and the receptor both ways: público en general on an
    # ingreso needs InformacionGlobal, and InformacionGlobal needs that receptor on an I.
    if ig is None:
        if publico and c.tipo == "I":
            c.err(
                "CFDI40130",
                "El receptor es PUBLICO EN GENERAL (XAXX010101000): debe incluir "
                "el nodo InformacionGlobal con Periodicidad, Meses y Año de la factura global.",
                p,
            )
        return
    if not publico or c.tipo != "I":
        c.err(
            "CFDI40130",
            "El nodo InformacionGlobal solo se usa en la factura global (tipo I) a PUBLICO EN "
            "GENERAL: el Rfc del receptor debe ser XAXX010101000 y su Nombre "
            f'"PUBLICO EN GENERAL" (se encontró {c.receptor.get("Rfc")} / '
            f"{c.receptor.get('Nombre')!r}, tipo {c.tipo}). Si no es factura global, elimine "
            "el nodo.",
            p,
        )
    ia = c.at[ig]
    per, meses, anio = ia.get("Periodicidad"), ia.get("Meses", ""), ia.get("Año", "")
    if per == "05" and c.emisor.get("RegimenFiscal") != "621":
        c.err(
            "CFDI40132",
            "Periodicidad 05 (bimestral) solo la puede usar un emisor del régimen "
            "621 (Incorporación Fiscal).",
            f"{p}/@Periodicidad",
        )
    if meses.isdigit():
        m = int(meses)
        if per == "05" and not 13 <= m <= 18:
            c.err(
                "CFDI40135",
                f"Con Periodicidad 05 (bimestral) Meses debe ser 13 a 18; se encontró {meses}.",
                f"{p}/@Meses",
            )
        elif per != "05" and not 1 <= m <= 12:
            c.err(
                "CFDI40134",
                f"Con Periodicidad {per}, Meses debe ser 01 a 12; se encontró {meses}.",
                f"{p}/@Meses",
            )
    fecha = c.a.get("Fecha", "")
    if anio.strip().lstrip("+").isdigit() and v.fecha_h(fecha):
        y, fy = int(anio), int(fecha[:4])
        if y not in (fy, fy - 1):
            c.err(
                "CFDI40136",
                f"El Año de InformacionGlobal ({y}) debe ser el de la fecha del "
                f"comprobante ({fy}) o el anterior.",
                f"{p}/@Año",
            )
