"""SAT catalogs read from satcfdi's catalogs.db: read-only, cached, no code from pickles."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from mantto.cfdi import catalogs


def test_it_loads_the_small_catalogs():
    assert {"01", "03", "99"} <= catalogs.forma_pago()
    assert catalogs.metodo_pago() == {"PUE", "PPD"}
    assert catalogs.tipo_comprobante() == {"I", "E", "T", "N", "P"}
    assert {"G03", "CP01", "S01"} <= catalogs.uso_cfdi()
    assert "601" in catalogs.regimen_fiscal() and "616" in catalogs.regimen_fiscal()
    assert catalogs.exportacion() == {"01", "02", "03", "04"}
    assert catalogs.impuesto() == {"001", "002", "003"}
    assert "18" in catalogs.meses() and "05" in catalogs.periodicidad()
    assert "USA" in catalogs.pais() and "MEX" in catalogs.pais()


def test_it_drops_forma_pago_codes_retired_before_cfdi_40():
    assert not {"07", "09", "10", "11", "16", "98"} & catalogs.forma_pago()


def test_it_loads_the_big_catalogs_as_frozensets():
    assert isinstance(catalogs.codigo_postal(), frozenset)
    assert "06600" in catalogs.codigo_postal() and len(catalogs.codigo_postal()) > 90_000
    assert "78181500" in catalogs.clave_prod_serv()
    assert "E48" in catalogs.clave_unidad() and "ACT" in catalogs.clave_unidad()


def test_it_knows_the_decimals_of_each_currency():
    dec = catalogs.moneda_decimales()
    assert dec["MXN"] == 2 and dec["USD"] == 2 and dec["CLP"] == 0 and dec["XXX"] == 0


def test_it_caches_catalogs():
    assert catalogs.codigo_postal() is catalogs.codigo_postal()


def test_it_validates_tasa_o_cuota():
    ok = catalogs.tasa_o_cuota_valida
    assert ok("002", "Tasa", Decimal("0.160000"), retencion=False)
    assert ok("002", "Tasa", Decimal("0.08"), retencion=False)
    assert not ok("002", "Tasa", Decimal("0.17"), retencion=False)
    assert not ok("001", "Tasa", Decimal("0.10"), retencion=False)  # no ISR trasladado
    assert ok("001", "Tasa", Decimal("0.10"), retencion=True)
    assert ok("002", "Tasa", Decimal("0.106667"), retencion=True)
    assert ok("003", "Cuota", Decimal("1.5"), retencion=False)


def test_it_refuses_pickles_that_build_objects():
    evil = pickle.dumps(Decimal("1"))
    with pytest.raises(pickle.UnpicklingError):
        catalogs._load(evil)
    assert catalogs._load(pickle.dumps(["a", 2], protocol=4)) == ["a", 2]
    assert catalogs._load(pickle.dumps("Peña", protocol=4)) == "Peña"


def test_it_says_where_the_catalogs_come_from_and_how_to_refresh_them():
    info = catalogs.source_info()
    assert info["path"].endswith("catalogs.db")
    assert "satcfdi" in info["refresh"]


def test_it_opens_the_database_read_only():
    import sqlite3

    with pytest.raises(sqlite3.OperationalError):
        catalogs._connect().execute("CREATE TABLE mantto_probe (x)")
