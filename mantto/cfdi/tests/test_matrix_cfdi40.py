"""One case per code of SAT's CFDI 4.0 error matrix we implement: a valid document from
the test kit, one thing changed, and the exact SAT code expected among the findings."""

from __future__ import annotations

import pytest
from cfdi_rulekit import add, codes, credit_note, drop, dup, edit, ensure_complemento, invoice, put

from mantto.cfdi import catalogs
from mantto.cfdi.testing import Concepto

C1 = "cfdi:Conceptos/cfdi:Concepto[1]"
T1 = f"{C1}/cfdi:Impuestos/cfdi:Traslados/cfdi:Traslado"
R1 = f"{C1}/cfdi:Impuestos/cfdi:Retenciones/cfdi:Retencion"
GI = "cfdi:Impuestos"
GT = f"{GI}/cfdi:Traslados/cfdi:Traslado"
GR = f"{GI}/cfdi:Retenciones/cfdi:Retencion"
PUBLICO = {
    "Rfc": "XAXX010101000",
    "Nombre": "PUBLICO EN GENERAL",
    "DomicilioFiscalReceptor": "06600",
    "RegimenFiscalReceptor": "616",
    "UsoCFDI": "S01",
}
EXTRANJERO = {
    "Rfc": "XEXX010101000",
    "Nombre": "FLEET PARTNERS INC",
    "DomicilioFiscalReceptor": "06600",
    "RegimenFiscalReceptor": "616",
    "UsoCFDI": "S01",
    "ResidenciaFiscal": "USA",
    "NumRegIdTrib": "123456789",
}


PEDIMENTO = "23  47  3807  3001234"
PARTE = (
    '<cfdi:Parte ClaveProdServ="25172504" Cantidad="2.000000" Descripcion="Balata" '
    'ValorUnitario="{vu}" Importe="{imp}"/>'
)


def with_retencion() -> bytes:
    return invoice(conceptos=[Concepto(retenciones=[("002", "0.106667")])])


def info_global(per: str = "04", meses: str = "01", anio: str | None = None) -> bytes:
    doc = invoice(receptor=PUBLICO)
    anio = anio or doc.split(b'Fecha="', 1)[1][:4].decode()
    return edit(
        doc,
        add(
            ".",
            f'<cfdi:InformacionGlobal Periodicidad="{per}" Meses="{meses}" Año="{anio}"/>',
            index=0,
        ),
    )


def comercio_exterior(root) -> None:
    from lxml import etree

    etree.SubElement(
        ensure_complemento(root), "{http://www.sat.gob.mx/ComercioExterior20}ComercioExterior"
    )


CASES: dict[str, object] = {
    "CFDI40101": lambda: edit(invoice(), put(".", Fecha="2026-02-30T10:00:00")),
    "CFDI40103": lambda: edit(invoice(), put(".", TipoDeComprobante="T")),
    "CFDI40104": lambda: edit(invoice(), put(".", FormaPago="07", MetodoPago="PUE")),
    "CFDI40105": lambda: edit(invoice(), put(".", MetodoPago="PPD", FormaPago="03")),
    "CFDI40107": lambda: edit(invoice(), put(".", SubTotal="4401.001")),
    "CFDI40108": lambda: edit(invoice(), put(".", SubTotal="4402.00")),
    "CFDI40109": lambda: edit(invoice(), put(".", TipoDeComprobante="T")),
    "CFDI40110": lambda: edit(invoice(), put(".", Descuento="5000.00")),
    "CFDI40111": lambda: edit(invoice(), put(".", TipoDeComprobante="T", Descuento="1.00")),
    "CFDI40112": lambda: edit(invoice(), put(".", Descuento="0.001")),
    "CFDI40113": lambda: edit(invoice(), put(".", Moneda="ZZZ")),
    "CFDI40114": lambda: edit(invoice(), put(".", TipoCambio="17.50")),
    "CFDI40115": lambda: edit(invoice(), put(".", Moneda="USD")),
    "CFDI40116": lambda: edit(invoice(), put(".", Moneda="XXX", TipoCambio="1")),
    "CFDI40117": lambda: edit(invoice(), put(".", Moneda="USD", TipoCambio="17,50")),
    "CFDI40119": lambda: edit(invoice(), put(".", Total="5105.17")),
    "CFDI40121": lambda: edit(invoice(), put(".", TipoDeComprobante="X")),
    "CFDI40122": lambda: edit(invoice(), put(".", Exportacion="02")),
    "CFDI40123": lambda: edit(invoice(), put(".", Exportacion="09")),
    "CFDI40124": lambda: edit(invoice(), put(".", MetodoPago="PIP")),
    "CFDI40125": lambda: edit(invoice(), put(".", TipoDeComprobante="T", FormaPago=None)),
    "CFDI40126": lambda: edit(invoice(), put(".", LugarExpedicion="00001")),
    "CFDI40130": lambda: invoice(receptor=PUBLICO),
    "CFDI40131": lambda: info_global(per="09"),
    "CFDI40132": lambda: info_global(per="05", meses="13"),
    "CFDI40133": lambda: info_global(meses="19"),
    "CFDI40134": lambda: info_global(per="04", meses="13"),
    "CFDI40135": lambda: info_global(per="05", meses="01"),
    "CFDI40136": lambda: info_global(anio="2020"),
    "CFDI40137": lambda: credit_note(tipo_relacion="99"),
    "CFDI40140": lambda: edit(invoice(), put("cfdi:Emisor", RegimenFiscal="600")),
    "CFDI40141": lambda: edit(invoice(), put("cfdi:Emisor", RegimenFiscal="605")),
    "CFDI40146": lambda: edit(invoice(), put("cfdi:Receptor", Nombre="PUBLICO EN GENERAL")),
    "CFDI40149": lambda: edit(
        invoice(receptor=PUBLICO), put("cfdi:Receptor", DomicilioFiscalReceptor="11000")
    ),
    "CFDI40150": lambda: invoice(receptor={**EXTRANJERO, "ResidenciaFiscal": "QQQ"}),
    "CFDI40151": lambda: edit(invoice(), put("cfdi:Receptor", ResidenciaFiscal="USA")),
    "CFDI40152": lambda: invoice(receptor={**EXTRANJERO, "ResidenciaFiscal": "MEX"}),
    "CFDI40153": lambda: invoice(receptor={**EXTRANJERO, "ResidenciaFiscal": None}),
    "CFDI40154": lambda: edit(invoice(), put("cfdi:Receptor", NumRegIdTrib="123456789")),
    "CFDI40155": lambda: edit(
        invoice(receptor={**EXTRANJERO, "NumRegIdTrib": None}), comercio_exterior
    ),
    "CFDI40157": lambda: edit(invoice(), put("cfdi:Receptor", RegimenFiscalReceptor="600")),
    "CFDI40158": lambda: edit(invoice(), put("cfdi:Receptor", RegimenFiscalReceptor="605")),
    "CFDI40159": lambda: invoice(receptor={**PUBLICO, "RegimenFiscalReceptor": "601"}),
    "CFDI40160": lambda: edit(invoice(), put("cfdi:Receptor", UsoCFDI="G99")),
    "CFDI40161": lambda: edit(invoice(), put("cfdi:Receptor", UsoCFDI="D01")),
    "CFDI40162": lambda: edit(invoice(), put(C1, ClaveProdServ="99999999")),
    "CFDI40165": lambda: edit(invoice(), put(C1, ClaveUnidad="QQQ")),
    "CFDI40166": lambda: edit(invoice(), put(C1, ValorUnitario="0")),
    "CFDI40167": lambda: edit(invoice(), put(C1, Cantidad="1.000000", Importe="3600.00")),
    "CFDI40168": lambda: edit(invoice(), put(C1, Descuento="1.001")),
    "CFDI40169": lambda: edit(invoice(), put(C1, Descuento="4000.00")),
    "CFDI40170": lambda: edit(invoice(), put(C1, ObjetoImp="09")),
    "CFDI40171": lambda: edit(invoice(), drop(f"{C1}/cfdi:Impuestos")),
    "CFDI40172": lambda: edit(invoice(), put(C1, ObjetoImp="01")),
    "CFDI40173": lambda: edit(invoice(), drop(f"{C1}/cfdi:Impuestos/cfdi:Traslados")),
    "CFDI40174": lambda: edit(invoice(), put(T1, Base="0")),
    "CFDI40175": lambda: edit(invoice(), put(T1, Impuesto="004")),
    "CFDI40176": lambda: edit(invoice(), put(T1, TipoFactor="Otro")),
    "CFDI40177": lambda: edit(invoice(), put(T1, TipoFactor="Exento")),
    "CFDI40178": lambda: edit(invoice(), put(T1, TasaOCuota=None)),
    "CFDI40179": lambda: edit(invoice(), put(T1, TasaOCuota="0.170000")),
    "CFDI40180": lambda: edit(invoice(), put(T1, Importe="561.00")),
    "CFDI40181": lambda: edit(with_retencion(), put(R1, Base="0")),
    "CFDI40182": lambda: edit(with_retencion(), put(R1, Impuesto="004")),
    "CFDI40183": lambda: edit(with_retencion(), put(R1, TipoFactor="Otro")),
    "CFDI40184": lambda: edit(with_retencion(), put(R1, TipoFactor="Exento")),
    "CFDI40185": lambda: edit(with_retencion(), put(R1, TasaOCuota="0.500000")),
    "CFDI40186": lambda: edit(with_retencion(), put(R1, Importe="1.00")),
    "CFDI40191": lambda: edit(
        invoice(),
        add(
            C1,
            "<cfdi:ACuentaTerceros RfcACuentaTerceros="
            '"AAA010101AAA" NombreACuentaTerceros="TERCERO" '
            'RegimenFiscalACuentaTerceros="600" '
            'DomicilioFiscalACuentaTerceros="06600"/>',
        ),
    ),
    "CFDI40196": lambda: edit(
        invoice(),
        add(C1, '<cfdi:Parte ClaveProdServ="99999999" Cantidad="1" Descripcion="Tornillo"/>'),
    ),
    "CFDI40195": lambda: edit(
        invoice(),
        add(C1, f'<cfdi:InformacionAduanera NumeroPedimento="{PEDIMENTO}"/>'),
        comercio_exterior,
    ),
    "CFDI40197": lambda: edit(invoice(), add(C1, PARTE.format(vu="0", imp="0"))),
    "CFDI40198": lambda: edit(invoice(), add(C1, PARTE.format(vu="10.00", imp="50.00"))),
    "CFDI40200": lambda: edit(
        invoice(),
        add(
            C1,
            PARTE.format(vu="10.00", imp="20.00").replace(
                "/>", f'><cfdi:InformacionAduanera NumeroPedimento="{PEDIMENTO}"/></cfdi:Parte>'
            ),
        ),
        comercio_exterior,
    ),
    "CFDI40201": lambda: edit(invoice(), put(".", TipoDeComprobante="T")),
    "CFDI40202": lambda: edit(with_retencion(), put(GI, TotalImpuestosRetenidos="373.334")),
    "CFDI40203": lambda: edit(with_retencion(), put(GI, TotalImpuestosRetenidos="1.00")),
    "CFDI40204": lambda: edit(invoice(), put(GI, TotalImpuestosTrasladados="704.160")),
    "CFDI40205": lambda: edit(invoice(), put(GI, TotalImpuestosTrasladados="704.17")),
    "CFDI40206": lambda: edit(with_retencion(), put(GI, TotalImpuestosRetenidos=None)),
    "CFDI40207": lambda: edit(with_retencion(), put(GR, Impuesto="004")),
    "CFDI40208": lambda: edit(with_retencion(), dup(GR)),
    "CFDI40210": lambda: edit(with_retencion(), put(GR, Importe="373.334")),
    "CFDI40211": lambda: edit(with_retencion(), put(GR, Importe="1.00")),
    "CFDI40212": lambda: edit(invoice(), put(GI, TotalImpuestosTrasladados=None)),
    "CFDI40214": lambda: edit(invoice(), put(GT, Base="4401.001")),
    "CFDI40215": lambda: edit(invoice(), put(GT, Base="4400.00")),
    "CFDI40217": lambda: edit(invoice(), put(GT, Impuesto="004")),
    "CFDI40218": lambda: edit(invoice(), dup(GT)),
    "CFDI40219": lambda: edit(invoice(), put(GT, TasaOCuota="0.170000")),
    "CFDI40220": lambda: edit(invoice(), put(GT, Importe="704.160")),
    "CFDI40221": lambda: edit(invoice(), put(GT, Importe="704.17")),
}


def test_it_starts_from_documents_without_findings():
    for doc in (
        invoice(),
        with_retencion(),
        credit_note(),
        info_global(),
        invoice(receptor=EXTRANJERO),
    ):
        assert codes(doc) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_it_reports_sat_code(code: str):
    found = codes(CASES[code]())
    assert code in found, found


def test_it_uses_a_postal_code_outside_the_catalog_for_cfdi40126():
    assert "00001" not in catalogs.codigo_postal()


def test_it_reports_every_finding_not_only_the_first():
    doc = edit(
        invoice(),
        put(".", SubTotal="1.00", Total="2.00", Moneda="ZZZ"),
        put("cfdi:Receptor", UsoCFDI="G99"),
    )
    found = codes(doc)
    for code in ("CFDI40108", "CFDI40113", "CFDI40119", "CFDI40160"):
        assert code in found


def test_it_holds_the_quantity_exact_where_sat_allows_half_a_unit():
    # SAT's limits for Cantidad="1" are 1749.99..5250.01: 3600.00 passes SAT's CFDI40167.
    found = codes(edit(invoice(), put(C1, Importe="3600.00")))
    assert "CFDI40167" not in found
    assert "MANTTO-CONCEPTO-IMPORTE" in found


def test_it_holds_a_partes_quantity_exact_too():
    parte = PARTE.replace('Cantidad="2.000000"', 'Cantidad="2"')
    # SAT's limits for 2 × 10.00 are 14.99..25.01: 24.00 passes CFDI40198, not Mantto.
    found = codes(edit(invoice(), add(C1, parte.format(vu="10.00", imp="24.00"))))
    assert "CFDI40198" not in found
    assert "MANTTO-PARTE-IMPORTE" in found
    assert "MANTTO-PARTE-IMPORTE" not in codes(
        edit(invoice(), add(C1, parte.format(vu="10.00", imp="20.00")))
    )
    # Outside SAT's limits it is SAT's code alone.
    found = codes(edit(invoice(), add(C1, parte.format(vu="10.00", imp="50.00"))))
    assert "CFDI40198" in found and "MANTTO-PARTE-IMPORTE" not in found


def test_it_accepts_a_unit_price_rounded_from_the_amount():
    # 3 × 333.33 = 999.99, but 333.33 is 1000.00 / 3 rounded: within the VU's slack.
    doc = invoice(conceptos=[Concepto(cantidad="3", valor_unitario="333.33")])
    doc = edit(doc, put(C1, Importe="1000.00"))
    assert "MANTTO-CONCEPTO-IMPORTE" not in codes(doc)


def test_it_reports_informacion_global_without_publico_en_general_as_cfdi40130():
    doc = edit(
        invoice(),
        add(".", '<cfdi:InformacionGlobal Periodicidad="04" Meses="01" Año="2026"/>', index=0),
    )
    assert "CFDI40130" in codes(doc)
    assert "CFDI40130" in codes(edit(info_global(), put(".", TipoDeComprobante="E")))


def test_it_accepts_parts_and_customs_data_without_comercio_exterior():
    doc = edit(
        invoice(),
        add(C1, f'<cfdi:InformacionAduanera NumeroPedimento="{PEDIMENTO}"/>'),
        add(C1, PARTE.format(vu="10.00", imp="20.00")),
    )
    assert codes(doc) == []
