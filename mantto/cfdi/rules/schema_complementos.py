"""SAT's XSDs for the complements checked in depth: TimbreFiscalDigital 1.1 and Pagos 2.0.

Transcribed from TimbreFiscalDigitalv11.xsd and Pagos20.xsd (see schema.py).
"""

from __future__ import annotations

from .. import catalogs as cat
from . import values as v
from .schema import (
    FECHA,
    IMPORTE,
    IMPORTE_MXN,
    NS_PAGOS,
    NS_TFD,
    UNB,
    UUID,
    A,
    C,
    Elem,
    _base,
    _dec,
    _tasa,
    _txt,
)

# --- TimbreFiscalDigital 1.1 -------------------------------------------------------

TFD = Elem(
    "TimbreFiscalDigital",
    {
        "Version": A(v.fixed("1.1"), "1.1", req=True),
        "UUID": A(v.uuid, UUID, req=True),
        "FechaTimbrado": A(v.fecha_h, FECHA, req=True),
        "RfcProvCertif": A(v.rfc_pm, "un RFC de persona moral (12 caracteres)", req=True),
        "Leyenda": A(v.leyenda, "de 12 a 150 caracteres permitidos"),
        "SelloCFD": A(v.any_string, "el sello del emisor", req=True),
        "NoCertificadoSAT": A(v.digits20, "20 dígitos", req=True),
        "SelloSAT": A(v.any_string, "el sello del SAT", req=True),
    },
)

# --- Pagos 2.0 ------------------------------------------------------------------------

_ret_dr = Elem(
    "RetencionDR",
    {
        "BaseDR": A(*_base, req=True),
        "ImpuestoDR": C(cat.impuesto, "c_Impuesto", req=True, code="CRP20250"),
        "TipoFactorDR": C(cat.tipo_factor, "c_TipoFactor", req=True, code="CRP20251"),
        "TasaOCuotaDR": A(*_tasa, req=True),
        "ImporteDR": A(v.importe, IMPORTE, req=True),
    },
)
_tras_dr = Elem(
    "TrasladoDR",
    {
        "BaseDR": A(*_base, req=True),
        "ImpuestoDR": C(cat.impuesto, "c_Impuesto", req=True, code="CRP20256"),
        "TipoFactorDR": C(cat.tipo_factor, "c_TipoFactor", req=True, code="CRP20257"),
        "TasaOCuotaDR": A(*_tasa),
        "ImporteDR": A(v.importe, IMPORTE),
    },
)
_docto = Elem(
    "DoctoRelacionado",
    {
        "IdDocumento": A(v.id_documento, UUID, req=True),
        "Serie": A(v.text(1, 25), _txt(25)),
        "Folio": A(v.text(1, 40), _txt(40)),
        "MonedaDR": C(cat.moneda, "c_Moneda", req=True),
        "EquivalenciaDR": A(*_dec(10, "0.0000000001")),
        "NumParcialidad": A(v.num_parcialidad, "un entero de 1 a 999", req=True),
        "ImpSaldoAnt": A(v.importe, IMPORTE, req=True),
        "ImpPagado": A(v.importe, IMPORTE, req=True),
        "ImpSaldoInsoluto": A(v.importe, IMPORTE, req=True),
        "ObjetoImpDR": C(cat.objeto_imp, "c_ObjetoImp", req=True, code="CRP20245"),
    },
    (
        (
            NS_PAGOS,
            "ImpuestosDR",
            Elem(
                "ImpuestosDR",
                {},
                (
                    (
                        NS_PAGOS,
                        "RetencionesDR",
                        Elem("RetencionesDR", {}, ((NS_PAGOS, "RetencionDR", _ret_dr, 1, UNB),)),
                        0,
                        1,
                    ),
                    (
                        NS_PAGOS,
                        "TrasladosDR",
                        Elem("TrasladosDR", {}, ((NS_PAGOS, "TrasladoDR", _tras_dr, 1, UNB),)),
                        0,
                        1,
                    ),
                ),
            ),
            0,
            1,
        ),
    ),
)
_impuestos_p = Elem(
    "ImpuestosP",
    {},
    (
        (
            NS_PAGOS,
            "RetencionesP",
            Elem(
                "RetencionesP",
                {},
                (
                    (
                        NS_PAGOS,
                        "RetencionP",
                        Elem(
                            "RetencionP",
                            {
                                "ImpuestoP": C(
                                    cat.impuesto, "c_Impuesto", req=True, code="CRP20262"
                                ),
                                "ImporteP": A(v.importe, IMPORTE, req=True),
                            },
                        ),
                        1,
                        UNB,
                    ),
                ),
            ),
            0,
            1,
        ),
        (
            NS_PAGOS,
            "TrasladosP",
            Elem(
                "TrasladosP",
                {},
                (
                    (
                        NS_PAGOS,
                        "TrasladoP",
                        Elem(
                            "TrasladoP",
                            {
                                "BaseP": A(v.importe, IMPORTE, req=True),
                                "ImpuestoP": C(
                                    cat.impuesto, "c_Impuesto", req=True, code="CRP20270"
                                ),
                                "TipoFactorP": C(cat.tipo_factor, "c_TipoFactor", req=True),
                                "TasaOCuotaP": A(*_tasa),
                                "ImporteP": A(v.importe, IMPORTE),
                            },
                        ),
                        1,
                        UNB,
                    ),
                ),
            ),
            0,
            1,
        ),
    ),
)
_pago = Elem(
    "Pago",
    {
        "FechaPago": A(v.fecha_h, FECHA, req=True),
        "FormaDePagoP": C(cat.forma_pago, "c_FormaPago", req=True),
        "MonedaP": C(cat.moneda, "c_Moneda", req=True),
        "TipoCambioP": A(*_dec(6, "0.000001")),
        "Monto": A(v.importe, IMPORTE, req=True),
        "NumOperacion": A(v.text(1, 100), _txt(100)),
        "RfcEmisorCtaOrd": A(v.rfc_cta_ord, "XEXX010101000 o un RFC de persona moral"),
        "NomBancoOrdExt": A(v.text(1, 300), _txt(300)),
        "CtaOrdenante": A(v.cuenta, "de 10 a 50 letras mayúsculas, dígitos o _"),
        "RfcEmisorCtaBen": A(v.rfc_pm, "un RFC de persona moral"),
        "CtaBeneficiario": A(v.cuenta, "de 10 a 50 letras mayúsculas, dígitos o _"),
        "TipoCadPago": C(cat.tipo_cadena_pago, "c_TipoCadenaPago"),
        "CertPago": A(v.base64_binary, "base64"),
        "CadPago": A(v.text(1, 8192, no_pipe=False), "de 1 a 8192 caracteres"),
        "SelloPago": A(v.base64_binary, "base64"),
    },
    (
        (NS_PAGOS, "DoctoRelacionado", _docto, 1, UNB),
        (NS_PAGOS, "ImpuestosP", _impuestos_p, 0, 1),
    ),
)
_totales = Elem(
    "Totales",
    {
        name: A(v.importe_mxn, IMPORTE_MXN, req=(name == "MontoTotalPagos"))
        for name in (
            "TotalRetencionesIVA",
            "TotalRetencionesISR",
            "TotalRetencionesIEPS",
            "TotalTrasladosBaseIVA16",
            "TotalTrasladosImpuestoIVA16",
            "TotalTrasladosBaseIVA8",
            "TotalTrasladosImpuestoIVA8",
            "TotalTrasladosBaseIVA0",
            "TotalTrasladosImpuestoIVA0",
            "TotalTrasladosBaseIVAExento",
            "MontoTotalPagos",
        )
    },
)
PAGOS = Elem(
    "Pagos",
    {"Version": A(v.fixed("2.0"), "2.0", req=True)},
    (
        (NS_PAGOS, "Totales", _totales, 1, 1),
        (NS_PAGOS, "Pago", _pago, 1, UNB),
    ),
)

# Complements we check in depth; any other one is accepted with a warning.
KNOWN_COMPLEMENTS: dict[str, Elem] = {
    f"{{{NS_TFD}}}TimbreFiscalDigital": TFD,
    f"{{{NS_PAGOS}}}Pagos": PAGOS,
}
