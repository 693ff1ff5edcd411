"""The result of validating one document: verdict, findings and the fields a portal shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from lxml import etree

from .findings import Finding
from .rules.context import TFD_TAG, C, P, kid, kids
from .rules.values import dec

PAGOS_TAG = P + "Pagos"


@dataclass(slots=True)
class Concepto:
    clave_prod_serv: str
    descripcion: str
    no_identificacion: str | None
    cantidad: Decimal | None
    clave_unidad: str
    valor_unitario: Decimal | None
    importe: Decimal | None
    descuento: Decimal | None
    objeto_imp: str


@dataclass(slots=True)
class DoctoRelacionado:
    id_documento: str
    serie: str | None
    folio: str | None
    moneda: str
    equivalencia: Decimal | None
    num_parcialidad: int | None
    imp_saldo_ant: Decimal | None
    imp_pagado: Decimal | None
    imp_saldo_insoluto: Decimal | None


@dataclass(slots=True)
class Pago:
    fecha: str
    forma: str
    moneda: str
    tipo_cambio: Decimal | None
    monto: Decimal | None
    num_operacion: str | None
    doctos: list[DoctoRelacionado] = field(default_factory=list)


@dataclass(slots=True)
class Relacion:
    tipo_relacion: str
    uuids: list[str]


@dataclass(slots=True)
class Report:
    valid: bool = False
    findings: list[Finding] = field(default_factory=list)
    uuid: str | None = None
    tipo: str | None = None
    version: str | None = None
    serie: str | None = None
    folio: str | None = None
    fecha: str | None = None
    fecha_timbrado: str | None = None
    emisor_rfc: str | None = None
    emisor_nombre: str | None = None
    emisor_regimen: str | None = None
    receptor_rfc: str | None = None
    receptor_nombre: str | None = None
    receptor_domicilio_fiscal: str | None = None
    receptor_regimen: str | None = None
    uso_cfdi: str | None = None
    lugar_expedicion: str | None = None
    metodo_pago: str | None = None
    forma_pago: str | None = None
    moneda: str | None = None
    tipo_cambio: Decimal | None = None
    subtotal: Decimal | None = None
    descuento: Decimal | None = None
    total: Decimal | None = None
    total_impuestos_trasladados: Decimal | None = None
    total_impuestos_retenidos: Decimal | None = None
    conceptos: list[Concepto] = field(default_factory=list)
    relacionados: list[Relacion] = field(default_factory=list)
    pagos: list[Pago] = field(default_factory=list)
    monto_total_pagos: Decimal | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def as_dict(self) -> dict:
        """JSON-ready: Decimals as strings (never floats), findings as dicts."""
        d = asdict(self)
        d["findings"] = [f.as_dict() for f in self.findings]
        return _jsonable(d)


def _jsonable(x: object) -> object:
    if isinstance(x, Decimal):
        return format(x, "f")
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, datetime):
        return x.isoformat()
    return x


# Same parsing (and cache) as the rules: a value the rules reject shows as None.
_dec = dec


def _int(v: str | None) -> int | None:
    return int(v) if v is not None and v.strip().isdigit() else None


def fill(
    report: Report, root: etree._Element, attrs: dict[etree._Element, dict[str, str]] | None = None
) -> None:
    """Copy the document's fields into ``report``; tolerant of missing/bad values.

    ``attrs``: the tree's attribute snapshot (rules.context.snapshot), when there is one.
    """
    attrs_of = attrs.__getitem__ if attrs is not None else _attrs_of
    g = attrs_of(root).get
    report.version = g("Version") or g("version")
    report.tipo, report.serie, report.folio, report.fecha = (
        g("TipoDeComprobante"),
        g("Serie"),
        g("Folio"),
        g("Fecha"),
    )
    report.metodo_pago, report.forma_pago, report.moneda = (
        g("MetodoPago"),
        g("FormaPago"),
        g("Moneda"),
    )
    report.lugar_expedicion = g("LugarExpedicion")
    report.tipo_cambio, report.subtotal = _dec(g("TipoCambio")), _dec(g("SubTotal"))
    report.descuento, report.total = _dec(g("Descuento")), _dec(g("Total"))
    for child in root:
        tag = child.tag
        if not isinstance(tag, str) or not tag.startswith(C):
            continue
        name, ca = tag[len(C) :], attrs_of(child)
        if name == "Emisor":
            report.emisor_rfc, report.emisor_nombre = ca.get("Rfc"), ca.get("Nombre")
            report.emisor_regimen = ca.get("RegimenFiscal")
        elif name == "Receptor":
            report.receptor_rfc, report.receptor_nombre = ca.get("Rfc"), ca.get("Nombre")
            report.receptor_domicilio_fiscal = ca.get("DomicilioFiscalReceptor")
            report.receptor_regimen = ca.get("RegimenFiscalReceptor")
            report.uso_cfdi = ca.get("UsoCFDI")
        elif name == "CfdiRelacionados":
            report.relacionados.append(
                Relacion(
                    ca.get("TipoRelacion", ""),
                    [
                        attrs_of(r).get("UUID", "").upper()
                        for r in child
                        if r.tag == C + "CfdiRelacionado"
                    ],
                )
            )
        elif name == "Conceptos":
            for k in child:
                if k.tag != C + "Concepto":
                    continue
                ka = attrs_of(k)
                report.conceptos.append(
                    Concepto(
                        ka.get("ClaveProdServ", ""),
                        ka.get("Descripcion", ""),
                        ka.get("NoIdentificacion"),
                        _dec(ka.get("Cantidad")),
                        ka.get("ClaveUnidad", ""),
                        _dec(ka.get("ValorUnitario")),
                        _dec(ka.get("Importe")),
                        _dec(ka.get("Descuento")),
                        ka.get("ObjetoImp", ""),
                    )
                )
        elif name == "Impuestos":
            report.total_impuestos_trasladados = _dec(ca.get("TotalImpuestosTrasladados"))
            report.total_impuestos_retenidos = _dec(ca.get("TotalImpuestosRetenidos"))
        elif name == "Complemento":
            for k in child:
                ktag = k.tag
                if ktag == TFD_TAG and report.uuid is None:
                    ka = attrs_of(k)
                    u = ka.get("UUID")
                    report.uuid = u.upper() if u else None
                    report.fecha_timbrado = ka.get("FechaTimbrado")
                elif ktag == PAGOS_TAG and not report.pagos:
                    _fill_pagos(report, k, attrs_of)


def _attrs_of(el: etree._Element) -> dict[str, str]:
    return dict(el.items())


def _fill_pagos(
    report: Report, pagos: etree._Element, attrs_of: Callable[[etree._Element], dict[str, str]]
) -> None:
    tot = kid(pagos, P + "Totales")
    if tot is not None:
        report.monto_total_pagos = _dec(attrs_of(tot).get("MontoTotalPagos"))
    for pe in kids(pagos, P + "Pago"):
        p = attrs_of(pe)
        pago = Pago(
            p.get("FechaPago", ""),
            p.get("FormaDePagoP", ""),
            p.get("MonedaP", ""),
            _dec(p.get("TipoCambioP")),
            _dec(p.get("Monto")),
            p.get("NumOperacion"),
        )
        for de in kids(pe, P + "DoctoRelacionado"):
            d = attrs_of(de)
            pago.doctos.append(
                DoctoRelacionado(
                    d.get("IdDocumento", "").upper(),
                    d.get("Serie"),
                    d.get("Folio"),
                    d.get("MonedaDR", ""),
                    _dec(d.get("EquivalenciaDR")),
                    _int(d.get("NumParcialidad")),
                    _dec(d.get("ImpSaldoAnt")),
                    _dec(d.get("ImpPagado")),
                    _dec(d.get("ImpSaldoInsoluto")),
                )
            )
        report.pagos.append(pago)
