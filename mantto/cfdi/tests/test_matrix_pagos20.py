"""One case per code of SAT's Complemento de Pagos 2.0 matrix we implement (CRP201xx for
the CFDI tipo P, CRP202xx for the complement), each on a valid payment with one change."""

from __future__ import annotations

import pytest
from cfdi_rulekit import add, codes, drop, dup, edit, invoice, payment, put

from mantto.cfdi.testing import Concepto

C1 = "cfdi:Conceptos/cfdi:Concepto"
PG = "cfdi:Complemento/pago20:Pagos"
TOT = f"{PG}/pago20:Totales"
PAGO = f"{PG}/pago20:Pago"
DR = f"{PAGO}/pago20:DoctoRelacionado"
IDR = f"{DR}/pago20:ImpuestosDR"
TDR = f"{IDR}/pago20:TrasladosDR/pago20:TrasladoDR"
RDR = f"{IDR}/pago20:RetencionesDR/pago20:RetencionDR"
IP = f"{PAGO}/pago20:ImpuestosP"
TP = f"{IP}/pago20:TrasladosP/pago20:TrasladoP"
RP = f"{IP}/pago20:RetencionesP/pago20:RetencionP"


def ret() -> bytes:
    return payment(retencion_iva="0.106667")


def exento() -> bytes:
    return edit(
        payment(),
        put(TDR, TipoFactorDR="Exento", TasaOCuotaDR=None, ImporteDR=None),
        put(TP, TipoFactorP="Exento", TasaOCuotaP=None, ImporteP=None),
        put(
            TOT,
            TotalTrasladosBaseIVA16=None,
            TotalTrasladosImpuestoIVA16=None,
            TotalTrasladosBaseIVAExento="4401.00",
        ),
    )


CASES: dict[str, object] = {
    "CRP20101": lambda: edit(payment(), put(".", TipoDeComprobante="I")),
    "CRP20102": lambda: edit(payment(), put(".", Exportacion="02")),
    "CRP20103": lambda: edit(payment(), put(".", SubTotal="1")),
    "CRP20104": lambda: edit(payment(), put(".", Moneda="MXN")),
    "CRP20105": lambda: edit(payment(), put(".", FormaPago="03")),
    "CRP20106": lambda: edit(payment(), put(".", MetodoPago="PUE")),
    "CRP20107": lambda: edit(payment(), put(".", CondicionesDePago="Contado")),
    "CRP20108": lambda: edit(payment(), put(".", Descuento="0")),
    "CRP20109": lambda: edit(payment(), put(".", TipoCambio="1")),
    "CRP20110": lambda: edit(payment(), put(".", Total="1")),
    "CRP20111": lambda: edit(payment(), dup(C1)),
    "CRP20112": lambda: edit(payment(), add(C1, '<cfdi:CuentaPredial Numero="123"/>')),
    "CRP20113": lambda: edit(payment(), put(C1, ClaveProdServ="78181500")),
    "CRP20114": lambda: edit(payment(), put(C1, NoIdentificacion="X1")),
    "CRP20115": lambda: edit(payment(), put(C1, Cantidad="2")),
    "CRP20116": lambda: edit(payment(), put(C1, ClaveUnidad="E48")),
    "CRP20117": lambda: edit(payment(), put(C1, Unidad="Servicio")),
    "CRP20118": lambda: edit(payment(), put(C1, Descripcion="Pago de factura")),
    "CRP20119": lambda: edit(payment(), put(C1, ValorUnitario="1")),
    "CRP20120": lambda: edit(payment(), put(C1, Importe="1")),
    "CRP20121": lambda: edit(payment(), put(C1, Descuento="0")),
    "CRP20122": lambda: edit(payment(), put(C1, ObjetoImp="02")),
    "CRP20123": lambda: edit(
        payment(), add(".", '<cfdi:Impuestos TotalImpuestosTrasladados="0"/>', index=3)
    ),
    "CRP20201": lambda: edit(ret(), put(TOT, TotalRetencionesIVA="400.00")),
    "CRP20202": lambda: edit(payment(), put(TOT, TotalRetencionesISR="1.00")),
    "CRP20203": lambda: edit(payment(), put(TOT, TotalRetencionesIEPS="1.00")),
    "CRP20204": lambda: edit(payment(), put(TOT, TotalTrasladosBaseIVA16="4400.00")),
    "CRP20205": lambda: edit(payment(), put(TOT, TotalTrasladosImpuestoIVA16="704.00")),
    "CRP20206": lambda: edit(payment(), put(TOT, TotalTrasladosBaseIVA8="1.00")),
    "CRP20207": lambda: edit(payment(), put(TOT, TotalTrasladosImpuestoIVA8="1.00")),
    "CRP20208": lambda: edit(payment(), put(TOT, TotalTrasladosBaseIVA0="1.00")),
    "CRP20209": lambda: edit(payment(), put(TOT, TotalTrasladosImpuestoIVA0="1.00")),
    "CRP20210": lambda: edit(exento(), put(TOT, TotalTrasladosBaseIVAExento="1.00")),
    "CRP20211": lambda: edit(payment(), put(TOT, MontoTotalPagos="1.00")),
    "CRP20212": lambda: edit(payment(), put(PAGO, FormaDePagoP="99")),
    "CRP20213": lambda: edit(payment(), put(PAGO, MonedaP="XXX")),
    "CRP20214": lambda: edit(payment(), put(PAGO, MonedaP="USD", TipoCambioP=None)),
    "CRP20215": lambda: edit(payment(), put(PAGO, TipoCambioP="2")),
    "CRP20217": lambda: edit(payment(), put(PAGO, Monto="100.00")),
    "CRP20218": lambda: edit(payment(), put(PAGO, Monto="0")),
    "CRP20219": lambda: edit(payment(), put(PAGO, Monto="5105.161")),
    "CRP20221": lambda: edit(
        payment(), put(PAGO, FormaDePagoP="01", RfcEmisorCtaOrd="BBA830831LJ2")
    ),
    "CRP20223": lambda: edit(payment(), put(PAGO, RfcEmisorCtaOrd="XEXX010101000")),
    "CRP20224": lambda: edit(
        payment(), put(PAGO, FormaDePagoP="01", CtaOrdenante="012180001234567897")
    ),
    "CRP20227": lambda: edit(
        payment(), put(PAGO, FormaDePagoP="01", RfcEmisorCtaBen="BBA830831LJ2")
    ),
    "CRP20228": lambda: edit(
        payment(), put(PAGO, FormaDePagoP="01", CtaBeneficiario="012180001234567897")
    ),
    "CRP20229": lambda: edit(
        payment(),
        put(
            PAGO,
            FormaDePagoP="02",
            TipoCadPago="01",
            CertPago="QUJD",
            CadPago="x",
            SelloPago="QUJD",
        ),
    ),
    "CRP20230": lambda: edit(payment(), put(PAGO, TipoCadPago="01", CadPago="x", SelloPago="QUJD")),
    "CRP20231": lambda: edit(payment(), put(PAGO, CertPago="QUJD")),
    "CRP20232": lambda: edit(
        payment(), put(PAGO, TipoCadPago="01", CertPago="QUJD", SelloPago="QUJD")
    ),
    "CRP20233": lambda: edit(payment(), put(PAGO, CadPago="x")),
    "CRP20234": lambda: edit(payment(), put(PAGO, TipoCadPago="01", CertPago="QUJD", CadPago="x")),
    "CRP20235": lambda: edit(payment(), put(PAGO, SelloPago="QUJD")),
    "CRP20236": lambda: edit(payment(), put(DR, MonedaDR="XXX")),
    "CRP20237": lambda: edit(payment(), put(DR, MonedaDR="USD", EquivalenciaDR=None)),
    "CRP20238": lambda: edit(payment(), put(DR, EquivalenciaDR="2")),
    "CRP20239": lambda: edit(payment(), put(DR, ImpSaldoAnt="0")),
    "CRP20240": lambda: edit(payment(), put(DR, ImpSaldoAnt="5105.160")),
    "CRP20241": lambda: edit(payment(), put(DR, ImpPagado="0")),
    "CRP20242": lambda: edit(payment(), put(DR, ImpPagado="5105.160")),
    "CRP20243": lambda: edit(payment(), put(DR, ImpSaldoInsoluto="0.000")),
    "CRP20244": lambda: edit(payment(), put(DR, ImpSaldoInsoluto="1.00")),
    "CRP20245": lambda: edit(payment(), put(DR, ObjetoImpDR="09")),
    "CRP20246": lambda: edit(payment(), drop(IDR)),
    "CRP20247": lambda: edit(payment(), put(DR, ObjetoImpDR="01")),
    "CRP20248": lambda: edit(payment(), drop(f"{IDR}/pago20:TrasladosDR")),
    "CRP20249": lambda: edit(ret(), put(RDR, BaseDR="0")),
    "CRP20250": lambda: edit(ret(), put(RDR, ImpuestoDR="004")),
    "CRP20251": lambda: edit(ret(), put(RDR, TipoFactorDR="Otro")),
    "CRP20252": lambda: edit(ret(), put(RDR, TipoFactorDR="Exento")),
    "CRP20253": lambda: edit(ret(), put(RDR, TasaOCuotaDR="0.500000")),
    "CRP20254": lambda: edit(ret(), put(RDR, ImporteDR="1.00")),
    "CRP20255": lambda: edit(payment(), put(TDR, BaseDR="0")),
    "CRP20256": lambda: edit(payment(), put(TDR, ImpuestoDR="004")),
    "CRP20257": lambda: edit(payment(), put(TDR, TipoFactorDR="Otro")),
    "CRP20258": lambda: edit(payment(), put(TDR, TipoFactorDR="Exento")),
    "CRP20259": lambda: edit(payment(), put(TDR, TasaOCuotaDR=None)),
    "CRP20260": lambda: edit(payment(), put(TDR, TasaOCuotaDR="0.170000")),
    "CRP20261": lambda: edit(payment(), put(TDR, ImporteDR="1.00")),
    "CRP20262": lambda: edit(ret(), put(RP, ImpuestoP="004")),
    "CRP20264": lambda: edit(ret(), put(TOT, TotalRetencionesIVA=None)),
    "CRP20267": lambda: edit(payment(), put(TOT, TotalTrasladosBaseIVA16=None)),
    "CRP20273": lambda: edit(payment(), put(TOT, TotalTrasladosImpuestoIVA16=None)),
    "CRP20263": lambda: edit(ret(), dup(RP)),
    "CRP20265": lambda: edit(ret(), put(RP, ImporteP="1.00")),
    "CRP20266": lambda: edit(exento(), put(TP, TasaOCuotaP="0.160000")),
    "CRP20268": lambda: edit(payment(), put(TP, BaseP="4000.00")),
    "CRP20269": lambda: edit(exento(), put(TP, BaseP="4000.00")),
    "CRP20270": lambda: edit(payment(), put(TP, ImpuestoP="004")),
    "CRP20271": lambda: edit(payment(), dup(TP)),
    "CRP20272": lambda: edit(payment(), put(TP, TasaOCuotaP="0.170000")),
    "CRP20274": lambda: edit(payment(), put(TP, ImporteP="700.00")),
}


def test_it_starts_from_payments_without_findings():
    for doc in (payment(), ret(), exento(), payment(saldo_anterior="10000.00")):
        assert codes(doc) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_it_reports_sat_code(code: str):
    found = codes(CASES[code]())
    assert code in found, found


def test_it_checks_multicurrency_payments_with_equivalencia():
    # Invoice in USD paid in MXN: ImpPagado / EquivalenciaDR must fit in Monto.
    doc = edit(
        payment(),
        put(
            DR,
            MonedaDR="USD",
            EquivalenciaDR="0.058824",
            ImpSaldoAnt="300.30",
            ImpPagado="300.30",
            ImpSaldoInsoluto="0.00",
        ),
    )
    found = codes(doc)
    assert "CRP20217" not in found
    assert "CRP20237" not in found


def test_it_reports_a_type_p_without_the_complement():
    doc = edit(payment(), drop("cfdi:Complemento"))
    assert "MANTTO-PAGO-SIN-COMPLEMENTO" in codes(doc)


def test_it_requires_cp01_on_payments():
    assert "MANTTO-PAGO-USOCFDI" in codes(edit(payment(), put("cfdi:Receptor", UsoCFDI="G03")))


def test_it_accepts_an_invoice_with_retenciones_as_payment_source():
    assert codes(invoice(conceptos=[Concepto(retenciones=[("001", "0.100000")])])) == []


def test_it_accepts_acuentaterceros_in_the_payment_concept():
    doc = edit(
        payment(),
        add(
            C1,
            '<cfdi:ACuentaTerceros RfcACuentaTerceros="AAA010101AAA" '
            'NombreACuentaTerceros="TERCERO" '
            'RegimenFiscalACuentaTerceros="601" '
            'DomicilioFiscalACuentaTerceros="06600"/>',
        ),
    )
    assert "CRP20112" not in codes(doc)
