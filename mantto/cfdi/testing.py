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
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from .cadena import CFDI, PAGO20
from .testbuild import (
    CENT,
    DEFAULT_CONCEPTOS,
    EMISOR,
    PAGOS_LOCATION,
    RECEPTOR,
    RECEPTOR_RFC,
    SCHEMA_LOCATION,
    Concepto,
    _amounts,
    _comprobante,
    _finish,
    _parties,
    _taxes,
    money,
    now_mx,
)
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
    base = _amounts(root, conceptos or DEFAULT_CONCEPTOS, forma_pago="99", metodo_pago="PPD")
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
    base = _amounts(root, conceptos, forma_pago="03", metodo_pago="PUE")
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
