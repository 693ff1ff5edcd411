"""verify_seals: valid documents pass; each seal, certificate or stamp defect has its code."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from mantto.cfdi import cadena, testing
from mantto.cfdi.cadena import CFDI, TFD
from mantto.cfdi.certs import SatCertStore
from mantto.cfdi.seals import CENTRO, CODES, verify_seals
from mantto.cfdi.testing import mutate

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SatCertStore:
    certs = tmp_path_factory.mktemp("sat")
    testing.write_sat_cert(certs)
    return SatCertStore(certs, ca_dir=testing.write_ca_dir(tmp_path_factory.mktemp("ca")))


def check(xml: bytes, store: SatCertStore | None, **kw) -> list[str]:
    kw.setdefault("unstamped", False)
    kw.setdefault("at", NOW)
    return [f.code for f in verify_seals(etree.fromstring(xml), store=store, **kw)]


def test_it_accepts_valid_invoice_credit_note_and_payment(store):
    invoice = testing.make_invoice()
    uuid = testing.uuid_of(invoice)
    assert check(invoice, store) == []
    assert check(testing.make_credit_note(uuid), store) == []
    assert check(testing.make_payment(uuid), store) == []


def test_it_accepts_retenciones_and_several_concepts(store):
    conceptos = [
        testing.Concepto(retenciones=[("002", "0.106667"), ("001", "0.100000")]),
        testing.Concepto(valor_unitario="0.33", cantidad="3", descripcion="  Tornillo   M8  "),
    ]
    assert check(testing.make_invoice(conceptos=conceptos), store) == []
    assert check(testing.make_payment(retencion_iva="0.106667"), store) == []


def test_it_accepts_addenda(store):
    addenda = b'<x:Datos xmlns:x="urn:flota" Autorizacion="1234567" Ticket="T-9"><x:N/></x:Datos>'
    assert check(testing.make_invoice(addenda=addenda), store) == []


def test_it_accepts_unstamped_when_told(store):
    xml = testing.make_invoice(stamp=False)
    assert check(xml, store, unstamped=True) == []
    assert check(xml, store) == ["MANTTO-TFD-FALTA"]


def test_it_rejects_wrong_sello(store):
    xml = testing.make_invoice()
    other = testing.make_invoice()
    sello = etree.fromstring(other).get("Sello")
    assert check(mutate(xml, lambda r: r.set("Sello", sello)), store)[0] == "CFDI40102"
    assert "CFDI40102" in check(mutate(xml, lambda r: r.set("Sello", "no-es-base64")), store)


def test_it_rejects_tampered_attribute(store):
    xml = testing.make_invoice()
    assert check(mutate(xml, lambda r: r.set("Total", "1.00")), store) == ["CFDI40102"]


def test_it_rejects_injected_node(store):
    def inject(root: etree._Element) -> None:
        rel = etree.Element(CFDI + "CfdiRelacionados", TipoRelacion="04")
        uuid = "AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA"
        etree.SubElement(rel, CFDI + "CfdiRelacionado", UUID=uuid)
        root.insert(0, rel)

    assert check(mutate(testing.make_invoice(), inject), store) == ["CFDI40102"]


def test_it_rejects_duplicated_node(store):
    def duplicate(root: etree._Element) -> None:
        conceptos = root.find(CFDI + "Conceptos")
        conceptos.append(etree.fromstring(etree.tostring(conceptos[0])))

    assert check(mutate(testing.make_invoice(), duplicate), store) == ["CFDI40102"]


def test_it_rejects_no_certificado_mismatch(store):
    raw = testing.make_invoice(sign=False, stamp=False)
    xml = testing.stamp(testing.sign(raw, no_certificado="30001000000500999999"))
    assert check(xml, store) == ["MANTTO-SELLO-NOCERTIFICADO"]


def test_it_rejects_fiel(store):
    xml = testing.make_invoice(csd=testing.fiel(testing.EMISOR_RFC))
    assert check(xml, store) == ["MANTTO-SELLO-FIEL"]


def test_it_rejects_certificate_expired_at_fecha(store):
    expired = testing.expired_csd(testing.EMISOR_RFC)
    assert check(testing.make_invoice(csd=expired), store) == ["MANTTO-SELLO-VIGENCIA"]
    # The same certificate was fine for a document issued while it was valid.
    back_then = testing.now_mx() - timedelta(days=500)
    old = testing.make_invoice(csd=expired, fecha=back_then)
    assert check(old, store) == []


def test_it_rejects_rfc_mismatch(store):
    xml = testing.make_invoice(csd=testing.csd("OTR800101AB1"))
    assert check(xml, store) == ["MANTTO-SELLO-RFC"]


def test_it_rejects_csd_not_issued_by_sat_when_ca_configured(store, tmp_path):
    xml = testing.make_invoice(csd=testing.rogue_csd(testing.EMISOR_RFC))
    assert check(xml, store) == ["MANTTO-SELLO-NO-SAT"]
    # Without SAT's CA certificates the chain is not judged.
    testing.write_sat_cert(tmp_path)
    assert check(xml, SatCertStore(tmp_path)) == []


def test_it_rejects_missing_certificado(store):
    xml = mutate(testing.make_invoice(), lambda r: r.set("Certificado", "QUJD"))
    assert check(xml, store) == ["CFDI40106"]


def test_it_rejects_duplicated_tfd(store):
    def duplicate(root: etree._Element) -> None:
        comp = root.find(CFDI + "Complemento")
        comp.append(etree.fromstring(etree.tostring(comp[0])))

    xml = mutate(testing.make_invoice(), duplicate)
    assert "MANTTO-TFD-DUPLICADO" in check(xml, store)


def test_it_rejects_forged_sello_sat(store):
    xml = testing.make_invoice()
    forged = testing.csd(testing.EMISOR_RFC).sign_b64(b"||1.1|otro||")
    tfd_set = lambda attr, value: lambda r: testing.tfd_of(r).set(attr, value)  # noqa: E731
    assert check(mutate(xml, tfd_set("SelloSAT", forged)), store) == ["MANTTO-TFD-SELLOSAT"]
    uuid = "00000000-0000-4000-8000-000000000000"
    assert check(mutate(xml, tfd_set("UUID", uuid)), store) == ["MANTTO-TFD-SELLOSAT"]


def test_it_signals_sello_sat_of_another_sat_certificate(store):
    # Signed by a key that is not the one of the certificate named in NoCertificadoSAT.
    impostor = testing.csd("SAT970701NN3", "SAT")
    xml = testing.make_invoice(stamp=False)
    stamped = testing.stamp(xml, impostor, no_certificado_sat=testing.sat_stamp_cert().number)
    assert check(stamped, store) == ["MANTTO-TFD-SELLOSAT"]


@pytest.mark.parametrize("number", ["123", "../../etc/passwd", "0000100000070000000a", ""])
def test_it_rejects_bad_no_certificado_sat_without_reading_files(store, monkeypatch, number):
    def no_io(*args, **kwargs):
        raise AssertionError("no file may be read for an invalid number")

    monkeypatch.setattr(SatCertStore, "_from_disk", no_io)
    monkeypatch.setattr(SatCertStore, "_from_remote", no_io)
    xml = testing.make_invoice(stamp=False)
    stamped = testing.stamp(xml, no_certificado_sat=number)
    assert check(stamped, store) == ["MANTTO-TFD-NOCERTIFICADOSAT"]
    assert store.get(number) is None


def test_it_rejects_sello_cfd_different_from_sello(store):
    other = etree.fromstring(testing.make_invoice()).get("Sello")
    xml = testing.make_invoice(stamp=False)
    assert check(testing.stamp(xml, sello_cfd=other), store) == ["MANTTO-TFD-SELLOCFD"]


def test_it_rejects_stamp_more_than_72_hours_after_fecha(store):
    fecha = testing.now_mx() - timedelta(days=10)
    late = testing.make_invoice(fecha=fecha, fecha_timbrado=fecha + timedelta(hours=73))
    assert check(late, store, tz=CENTRO) == ["MANTTO-TFD-72H"]
    # Without the issuer's zone, 73 h could be 71 h for a Tijuana issuer: not an error.
    assert check(late, store) == []
    later = testing.make_invoice(fecha=fecha, fecha_timbrado=fecha + timedelta(hours=76))
    assert check(later, store) == ["MANTTO-TFD-72H"]
    in_time = testing.make_invoice(fecha=fecha, fecha_timbrado=fecha + timedelta(hours=71))
    assert check(in_time, store, tz=CENTRO) == []


def test_it_rejects_stamp_before_fecha(store):
    fecha = testing.now_mx() - timedelta(days=1)
    early = testing.make_invoice(fecha=fecha, fecha_timbrado=fecha - timedelta(minutes=30))
    assert check(early, store, tz=CENTRO) == ["MANTTO-TFD-ANTES"]
    # A Cancún issuer (one hour ahead of Centro) produces exactly this: accepted.
    assert check(early, store) == []
    earlier = testing.make_invoice(fecha=fecha, fecha_timbrado=fecha - timedelta(hours=2))
    assert check(earlier, store) == ["MANTTO-TFD-ANTES"]


def test_it_rejects_stamp_in_the_future(store):
    fecha = testing.now_mx() + timedelta(days=2)
    assert check(testing.make_invoice(fecha=fecha), store) == ["MANTTO-TFD-FUTURO"]
    assert check(testing.make_invoice(fecha=fecha), store, at=NOW + timedelta(days=3)) == []


def test_it_warns_when_sat_certificate_is_unavailable(tmp_path):
    xml = testing.make_invoice()
    for store in (None, SatCertStore(tmp_path)):
        findings = verify_seals(etree.fromstring(xml), unstamped=False, at=NOW, store=store)
        assert [(f.code, f.is_error) for f in findings] == [("MANTTO-TFD-NO-VERIFICABLE", False)]


def test_it_explains_every_code_in_spanish():
    assert all(code.startswith(("CFDI40", "MANTTO-")) for code in CODES)
    for text in CODES.values():
        assert text.endswith(".")


# -- property: any change to a signed value breaks the seal ----------------------------

_SPECS = {
    cadena.COMPROBANTE: cadena._COMPROBANTE,
    CFDI + "Emisor": cadena._EMISOR,
    CFDI + "Receptor": cadena._RECEPTOR,
    CFDI + "Concepto": cadena._CONCEPTO,
    CFDI + "Traslado": cadena._TRASLADO,
    CFDI + "Retencion": cadena._RETENCION,
}
_SIGNED = testing.make_invoice(
    conceptos=[testing.Concepto(retenciones=[("002", "0.106667")]), testing.Concepto()]
)
_TARGETS = [
    (i, name)
    for i, el in enumerate(etree.fromstring(_SIGNED).iter())
    for name in _SPECS.get(el.tag, ((), ()))[0]
    if el.get(name) is not None
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from(_TARGETS),
    value=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20),
)
def test_it_fails_the_seal_for_any_change_of_a_signed_value(store, target, value):
    index, name = target
    root = etree.fromstring(_SIGNED)
    el = list(root.iter())[index]
    if cadena.normalize_space(value) == cadena.normalize_space(el.get(name)):
        return
    el.set(name, value)
    xml = etree.tostring(root)
    assert "CFDI40102" in check(xml, store, unstamped=True)


def test_it_keeps_tfd_out_of_the_seal(store):
    # The PAC adds the TFD after sealing: the emisor's Sello must not depend on it.
    xml = testing.make_invoice()
    root = etree.fromstring(xml)
    assert root.find(f"{CFDI}Complemento/{TFD}TimbreFiscalDigital") is not None
    assert check(xml, store) == []


def test_it_decodes_sello_with_line_breaks(store):
    def wrap(root: etree._Element) -> None:
        sello = root.get("Sello")
        root.set("Sello", "\n".join(sello[i : i + 76] for i in range(0, len(sello), 76)))

    xml = testing.make_invoice(stamp=False)
    # Line breaks in an attribute become spaces when parsed; SAT tolerates them in base64.
    assert check(mutate(xml, wrap), store, unstamped=True) == []
    assert base64.b64decode(etree.fromstring(xml).get("Sello"))


def test_it_reads_sat_certificate_as_pem(tmp_path):
    sat = testing.sat_stamp_cert()
    pem = sat.cert.public_bytes(Encoding.PEM)
    Path(tmp_path, f"{sat.number}.pem").write_bytes(pem)
    assert check(testing.make_invoice(), SatCertStore(tmp_path)) == []


def test_it_rejects_sat_certificate_expired_at_fecha_timbrado(tmp_path):
    old_sat = testing.expired_sat_stamp_cert()
    testing.write_sat_cert(tmp_path, old_sat)
    xml = testing.make_invoice(sat=old_sat)
    assert check(xml, SatCertStore(tmp_path)) == ["MANTTO-TFD-CERTIFICADO-VIGENCIA"]


def test_it_rejects_other_tfd_version_and_unreadable_fecha_timbrado(store):
    xml = testing.make_invoice()
    v10 = mutate(xml, lambda r: testing.tfd_of(r).set("Version", "1.0"))
    assert check(v10, store) == ["MANTTO-TFD-VERSION", "MANTTO-TFD-SELLOSAT"]
    raw = testing.make_invoice(stamp=False)
    bad_date = testing.stamp(raw, fecha_timbrado="ayer por la tarde")
    assert check(bad_date, store) == ["MANTTO-TFD-FECHA"]
