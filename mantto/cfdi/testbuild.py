"""Building blocks of the test kit's documents: default parties, concepts with their
taxes, the Comprobante skeleton and the sign/stamp finish. ``testing`` is the public face."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from zoneinfo import ZoneInfo

from lxml import etree

from .cadena import CFDI
from .testpki import Credential
from .testsign import EMISOR_RFC, XSI, _set, fmt, sign, stamp

MX = ZoneInfo("America/Mexico_City")
NSMAP = {"cfdi": CFDI[1:-1], "xsi": XSI}
SCHEMA_LOCATION = (
    "http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"
)
PAGOS_LOCATION = (
    "http://www.sat.gob.mx/Pagos20 http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd"
)

# Fictitious personas morales with valid RFC patterns: the workshop (supplier) issues,
# the fleet-leasing company receives. Tests of other parties pass their own dicts.
# (EMISOR_RFC lives in testsign, which signs with its CSD by default.)
EMISOR = {"Rfc": EMISOR_RFC, "Nombre": "TALLER MECANICO EL AVANCE", "RegimenFiscal": "601"}
RECEPTOR_RFC = "AFL010101AB1"
RECEPTOR = {
    "Rfc": RECEPTOR_RFC,
    "Nombre": "ARRENDADORA DE FLOTILLAS",
    "DomicilioFiscalReceptor": "11000",
    "RegimenFiscalReceptor": "601",
    "UsoCFDI": "G03",
}
LUGAR_EXPEDICION = "06600"

CENT = Decimal("0.01")
_folios = count(1)


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def now_mx() -> datetime:
    """Current local time in Mexico City, naive, to the second (the CFDI's format)."""
    return datetime.now(MX).replace(tzinfo=None, microsecond=0)


@dataclass
class Concepto:
    """One line. Taxes: IVA trasladado at ``iva`` (None: no traslado) and optional
    retenciones as ``(impuesto, tasa)`` pairs, e.g. ``("002", "0.106667")``."""

    valor_unitario: Decimal | str = "3500.00"
    cantidad: Decimal | str = "1"
    descripcion: str = "Servicio de mantenimiento preventivo"
    clave_prod_serv: str = "78181500"
    clave_unidad: str = "E48"
    unidad: str | None = "Servicio"
    no_identificacion: str | None = None
    descuento: Decimal | str | None = None
    objeto_imp: str = "02"
    iva: str | None = "0.160000"
    retenciones: Sequence[tuple[str, str]] = ()
    extra: dict[str, str | None] = field(default_factory=dict)

    @property
    def importe(self) -> Decimal:
        return (Decimal(self.cantidad) * Decimal(self.valor_unitario)).quantize(CENT, ROUND_HALF_UP)

    @property
    def base(self) -> Decimal:
        return self.importe - Decimal(self.descuento or 0)


DEFAULT_CONCEPTOS = (
    Concepto(),
    Concepto(
        valor_unitario="450.50",
        cantidad="2",
        descripcion="Balatas delanteras",
        clave_prod_serv="25172504",
        clave_unidad="H87",
        unidad="Pieza",
        no_identificacion="BAL-001",
    ),
)


def _taxes(
    conceptos: Iterable[Concepto], parent: etree._Element
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Add the Conceptos; return (subtotal, descuento, trasladados, retenidos) and append
    the comprobante-level Impuestos grouped as SAT requires."""
    subtotal = descuento = Decimal(0)
    traslados: dict[tuple[str, str], list[Decimal]] = {}
    retenciones: dict[str, Decimal] = {}
    conceptos_el = etree.SubElement(parent, CFDI + "Conceptos")
    for c in conceptos:
        el = etree.SubElement(conceptos_el, CFDI + "Concepto")
        attrs: dict[str, str | None] = {
            "ClaveProdServ": c.clave_prod_serv,
            "NoIdentificacion": c.no_identificacion,
            "Cantidad": str(c.cantidad),
            "ClaveUnidad": c.clave_unidad,
            "Unidad": c.unidad,
            "Descripcion": c.descripcion,
            "ValorUnitario": str(c.valor_unitario),
            "Importe": money(c.importe),
            "Descuento": money(Decimal(c.descuento)) if c.descuento is not None else None,
            "ObjetoImp": c.objeto_imp,
        }
        _set(el, {**attrs, **c.extra})
        subtotal += c.importe
        descuento += Decimal(c.descuento or 0)
        if c.objeto_imp != "02" or (c.iva is None and not c.retenciones):
            continue
        imp = etree.SubElement(el, CFDI + "Impuestos")
        if c.iva is not None:
            t = etree.SubElement(etree.SubElement(imp, CFDI + "Traslados"), CFDI + "Traslado")
            importe = (c.base * Decimal(c.iva)).quantize(CENT, ROUND_HALF_UP)
            _set(
                t,
                {
                    "Base": money(c.base),
                    "Impuesto": "002",
                    "TipoFactor": "Tasa",
                    "TasaOCuota": c.iva,
                    "Importe": money(importe),
                },
            )
            acc = traslados.setdefault(("002", c.iva), [Decimal(0), Decimal(0)])
            acc[0] += c.base
            acc[1] += importe
        if c.retenciones:
            rets = etree.SubElement(imp, CFDI + "Retenciones")
            for impuesto, tasa in c.retenciones:
                importe = (c.base * Decimal(tasa)).quantize(CENT, ROUND_HALF_UP)
                _set(
                    etree.SubElement(rets, CFDI + "Retencion"),
                    {
                        "Base": money(c.base),
                        "Impuesto": impuesto,
                        "TipoFactor": "Tasa",
                        "TasaOCuota": tasa,
                        "Importe": money(importe),
                    },
                )
                retenciones[impuesto] = retenciones.get(impuesto, Decimal(0)) + importe
    total_t = sum((v[1] for v in traslados.values()), Decimal(0))
    total_r = sum(retenciones.values(), Decimal(0))
    if traslados or retenciones:
        imp = etree.SubElement(parent, CFDI + "Impuestos")
        if retenciones:
            imp.set("TotalImpuestosRetenidos", money(total_r))
            rets = etree.SubElement(imp, CFDI + "Retenciones")
            for impuesto, importe in retenciones.items():
                _set(
                    etree.SubElement(rets, CFDI + "Retencion"),
                    {"Impuesto": impuesto, "Importe": money(importe)},
                )
        if traslados:
            imp.set("TotalImpuestosTrasladados", money(total_t))
            ts = etree.SubElement(imp, CFDI + "Traslados")
            for (impuesto, tasa), (base, importe) in traslados.items():
                _set(
                    etree.SubElement(ts, CFDI + "Traslado"),
                    {
                        "Base": money(base),
                        "Impuesto": impuesto,
                        "TipoFactor": "Tasa",
                        "TasaOCuota": tasa,
                        "Importe": money(importe),
                    },
                )
    return subtotal, descuento, total_t, total_r


def _comprobante(tipo: str, fecha: datetime | str | None) -> etree._Element:
    root = etree.Element(CFDI + "Comprobante", nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    fecha_s = fecha if isinstance(fecha, str) else fmt(fecha or now_mx() - timedelta(minutes=30))
    _set(
        root,
        {
            "Version": "4.0",
            "Serie": "A" if tipo != "P" else "P",
            "Folio": str(next(_folios)),
            "Fecha": fecha_s,
            "Sello": "",
            "NoCertificado": "00000000000000000000",
            "Certificado": "",
            "TipoDeComprobante": tipo,
            "Exportacion": "01",
            "LugarExpedicion": LUGAR_EXPEDICION,
        },
    )
    return root


def _finish(
    root: etree._Element,
    attrs: dict[str, str | None],
    *,
    sign_doc: bool,
    stamp_doc: bool,
    credential: Credential | None,
    sat: Credential | None,
    fecha_timbrado: datetime | str | None,
    uuid: str | None,
    addenda: str | bytes | None,
) -> bytes:
    _set(root, attrs)
    if addenda is not None:
        add = etree.SubElement(root, CFDI + "Addenda")
        add.append(etree.fromstring(addenda))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if sign_doc:
        xml = sign(xml, credential)
    if stamp_doc:
        xml = stamp(xml, sat, fecha_timbrado=fecha_timbrado, uuid=uuid)
    return xml


def _amounts(
    root: etree._Element, conceptos: Sequence[Concepto], *, forma_pago: str, metodo_pago: str
) -> dict[str, str | None]:
    """Concepts and taxes added to ``root``; the Comprobante attributes that follow."""
    sub, desc, tt, tr = _taxes(conceptos, root)
    return {
        "FormaPago": forma_pago,
        "SubTotal": money(sub),
        "Descuento": money(desc) if desc else None,
        "Moneda": "MXN",
        "Total": money(sub - desc + tt - tr),
        "MetodoPago": metodo_pago,
    }


def _parties(root: etree._Element, emisor: dict | None, receptor: dict | None) -> None:
    _set(etree.SubElement(root, CFDI + "Emisor"), {**EMISOR, **(emisor or {})})
    _set(etree.SubElement(root, CFDI + "Receptor"), {**RECEPTOR, **(receptor or {})})
