"""Field tables of SAT's cadenaoriginal_4_0.xslt and TFD 1.1, and normalize-space().

Each table lists an element's attributes in the stylesheet's order with R (template
"Requerido": always a field) or O ("Opcional": a field only if the attribute exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter

from lxml import etree

CFDI = "{http://www.sat.gob.mx/cfd/4}"
PAGO20 = "{http://www.sat.gob.mx/Pagos20}"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}"

COMPROBANTE = CFDI + "Comprobante"
TFD_TAG = TFD + "TimbreFiscalDigital"
PAGOS_TAG = PAGO20 + "Pagos"

R, O = True, False  # Requerido / Opcional  # noqa: E741

# (names, required flags, getter of the required values, layouts): ``layouts`` maps the
# attribute names of one element, in document order, to the getter of its fields (see
# attrs()).
Spec = tuple[
    tuple[str, ...],
    tuple[bool, ...],
    Callable[[list], tuple],
    dict[tuple[str, ...], Callable[[dict], tuple]],
]


def _spec(*pairs: tuple[str, bool]) -> Spec:
    names = tuple(n for n, _ in pairs)
    required = tuple(r for _, r in pairs)
    idx = [i for i, r in enumerate(required) if r]
    # itemgetter returns a bare value for one index; always get a tuple back.
    pick = itemgetter(*idx) if len(idx) > 1 else (lambda vals, i=idx[0]: (vals[i],))
    return names, required, pick, {}


_COMPROBANTE = _spec(
    ("Version", R),
    ("Serie", O),
    ("Folio", O),
    ("Fecha", R),
    ("FormaPago", O),
    ("NoCertificado", R),
    ("CondicionesDePago", O),
    ("SubTotal", R),
    ("Descuento", O),
    ("Moneda", R),
    ("TipoCambio", O),
    ("Total", R),
    ("TipoDeComprobante", R),
    ("Exportacion", R),
    ("MetodoPago", O),
    ("LugarExpedicion", R),
    ("Confirmacion", O),
)
_INFO_GLOBAL = _spec(("Periodicidad", R), ("Meses", R), ("Año", R))
_EMISOR = _spec(("Rfc", R), ("Nombre", R), ("RegimenFiscal", R), ("FacAtrAdquirente", O))
_RECEPTOR = _spec(
    ("Rfc", R),
    ("Nombre", R),
    ("DomicilioFiscalReceptor", R),
    ("ResidenciaFiscal", O),
    ("NumRegIdTrib", O),
    ("RegimenFiscalReceptor", R),
    ("UsoCFDI", R),
)
_CONCEPTO = _spec(
    ("ClaveProdServ", R),
    ("NoIdentificacion", O),
    ("Cantidad", R),
    ("ClaveUnidad", R),
    ("Unidad", O),
    ("Descripcion", R),
    ("ValorUnitario", R),
    ("Importe", R),
    ("Descuento", O),
    ("ObjetoImp", R),
)
_TRASLADO = _spec(
    ("Base", R), ("Impuesto", R), ("TipoFactor", R), ("TasaOCuota", O), ("Importe", O)
)
_RETENCION = _spec(
    ("Base", R), ("Impuesto", R), ("TipoFactor", R), ("TasaOCuota", R), ("Importe", R)
)
_TERCEROS = _spec(
    ("RfcACuentaTerceros", R),
    ("NombreACuentaTerceros", R),
    ("RegimenFiscalACuentaTerceros", R),
    ("DomicilioFiscalACuentaTerceros", R),
)
_PARTE = _spec(
    ("ClaveProdServ", R),
    ("NoIdentificacion", O),
    ("Cantidad", R),
    ("Unidad", O),
    ("Descripcion", R),
    ("ValorUnitario", O),
    ("Importe", O),
)
_RETENCION_G = _spec(("Impuesto", R), ("Importe", R))
_TRASLADO_G = _TRASLADO

_TOTALES = _spec(
    ("TotalRetencionesIVA", O),
    ("TotalRetencionesISR", O),
    ("TotalRetencionesIEPS", O),
    ("TotalTrasladosBaseIVA16", O),
    ("TotalTrasladosImpuestoIVA16", O),
    ("TotalTrasladosBaseIVA8", O),
    ("TotalTrasladosImpuestoIVA8", O),
    ("TotalTrasladosBaseIVA0", O),
    ("TotalTrasladosImpuestoIVA0", O),
    ("TotalTrasladosBaseIVAExento", O),
    ("MontoTotalPagos", R),
)
_PAGO = _spec(
    ("FechaPago", R),
    ("FormaDePagoP", R),
    ("MonedaP", R),
    ("TipoCambioP", O),
    ("Monto", R),
    ("NumOperacion", O),
    ("RfcEmisorCtaOrd", O),
    ("NomBancoOrdExt", O),
    ("CtaOrdenante", O),
    ("RfcEmisorCtaBen", O),
    ("CtaBeneficiario", O),
    ("TipoCadPago", O),
    ("CertPago", O),
    ("CadPago", O),
    ("SelloPago", O),
)
_DOCTO = _spec(
    ("IdDocumento", R),
    ("Serie", O),
    ("Folio", O),
    ("MonedaDR", R),
    ("EquivalenciaDR", O),
    ("NumParcialidad", R),
    ("ImpSaldoAnt", R),
    ("ImpPagado", R),
    ("ImpSaldoInsoluto", R),
    ("ObjetoImpDR", R),
)
_RETENCION_DR = _spec(
    ("BaseDR", R),
    ("ImpuestoDR", R),
    ("TipoFactorDR", R),
    ("TasaOCuotaDR", R),
    ("ImporteDR", R),
)
_TRASLADO_DR = _spec(
    ("BaseDR", R),
    ("ImpuestoDR", R),
    ("TipoFactorDR", R),
    ("TasaOCuotaDR", O),
    ("ImporteDR", O),
)
_RETENCION_P = _spec(("ImpuestoP", R), ("ImporteP", R))
_TRASLADO_P = _spec(
    ("BaseP", R),
    ("ImpuestoP", R),
    ("TipoFactorP", R),
    ("TasaOCuotaP", O),
    ("ImporteP", O),
)
_TFD = _spec(
    ("Version", R),
    ("UUID", R),
    ("FechaTimbrado", R),
    ("RfcProvCertif", R),
    ("Leyenda", O),
    ("SelloCFD", R),
    ("NoCertificadoSAT", R),
)

# XPath's whitespace is exactly these four characters; Python's str.split() also splits
# on NBSP and other Unicode spaces, which normalize-space() keeps.
_XML_WS = re.compile(r"[ \t\r\n]+")


def normalize_space(value: str) -> str:
    if value.isascii():
        # The other ASCII characters str.split() treats as whitespace (\v \f \x1c-\x1f)
        # cannot occur in XML 1.0, so this is exact and much faster than the regex.
        return " ".join(value.split())
    return _XML_WS.sub(" ", value).strip(" ")


class Fallback(Exception):
    """The document has something only SAT's stylesheet knows how to render."""


def _layout(names: tuple[str, ...], present: tuple[str, ...]) -> Callable[[dict], tuple]:
    """Getter of the fields of an element with attributes ``present`` and no Requerido
    absent: the spec's names present, in the stylesheet's order."""
    got = set(present)
    picked = [n for n in names if n in got]
    if not picked:
        return lambda d: ()
    if len(picked) == 1:
        return lambda d, n=picked[0]: (d[n],)
    return itemgetter(*picked)


def attrs(el: etree._Element | dict[str, str], spec: Spec, out: list[str]) -> None:
    names, required, pick_required, layouts = spec
    if type(el) is dict:  # a snapshot's attributes (rules.context.snapshot)
        # Documents repeat a handful of attribute layouts, so the getter of the fields is
        # a dict hit keyed by the names alone (never the values); an absent Requerido
        # (it writes "") takes the general path below. Bounded: cleared if it grows.
        present = tuple(el)
        getter = layouts.get(present)
        if getter is None and all(n in el for n, r in zip(names, required, strict=True) if r):
            if len(layouts) > 1024:
                layouts.clear()
            getter = layouts[present] = _layout(names, present)
        if getter is not None:
            out += getter(el)  # type: ignore[arg-type]
            return
    vals = list(map(el.get, names))
    if None not in vals:
        out += vals
    elif None not in pick_required(vals) and "" not in vals:
        out += filter(None, vals)  # only absent Opcionales: they write nothing
    else:  # an absent Requerido writes an empty field; an empty Opcional writes one too
        out += [
            "" if v is None else v
            for v, r in zip(vals, required, strict=True)
            if r or v is not None
        ]
