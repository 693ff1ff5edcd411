"""Signing, stamping and tampering of test documents (see ``testing``)."""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Callable
from datetime import datetime, timedelta

from lxml import etree

from .cadena import CFDI, TFD, cadena_original_xslt, cadena_tfd_xslt
from .testpki import PAC_RFC, Credential, csd, sat_stamp_cert

XSI = "http://www.w3.org/2001/XMLSchema-instance"
TFD_LOCATION = (
    "http://www.sat.gob.mx/TimbreFiscalDigital "
    "http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"
)
EMISOR_RFC = "TME050505QX1"


def fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def _set(el: etree._Element, attrs: dict[str, str | None]) -> None:
    for k, v in attrs.items():
        if v is None:
            el.attrib.pop(k, None)
        else:
            el.set(k, v)


def _parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sign(
    xml: bytes, credential: Credential | None = None, *, no_certificado: str | None = None
) -> bytes:
    """Set NoCertificado and Certificado, then Sello over SAT's cadena (RSA-SHA256).

    ``no_certificado`` declares another number (a consistent seal over a wrong number).
    """
    credential = credential or csd(EMISOR_RFC)
    root = _parse(xml)
    root.set("NoCertificado", no_certificado or credential.number)
    root.set("Certificado", credential.b64)
    cadena = cadena_original_xslt(root)
    root.set("Sello", credential.sign_b64(cadena.encode("utf-8")))
    return _dump(root)


def stamp(
    xml: bytes,
    sat: Credential | None = None,
    *,
    fecha_timbrado: datetime | str | None = None,
    uuid: str | None = None,
    no_certificado_sat: str | None = None,
    rfc_prov_certif: str = PAC_RFC,
    sello_cfd: str | None = None,
) -> bytes:
    """Append a TimbreFiscalDigital 1.1 with its SelloSAT, as a PAC would.

    FechaTimbrado defaults to two minutes after Fecha. ``no_certificado_sat`` lets a
    test write any value there (the SelloSAT is still made with ``sat``'s key), and
    ``sello_cfd`` a SelloCFD other than the comprobante's Sello.
    """
    sat = sat or sat_stamp_cert()
    root = _parse(xml)
    if fecha_timbrado is None:
        fecha = datetime.strptime(root.get("Fecha", ""), "%Y-%m-%dT%H:%M:%S")
        fecha_timbrado = fecha + timedelta(minutes=2)
    ft = fecha_timbrado if isinstance(fecha_timbrado, str) else fmt(fecha_timbrado)
    comp = root.find(CFDI + "Complemento")
    if comp is None:
        comp = etree.Element(CFDI + "Complemento")
        addenda = root.find(CFDI + "Addenda")
        if addenda is not None:
            addenda.addprevious(comp)
        else:
            root.append(comp)
    tfd = etree.SubElement(comp, TFD + "TimbreFiscalDigital", nsmap={"tfd": TFD[1:-1]})
    tfd.set(f"{{{XSI}}}schemaLocation", TFD_LOCATION)
    _set(
        tfd,
        {
            "Version": "1.1",
            "UUID": uuid or str(uuid_mod.uuid4()).upper(),
            "FechaTimbrado": ft,
            "RfcProvCertif": rfc_prov_certif,
            "SelloCFD": root.get("Sello", "") if sello_cfd is None else sello_cfd,
            "NoCertificadoSAT": sat.number if no_certificado_sat is None else no_certificado_sat,
        },
    )
    tfd.set("SelloSAT", sat.sign_b64(cadena_tfd_xslt(tfd).encode("utf-8")))
    return _dump(root)


def mutate(xml: bytes, change: Callable[[etree._Element], object]) -> bytes:
    """Apply ``change(root)`` to a (signed) document and serialise it, without re-signing."""
    root = _parse(xml)
    change(root)
    return _dump(root)


def uuid_of(xml: bytes) -> str:
    tfd = _parse(xml).find(f"{CFDI}Complemento/{TFD}TimbreFiscalDigital")
    return tfd.get("UUID", "") if tfd is not None else ""


def tfd_of(root: etree._Element) -> etree._Element:
    tfd = root.find(f"{CFDI}Complemento/{TFD}TimbreFiscalDigital")
    assert tfd is not None
    return tfd


def fecha_of(xml: bytes) -> datetime:
    return datetime.strptime(_parse(xml).get("Fecha", ""), "%Y-%m-%dT%H:%M:%S")
