"""Test kit: CFDI 4.0 documents (invoice, credit note, payment) signed and stamped with a
fake SAT PKI. Used by this package's tests, the benchmark and the portal's tests.

Typical use::

    xml = make_invoice()                              # signed and stamped, valid
    xml = make_invoice(Folio="77", stamp=False)       # attribute override, only signed
    raw = make_invoice(sign=False, stamp=False)       # edit freely, then
    xml = stamp(sign(raw, csd(EMISOR_RFC)))
    bad = mutate(xml, lambda root: root.set("Total", "1.00"))  # after signing

Comprobante attributes are keyword overrides (``None`` removes one); ``emisor`` and
``receptor`` take dicts merged over the defaults; ``conceptos`` takes ``Concepto``
objects whose taxes and totals are computed. The cadena used to sign is produced by
SAT's own XSLT, so signing does not depend on the code under test.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from zoneinfo import ZoneInfo

from lxml import etree

from .cadena import CFDI, PAGO20
from .testpki import (
    Credential,
    csd,
    expired_csd,
    expired_sat_stamp_cert,
    fiel,
    rogue_csd,
    sat_ca,
    sat_stamp_cert,
    write_ca_dir,
    write_sat_cert,
)
from .testsign import (
    EMISOR_RFC,
    XSI,
    _set,
    fecha_of,
    fmt,
    mutate,
    sign,
    stamp,
    tfd_of,
    uuid_of,
)

__all__ = [
    "EMISOR",
    "EMISOR_RFC",
    "RECEPTOR",
    "RECEPTOR_RFC",
    "Concepto",
    "Credential",
    "csd",
    "expired_csd",
    "expired_sat_stamp_cert",
    "fiel",
    "make_credit_note",
    "make_invoice",
    "make_payment",
    "mutate",
    "now_mx",
    "rogue_csd",
    "sat_ca",
    "sat_stamp_cert",
    "sign",
    "stamp",
    "write_ca_dir",
    "write_sat_cert",
    "uuid_of",
    "tfd_of",
    "fecha_of",
]

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


def _parties(root: etree._Element, emisor: dict | None, receptor: dict | None) -> None:
    _set(etree.SubElement(root, CFDI + "Emisor"), {**EMISOR, **(emisor or {})})
    _set(etree.SubElement(root, CFDI + "Receptor"), {**RECEPTOR, **(receptor or {})})


def make_invoice(
    *,
    conceptos: Sequence[Concepto] | None = None,
    emisor: dict[str, str | None] | None = None,
    receptor: dict[str, str | None] | None = None,
    fecha: datetime | str | None = None,
    sign: bool = True,
    stamp: bool = True,
    csd: Credential | None = None,
    sat: Credential | None = None,
    fecha_timbrado: datetime | str | None = None,
    uuid: str | None = None,
    addenda: str | bytes | None = None,
    **attrs: str | None,
) -> bytes:
    """Ingreso, PPD / FormaPago 99, MXN; IVA 16 % per concept; totals computed."""
    root = _comprobante("I", fecha)
    _parties(root, emisor, receptor)
    sub, desc, tt, tr = _taxes(conceptos or DEFAULT_CONCEPTOS, root)
    base = {
        "FormaPago": "99",
        "SubTotal": money(sub),
        "Descuento": money(desc) if desc else None,
        "Moneda": "MXN",
        "Total": money(sub - desc + tt - tr),
        "MetodoPago": "PPD",
    }
    return _finish(
        root,
        {**base, **attrs},
        sign_doc=sign,
        stamp_doc=stamp,
        credential=csd,
        sat=sat,
        fecha_timbrado=fecha_timbrado,
        uuid=uuid,
        addenda=addenda,
    )


def make_credit_note(
    related_uuid: str | None = None,
    *,
    tipo_relacion: str = "01",
    conceptos: Sequence[Concepto] | None = None,
    emisor: dict[str, str | None] | None = None,
    receptor: dict[str, str | None] | None = None,
    fecha: datetime | str | None = None,
    sign: bool = True,
    stamp: bool = True,
    csd: Credential | None = None,
    sat: Credential | None = None,
    fecha_timbrado: datetime | str | None = None,
    uuid: str | None = None,
    addenda: str | bytes | None = None,
    **attrs: str | None,
) -> bytes:
    """Egreso related (TipoRelacion 01, nota de crédito) to ``related_uuid``; PUE / 03."""
    root = _comprobante("E", fecha)
    rel = etree.SubElement(root, CFDI + "CfdiRelacionados", TipoRelacion=tipo_relacion)
    etree.SubElement(
        rel, CFDI + "CfdiRelacionado", UUID=related_uuid or str(uuid_mod.uuid4()).upper()
    )
    _parties(root, emisor, receptor)
    conceptos = conceptos or (
        Concepto(
            valor_unitario="500.00",
            descripcion="Bonificación sobre servicio de mantenimiento",
            clave_prod_serv="84111506",
            clave_unidad="ACT",
            unidad=None,
        ),
    )
    sub, desc, tt, tr = _taxes(conceptos, root)
    base = {
        "FormaPago": "03",
        "SubTotal": money(sub),
        "Descuento": money(desc) if desc else None,
        "Moneda": "MXN",
        "Total": money(sub - desc + tt - tr),
        "MetodoPago": "PUE",
    }
    return _finish(
        root,
        {**base, **attrs},
        sign_doc=sign,
        stamp_doc=stamp,
        credential=csd,
        sat=sat,
        fecha_timbrado=fecha_timbrado,
        uuid=uuid,
        addenda=addenda,
    )


def make_payment(
    related_uuid: str | None = None,
    *,
    base: Decimal | str = "4401.00",
    iva: str | None = "0.160000",
    retencion_iva: str | None = None,
    saldo_anterior: Decimal | str | None = None,
    fecha_pago: datetime | str | None = None,
    forma_pago: str = "03",
    emisor: dict[str, str | None] | None = None,
    receptor: dict[str, str | None] | None = None,
    fecha: datetime | str | None = None,
    sign: bool = True,
    stamp: bool = True,
    csd: Credential | None = None,
    sat: Credential | None = None,
    fecha_timbrado: datetime | str | None = None,
    uuid: str | None = None,
    addenda: str | bytes | None = None,
    **attrs: str | None,
) -> bytes:
    """Pago (Pagos 2.0): one Pago, one DoctoRelacionado paying ``base`` + IVA in full.

    The default base (4,401.00) is the default invoice's subtotal, so
    ``make_payment(uuid_of(make_invoice()))`` settles that invoice.
    """
    root = _comprobante("P", fecha)
    _parties(root, emisor, {"UsoCFDI": "CP01", **(receptor or {})})
    _taxes(
        [
            Concepto(
                valor_unitario="0",
                descripcion="Pago",
                clave_prod_serv="84111506",
                clave_unidad="ACT",
                unidad=None,
                objeto_imp="01",
                extra={"ValorUnitario": "0", "Importe": "0"},
            )
        ],
        root,
    )
    b = Decimal(base)
    tras = (b * Decimal(iva)).quantize(CENT, ROUND_HALF_UP) if iva else Decimal(0)
    ret = (b * Decimal(retencion_iva)).quantize(CENT, ROUND_HALF_UP) if retencion_iva else 0
    monto = b + tras - ret
    saldo = Decimal(saldo_anterior) if saldo_anterior is not None else monto
    if fecha_pago is None:  # paid the day before the complement is issued
        issued = datetime.strptime(root.get("Fecha", ""), "%Y-%m-%dT%H:%M:%S")
        fecha_pago = issued - timedelta(days=1)
    fp = fecha_pago if isinstance(fecha_pago, str) else fmt(fecha_pago)
    comp = etree.SubElement(root, CFDI + "Complemento")
    pagos = etree.SubElement(comp, PAGO20 + "Pagos", nsmap={"pago20": PAGO20[1:-1]})
    pagos.set("Version", "2.0")
    root.set(f"{{{XSI}}}schemaLocation", f"{SCHEMA_LOCATION} {PAGOS_LOCATION}")
    totales = etree.SubElement(pagos, PAGO20 + "Totales")
    if ret:
        totales.set("TotalRetencionesIVA", money(ret))
    if iva:
        totales.set("TotalTrasladosBaseIVA16", money(b))
        totales.set("TotalTrasladosImpuestoIVA16", money(tras))
    totales.set("MontoTotalPagos", money(monto))
    pago = etree.SubElement(pagos, PAGO20 + "Pago")
    _set(
        pago,
        {
            "FechaPago": fp,
            "FormaDePagoP": forma_pago,
            "MonedaP": "MXN",
            "TipoCambioP": "1",
            "Monto": money(monto),
        },
    )
    dr = etree.SubElement(pago, PAGO20 + "DoctoRelacionado")
    _set(
        dr,
        {
            "IdDocumento": related_uuid or str(uuid_mod.uuid4()).upper(),
            "MonedaDR": "MXN",
            "EquivalenciaDR": "1",
            "NumParcialidad": "1",
            "ImpSaldoAnt": money(saldo),
            "ImpPagado": money(monto),
            "ImpSaldoInsoluto": money(saldo - monto),
            "ObjetoImpDR": "02" if (iva or ret) else "01",
        },
    )
    if iva or ret:
        imp_dr = etree.SubElement(dr, PAGO20 + "ImpuestosDR")
        imp_p = etree.SubElement(pago, PAGO20 + "ImpuestosP")
        if ret:
            r_attrs = {"BaseDR": money(b), "ImpuestoDR": "002", "TipoFactorDR": "Tasa"}
            r_attrs |= {"TasaOCuotaDR": retencion_iva, "ImporteDR": money(ret)}
            rets = etree.SubElement(imp_dr, PAGO20 + "RetencionesDR")
            _set(etree.SubElement(rets, PAGO20 + "RetencionDR"), r_attrs)
            rets_p = etree.SubElement(imp_p, PAGO20 + "RetencionesP")
            _set(
                etree.SubElement(rets_p, PAGO20 + "RetencionP"),
                {"ImpuestoP": "002", "ImporteP": money(ret)},
            )
        if iva:
            t_attrs = {"BaseDR": money(b), "ImpuestoDR": "002", "TipoFactorDR": "Tasa"}
            t_attrs |= {"TasaOCuotaDR": iva, "ImporteDR": money(tras)}
            ts = etree.SubElement(imp_dr, PAGO20 + "TrasladosDR")
            _set(etree.SubElement(ts, PAGO20 + "TrasladoDR"), t_attrs)
            ts_p = etree.SubElement(imp_p, PAGO20 + "TrasladosP")
            p_attrs = {"BaseP": money(b), "ImpuestoP": "002", "TipoFactorP": "Tasa"}
            p_attrs |= {"TasaOCuotaP": iva, "ImporteP": money(tras)}
            _set(etree.SubElement(ts_p, PAGO20 + "TrasladoP"), p_attrs)
    base_attrs = {"SubTotal": "0", "Moneda": "XXX", "Total": "0"}
    return _finish(
        root,
        {**base_attrs, **attrs},
        sign_doc=sign,
        stamp_doc=stamp,
        credential=csd,
        sat=sat,
        fecha_timbrado=fecha_timbrado,
        uuid=uuid,
        addenda=addenda,
    )
