"""SAT's XSDs for CFDI 4.0, TimbreFiscalDigital 1.1 and Pagos 2.0, as Python data.

Transcribed from cfdv40.xsd, tdCFDI.xsd, catCFDI.xsd, Pagos20.xsd and
TimbreFiscalDigitalv11.xsd so documents are checked in one pass without loading
an XSD at runtime; ``tests/test_xsd_agreement.py`` proves the two agree.
``code`` is SAT's matrix code for a bad value where SAT defines one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import catalogs as cat
from . import values as v

NS_CFDI = "http://www.sat.gob.mx/cfd/4"
NS_TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_PAGOS = "http://www.sat.gob.mx/Pagos20"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(slots=True)
class Attr:
    check: v.Check
    hint: str
    required: bool = False
    catalog: Callable[[], frozenset[str]] | None = None
    code: str = ""
    # The catalog's frozenset, fetched on first use (catalogs load lazily).
    codes: frozenset[str] | None = None

    def values(self) -> frozenset[str]:
        if self.codes is None:
            self.codes = self.catalog()  # type: ignore[misc]
        return self.codes


@dataclass(slots=True)
class Elem:
    name: str
    attrs: dict[str, Attr] = field(default_factory=dict)
    # (namespace, local name, spec, minOccurs, maxOccurs); spec None = xs:any content.
    children: tuple[tuple[str, str, Elem | None, int, int], ...] = ()
    n_required: int = 0
    # name -> (check or None, required, Attr); built on first use because catalogs load
    # lazily.
    fast: dict[str, tuple] | None = None

    # children with the Clark-notation tag precomputed: (tag, local, spec, min, max)
    kids: tuple[tuple[str, str, Elem | None, int, int], ...] = ()

    def __post_init__(self) -> None:
        self.n_required = sum(1 for a in self.attrs.values() if a.required)
        self.kids = tuple(
            (f"{{{ns}}}{local}", local, spec, lo, hi) for ns, local, spec, lo, hi in self.children
        )

    # (every attribute name, the required ones, ((name, check), ...) for the attributes
    # that have a check): what structure._layout_checks needs to judge a set of names.
    # Built on first use, like ``fast``.
    quick: tuple[frozenset[str], frozenset[str], tuple[tuple[str, Callable], ...]] | None = None
    # Attribute names of one element, in document order -> the checks of those present,
    # or None when the names alone are wrong (unknown, a required one absent). Depends
    # on the names only; bounded by _check_attrs.
    layouts: dict[tuple[str, ...], tuple[tuple[str, Callable], ...] | None] = field(
        default_factory=dict
    )

    def fast_table(self) -> dict[str, tuple]:
        """name -> (check or None, required, Attr). A catalog attribute's check is the
        membership test of its frozenset."""
        if self.fast is None:
            self.fast = {name: (_fast_check(a), a.required, a) for name, a in self.attrs.items()}
        return self.fast

    def quick_table(self) -> tuple[frozenset[str], frozenset[str], tuple]:
        if self.quick is None:
            fast = self.fast_table()
            self.quick = (
                frozenset(self.attrs),
                frozenset(n for n, a in self.attrs.items() if a.required),
                tuple((n, f[0]) for n, f in fast.items() if f[0] is not None),
            )
        return self.quick


def _fast_check(a: Attr) -> Callable[[str], object] | None:
    if a.catalog is not None:
        if a.check is not v.any_string:  # not used by the schema; keep both tests then
            codes, check = a.values(), a.check
            return lambda value: check(value) and value in codes
        return a.values().__contains__
    return None if a.check is v.any_string else a.check


def A(check: v.Check, hint: str, *, req: bool = False, code: str = "") -> Attr:
    return Attr(check, hint, req, None, code)


def C(
    catalog: Callable[[], frozenset[str]], name: str, *, req: bool = False, code: str = ""
) -> Attr:
    return Attr(v.any_string, f"una clave del catálogo {name} del SAT", req, catalog, code)


UNB = 1 << 30
IMPORTE = "un importe con hasta 6 decimales, sin signo ni separador de miles (p. ej. 1160.00)"
IMPORTE_MXN = "un importe con hasta 2 decimales (p. ej. 1160.00)"
RFC = "un RFC de 12 o 13 caracteres en mayúsculas (p. ej. AAA010101AAA)"
FECHA = "una fecha y hora reales con formato AAAA-MM-DDThh:mm:ss, sin zona horaria"
UUID = "un UUID de 36 caracteres (8-4-4-4-12)"


def _txt(n: int) -> str:
    return f"un texto de 1 a {n} caracteres sin la barra vertical |"


def _dec(n: int, minimum: str) -> tuple[v.Check, str]:
    return v.decimal(n, minimum), f"un número ≥ {minimum} con hasta {n} decimales"


_cant = _dec(6, "0.000001")
_tasa = _dec(6, "0.000000")
_base = _dec(6, "0.000001")

# --- CFDI 4.0 -------------------------------------------------------------------

_pedimento = Elem(
    "InformacionAduanera",
    {
        "NumeroPedimento": A(
            v.pedimento, "21 caracteres: AA  AA  AAAA  AAAAAAA (dos espacios)", req=True
        ),
    },
)
_traslado_c = Elem(
    "Traslado",
    {
        "Base": A(*_base, req=True),
        "Impuesto": C(cat.impuesto, "c_Impuesto", req=True, code="CFDI40175"),
        "TipoFactor": C(cat.tipo_factor, "c_TipoFactor", req=True, code="CFDI40176"),
        "TasaOCuota": A(*_tasa),
        "Importe": A(v.importe, IMPORTE),
    },
)
_retencion_c = Elem(
    "Retencion",
    {
        "Base": A(*_base, req=True),
        "Impuesto": C(cat.impuesto, "c_Impuesto", req=True, code="CFDI40182"),
        "TipoFactor": C(cat.tipo_factor, "c_TipoFactor", req=True, code="CFDI40183"),
        "TasaOCuota": A(*_tasa, req=True),
        "Importe": A(v.importe, IMPORTE, req=True),
    },
)
_impuestos_c = Elem(
    "Impuestos",
    {},
    (
        (
            NS_CFDI,
            "Traslados",
            Elem("Traslados", {}, ((NS_CFDI, "Traslado", _traslado_c, 1, UNB),)),
            0,
            1,
        ),
        (
            NS_CFDI,
            "Retenciones",
            Elem("Retenciones", {}, ((NS_CFDI, "Retencion", _retencion_c, 1, UNB),)),
            0,
            1,
        ),
    ),
)
_terceros = Elem(
    "ACuentaTerceros",
    {
        "RfcACuentaTerceros": A(v.rfc, RFC, req=True),
        "NombreACuentaTerceros": A(v.text(1, 300), _txt(300), req=True),
        "RegimenFiscalACuentaTerceros": C(
            cat.regimen_fiscal, "c_RegimenFiscal", req=True, code="CFDI40191"
        ),
        "DomicilioFiscalACuentaTerceros": A(v.digits5, "un código postal de 5 dígitos", req=True),
    },
)
_parte = Elem(
    "Parte",
    {
        "ClaveProdServ": C(cat.clave_prod_serv, "c_ClaveProdServ", req=True, code="CFDI40196"),
        "NoIdentificacion": A(v.text(1, 100), _txt(100)),
        "Cantidad": A(*_cant, req=True),
        "Unidad": A(v.text(1, 20), _txt(20)),
        "Descripcion": A(v.text(1, 1000), _txt(1000), req=True),
        "ValorUnitario": A(v.importe, IMPORTE),
        "Importe": A(v.importe, IMPORTE),
    },
    ((NS_CFDI, "InformacionAduanera", _pedimento, 0, UNB),),
)
CONCEPTO = Elem(
    "Concepto",
    {
        "ClaveProdServ": C(cat.clave_prod_serv, "c_ClaveProdServ", req=True, code="CFDI40162"),
        "NoIdentificacion": A(v.text(1, 100), _txt(100)),
        "Cantidad": A(*_cant, req=True),
        "ClaveUnidad": C(cat.clave_unidad, "c_ClaveUnidad", req=True, code="CFDI40165"),
        "Unidad": A(v.text(1, 20), _txt(20)),
        "Descripcion": A(v.text(1, 1000), _txt(1000), req=True),
        "ValorUnitario": A(v.importe, IMPORTE, req=True),
        "Importe": A(v.importe, IMPORTE, req=True),
        "Descuento": A(v.importe, IMPORTE),
        "ObjetoImp": C(cat.objeto_imp, "c_ObjetoImp", req=True, code="CFDI40170"),
    },
    (
        (NS_CFDI, "Impuestos", _impuestos_c, 0, 1),
        (NS_CFDI, "ACuentaTerceros", _terceros, 0, 1),
        (NS_CFDI, "InformacionAduanera", _pedimento, 0, UNB),
        (
            NS_CFDI,
            "CuentaPredial",
            Elem(
                "CuentaPredial",
                {"Numero": A(v.cuenta_predial, "de 1 a 150 letras o dígitos", req=True)},
            ),
            0,
            UNB,
        ),
        (NS_CFDI, "ComplementoConcepto", None, 0, 1),
        (NS_CFDI, "Parte", _parte, 0, UNB),
    ),
)
_impuestos = Elem(
    "Impuestos",
    {
        "TotalImpuestosRetenidos": A(v.importe, IMPORTE),
        "TotalImpuestosTrasladados": A(v.importe, IMPORTE),
    },
    (
        (
            NS_CFDI,
            "Retenciones",
            Elem(
                "Retenciones",
                {},
                (
                    (
                        NS_CFDI,
                        "Retencion",
                        Elem(
                            "Retencion",
                            {
                                "Impuesto": C(
                                    cat.impuesto, "c_Impuesto", req=True, code="CFDI40207"
                                ),
                                "Importe": A(v.importe, IMPORTE, req=True),
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
            NS_CFDI,
            "Traslados",
            Elem(
                "Traslados",
                {},
                (
                    (
                        NS_CFDI,
                        "Traslado",
                        Elem(
                            "Traslado",
                            {
                                "Base": A(v.importe, IMPORTE, req=True),
                                "Impuesto": C(
                                    cat.impuesto, "c_Impuesto", req=True, code="CFDI40217"
                                ),
                                "TipoFactor": C(cat.tipo_factor, "c_TipoFactor", req=True),
                                "TasaOCuota": A(*_tasa),
                                "Importe": A(v.importe, IMPORTE),
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
COMPROBANTE = Elem(
    "Comprobante",
    {
        "Version": A(v.fixed("4.0"), "4.0", req=True),
        "Serie": A(v.text(1, 25), _txt(25)),
        "Folio": A(v.text(1, 40), _txt(40)),
        "Fecha": A(v.fecha_h, FECHA, req=True, code="CFDI40101"),
        "Sello": A(v.any_string, "el sello digital", req=True),
        "FormaPago": C(cat.forma_pago, "c_FormaPago", code="CFDI40104"),
        "NoCertificado": A(v.digits20, "20 dígitos", req=True),
        "Certificado": A(v.any_string, "el certificado en base64", req=True),
        "CondicionesDePago": A(v.text(1, 1000), _txt(1000)),
        "SubTotal": A(v.importe, IMPORTE, req=True),
        "Descuento": A(v.importe, IMPORTE),
        "Moneda": C(cat.moneda, "c_Moneda", req=True, code="CFDI40113"),
        "TipoCambio": A(*_dec(6, "0.000001"), code="CFDI40117"),
        "Total": A(v.importe, IMPORTE, req=True),
        "TipoDeComprobante": C(
            cat.tipo_comprobante, "c_TipoDeComprobante", req=True, code="CFDI40121"
        ),
        "Exportacion": C(cat.exportacion, "c_Exportacion", req=True, code="CFDI40123"),
        "MetodoPago": C(cat.metodo_pago, "c_MetodoPago", code="CFDI40124"),
        "LugarExpedicion": C(cat.codigo_postal, "c_CodigoPostal", req=True, code="CFDI40126"),
        "Confirmacion": A(v.alnum5, "5 letras o dígitos"),
    },
    (
        (
            NS_CFDI,
            "InformacionGlobal",
            Elem(
                "InformacionGlobal",
                {
                    "Periodicidad": C(
                        cat.periodicidad, "c_Periodicidad", req=True, code="CFDI40131"
                    ),
                    "Meses": C(cat.meses, "c_Meses", req=True, code="CFDI40133"),
                    "Año": A(v.short_min(2019), "un año ≥ 2019", req=True),
                },
            ),
            0,
            1,
        ),
        (
            NS_CFDI,
            "CfdiRelacionados",
            Elem(
                "CfdiRelacionados",
                {
                    "TipoRelacion": C(
                        cat.tipo_relacion, "c_TipoRelacion", req=True, code="CFDI40137"
                    ),
                },
                (
                    (
                        NS_CFDI,
                        "CfdiRelacionado",
                        Elem("CfdiRelacionado", {"UUID": A(v.uuid, UUID, req=True)}),
                        1,
                        UNB,
                    ),
                ),
            ),
            0,
            UNB,
        ),
        (
            NS_CFDI,
            "Emisor",
            Elem(
                "Emisor",
                {
                    "Rfc": A(v.rfc, RFC, req=True),
                    "Nombre": A(v.text(1, 300), _txt(300), req=True),
                    "RegimenFiscal": C(
                        cat.regimen_fiscal, "c_RegimenFiscal", req=True, code="CFDI40140"
                    ),
                    "FacAtrAdquirente": A(v.digits10, "10 dígitos"),
                },
            ),
            1,
            1,
        ),
        (
            NS_CFDI,
            "Receptor",
            Elem(
                "Receptor",
                {
                    "Rfc": A(v.rfc, RFC, req=True),
                    "Nombre": A(v.text(1, 300), _txt(300), req=True),
                    "DomicilioFiscalReceptor": A(
                        v.digits5, "un código postal de 5 dígitos", req=True
                    ),
                    "ResidenciaFiscal": C(cat.pais, "c_Pais", code="CFDI40150"),
                    "NumRegIdTrib": A(v.text(1, 40, no_pipe=False), "de 1 a 40 caracteres"),
                    "RegimenFiscalReceptor": C(
                        cat.regimen_fiscal, "c_RegimenFiscal", req=True, code="CFDI40157"
                    ),
                    "UsoCFDI": C(cat.uso_cfdi, "c_UsoCFDI", req=True, code="CFDI40160"),
                },
            ),
            1,
            1,
        ),
        (
            NS_CFDI,
            "Conceptos",
            Elem("Conceptos", {}, ((NS_CFDI, "Concepto", CONCEPTO, 1, UNB),)),
            1,
            1,
        ),
        (NS_CFDI, "Impuestos", _impuestos, 0, 1),
        (NS_CFDI, "Complemento", None, 0, 1),
        (NS_CFDI, "Addenda", None, 0, 1),
    ),
)
