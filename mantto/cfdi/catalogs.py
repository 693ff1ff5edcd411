"""SAT catalogs for CFDI 4.0 and Pagos 2.0, loaded lazily and cached.

The codes come from the SAT data shipped inside the installed ``satcfdi`` package
(``satcfdi/catalogs/catalogs.db``): an SQLite file whose tables ``C756_c_<Catalogo>``
map a pickled key to a pickled value. We open it read-only and decode the pickles
with an unpickler that refuses every class, so the file can only ever yield plain
strings, numbers, lists and tuples. None of satcfdi's code is imported.

Some columns of SAT's Excel catalog (catCFDI.xls) are not in that file: which
régimen applies to personas físicas/morales, which régimen each UsoCFDI admits, and
c_TasaOCuota. They are transcribed below from SAT's catCFDI (Anexo 20, version
vigente 2024-2025); :func:`source_info` says how to refresh everything.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
from decimal import Decimal
from functools import cache
from importlib.util import find_spec
from pathlib import Path

_TABLE_PREFIX = "C756_"

# c_FormaPago in catalogs.db still carries codes retired before CFDI 4.0 (07, 09, 10,
# 11, 16, 98); SAT's catCFDI.xsd for 4.0 does not accept them.
_FORMA_PAGO_RETIRED = frozenset({"07", "09", "10", "11", "16", "98"})

# c_RegimenFiscal columns "Física" / "Moral" (catCFDI.xls).
REGIMEN_FISICA = frozenset(
    [
        "605",
        "606",
        "607",
        "608",
        "610",
        "611",
        "612",
        "614",
        "615",
        "616",
        "621",
        "625",
        "626",
        "629",
        "630",
    ]
)
REGIMEN_MORAL = frozenset(["601", "603", "609", "610", "620", "622", "623", "624", "626", "628"])

# c_UsoCFDI columns "Física", "Moral" and "Régimen Fiscal Receptor" (catCFDI.xls).
_EMPRESARIAL = frozenset(
    ["601", "603", "606", "612", "620", "621", "622", "623", "624", "625", "626"]
)
_DEDUCCIONES = frozenset(["605", "606", "608", "611", "612", "614", "607", "615", "625"])
_TODOS = frozenset(
    [
        "601",
        "603",
        "605",
        "606",
        "608",
        "610",
        "611",
        "612",
        "614",
        "616",
        "620",
        "621",
        "622",
        "623",
        "624",
        "607",
        "615",
        "625",
        "626",
    ]
)
USO_CFDI_RULES: dict[str, tuple[bool, bool, frozenset[str]]] = {
    # clave: (aplica a física, aplica a moral, regímenes del receptor admitidos)
    **{
        k: (True, True, _EMPRESARIAL)
        for k in ["G01", "G02", "G03", "I01", "I02", "I03", "I04", "I05", "I06", "I07", "I08"]
    },
    **{
        k: (True, False, _DEDUCCIONES)
        for k in ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10"]
    },
    "S01": (True, True, _TODOS),
    "CP01": (True, True, _TODOS),
    "CN01": (True, False, frozenset({"605"})),
}

TIPO_FACTOR = frozenset({"Tasa", "Cuota", "Exento"})
TIPO_CADENA_PAGO = frozenset({"01"})


def _d(values: str) -> frozenset[Decimal]:
    return frozenset(Decimal(v) for v in values.split())


# c_TasaOCuota: (impuesto, tipo factor) -> (valores fijos, rango mínimo-máximo o None)
# for traslados and retenciones. Values are compared numerically (0.16 == 0.160000).
_IEPS_TASAS = _d("0.265 0.30 0.53 0.50 1.60 0.304 0.25 0.09 0.08 0.07 0.06 0.03 0")
TASA_O_CUOTA_TRASLADO: dict[tuple[str, str], tuple[frozenset[Decimal], tuple | None]] = {
    ("002", "Tasa"): (_d("0 0.16 0.08"), None),
    ("003", "Tasa"): (_IEPS_TASAS, None),
    ("003", "Cuota"): (frozenset(), (Decimal("0"), Decimal("59.1449"))),
}
TASA_O_CUOTA_RETENCION: dict[tuple[str, str], tuple[frozenset[Decimal], tuple | None]] = {
    ("001", "Tasa"): (frozenset(), (Decimal("0"), Decimal("0.35"))),
    ("002", "Tasa"): (frozenset(), (Decimal("0"), Decimal("0.16"))),
    ("003", "Tasa"): (_IEPS_TASAS - {Decimal("0")}, None),
    ("003", "Cuota"): (frozenset(), (Decimal("0"), Decimal("59.1449"))),
}


def tasa_o_cuota_valida(impuesto: str, factor: str, valor: Decimal, *, retencion: bool) -> bool:
    """True when (impuesto, factor, valor) is a row of c_TasaOCuota."""
    table = TASA_O_CUOTA_RETENCION if retencion else TASA_O_CUOTA_TRASLADO
    row = table.get((impuesto, factor))
    if row is None:
        return False
    fixed, rng = row
    if valor in fixed:
        return True
    return rng is not None and rng[0] <= valor <= rng[1]


class _NoClasses(pickle.Unpickler):
    """Only builtin literals: a tampered catalogs.db cannot run code here."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"catalogs.db: objeto no permitido {module}.{name}")


def _load(blob: bytes) -> object:
    # Fast path for protocol-4 short strings (the shape of every key): the payload
    # sits between the SHORT_BINUNICODE header and the MEMOIZE+STOP trailer.
    if len(blob) > 14 and blob[11] == 0x8C and blob[12] == len(blob) - 15:
        return blob[13:-2].decode("utf-8")
    return _NoClasses(io.BytesIO(blob)).load()


def db_path() -> Path:
    """Path of the catalogs.db shipped by satcfdi (not imported: its package runs code)."""
    spec = find_spec("satcfdi")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("satcfdi no está instalado: no hay catálogos del SAT")
    return Path(next(iter(spec.submodule_search_locations))) / "catalogs" / "catalogs.db"


def source_info() -> dict[str, str]:
    """Where the catalogs come from and how to refresh them (cited by the README)."""
    return {
        "path": str(db_path()),
        "refresh": (
            "Los catálogos vienen del paquete satcfdi (catalogs/catalogs.db). Cuando el SAT "
            "publique un nuevo catCFDI, actualice satcfdi (`pip install -U satcfdi`, y fije la "
            "versión en requirements.txt), reinicie los procesos y ejecute las pruebas de "
            "mantto/cfdi. Las columnas que no trae ese archivo (régimen por tipo de persona, "
            "régimen por UsoCFDI, c_TasaOCuota) están en mantto/cfdi/catalogs.py y se "
            "actualizan a mano contra catCFDI.xls del SAT."
        ),
    }


@cache
def _connect() -> sqlite3.Connection:
    uri = db_path().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@cache
def table(name: str) -> dict[str, object]:
    """Whole catalog ``c_<name>`` as {clave: valor}. Cached for the process lifetime."""
    if not name.isidentifier():
        raise ValueError(name)
    rows = _connect().execute(f"SELECT key, value FROM {_TABLE_PREFIX}c_{name}")  # noqa: S608
    return {_load(k): _load(v) for k, v in rows}


@cache
def keys(name: str) -> frozenset[str]:
    """Codes of catalog ``c_<name>`` (keys only: cheaper for the big ones)."""
    if not name.isidentifier():
        raise ValueError(name)
    rows = _connect().execute(f"SELECT key FROM {_TABLE_PREFIX}c_{name}")  # noqa: S608
    codes = frozenset(str(_load(k)) for (k,) in rows)
    if name == "FormaPago":
        codes -= _FORMA_PAGO_RETIRED
    return codes


@cache
def moneda_decimales() -> dict[str, int]:
    """c_Moneda: ISO code -> decimals SAT allows for amounts in that currency."""
    return {k: int(v[1]) for k, v in table("Moneda").items()}  # type: ignore[index]


def forma_pago() -> frozenset[str]:
    return keys("FormaPago")


def metodo_pago() -> frozenset[str]:
    return keys("MetodoPago")


def uso_cfdi() -> frozenset[str]:
    return keys("UsoCFDI")


def regimen_fiscal() -> frozenset[str]:
    return keys("RegimenFiscal")


def moneda() -> frozenset[str]:
    return keys("Moneda")


def exportacion() -> frozenset[str]:
    return keys("Exportacion")


def objeto_imp() -> frozenset[str]:
    return keys("ObjetoImp")


def tipo_relacion() -> frozenset[str]:
    return keys("TipoRelacion")


def impuesto() -> frozenset[str]:
    return keys("Impuesto")


def tipo_factor() -> frozenset[str]:
    # catalogs.db ships this table empty; the catalog is fixed by Anexo 20.
    return TIPO_FACTOR


def tipo_comprobante() -> frozenset[str]:
    return keys("TipoDeComprobante")


def clave_unidad() -> frozenset[str]:
    return keys("ClaveUnidad")


def clave_prod_serv() -> frozenset[str]:
    return keys("ClaveProdServ")


def codigo_postal() -> frozenset[str]:
    return keys("CodigoPostal")


def periodicidad() -> frozenset[str]:
    return keys("Periodicidad")


def meses() -> frozenset[str]:
    return keys("Meses")


def pais() -> frozenset[str]:
    return keys("Pais")


def tipo_cadena_pago() -> frozenset[str]:
    return TIPO_CADENA_PAGO


def warm() -> None:
    """Load every catalog now (a worker calls this at start so the first upload is fast)."""
    for fn in (
        forma_pago,
        metodo_pago,
        uso_cfdi,
        regimen_fiscal,
        moneda,
        exportacion,
        objeto_imp,
        tipo_relacion,
        impuesto,
        tipo_comprobante,
        clave_unidad,
        clave_prod_serv,
        codigo_postal,
        periodicidad,
        meses,
        pais,
        moneda_decimales,
    ):
        fn()
