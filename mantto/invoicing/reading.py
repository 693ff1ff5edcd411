"""Adapter over the pure CFDI library: validate, and read the few things the portal needs
that the library's Report does not carry (Sello, taxes per concept, Addenda text), plus
the authorization and ticket numbers written anywhere in the document (R3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from lxml import etree

from mantto.cfdi import xmlsafe
from mantto.cfdi.certs import SatCertStore
from mantto.cfdi.report import Report
from mantto.cfdi.validate import validate

C = "{http://www.sat.gob.mx/cfd/4}"

# "AUT 12345678", "Autorización: 12345678", "No. de autorización #12345678",
# "AUTORIZACION-12345678", "NumeroAutorizacion: 12345678". Six digits are captured too,
# so R4's message can be given instead of "not found".
AUT_RE = re.compile(
    r"(?:autorizaci[oó]n|autorizacion|aut)(?![a-záéíóúñ])\.?"
    r"[\s.:#\-_=]*(?:(?:no|n[uú]m(?:ero)?|n°|nº)\.?[\s.:#\-_=]*)?(\d{6,12})(?!\d)",
    re.IGNORECASE,
)
# "Ticket: TKT-2026-000123", "TKT 2026-000123", "ticket #2026000123". Compared by digits.
TICKET_RE = re.compile(
    r"(?:ticket|tkt)(?![a-záéíóúñ])\.?[\s.:#\-_=]*(?:(?:no|n[uú]m(?:ero)?)\.?[\s.:#\-_=]*)?"
    r"((?:tkt[\s\-#:]*)?\d[\d\s\-]{2,24}\d)",
    re.IGNORECASE,
)


def digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


@lru_cache(maxsize=1)
def _store(directory: str, remote: str) -> SatCertStore:
    return SatCertStore(directory, remote_base_url=remote or None)


def cert_store() -> SatCertStore:
    return _store(str(settings.SAT_CERTS_DIR), settings.SAT_CERTS_REMOTE_URL)


@dataclass
class Parsed:
    report: Report
    sello_tail: str = ""
    conceptos: list[dict] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)


def read(data: bytes, *, at=None) -> Parsed:
    """Run every check of the CFDI engine and collect the portal's extras."""
    report = validate(data, at=at, store=cert_store(), max_bytes=settings.UPLOAD_MAX_BYTES)
    parsed = Parsed(report)
    if report.tipo is None:
        return parsed
    root, _problems = xmlsafe.parse(data, max_bytes=settings.UPLOAD_MAX_BYTES)
    if root is None:  # pragma: no cover - validate() parsed it already
        return parsed
    parsed.sello_tail = (root.get("Sello") or "")[-8:]
    parsed.conceptos = _conceptos(root)
    texts = list(_texts(root))
    parsed.authorizations = _unique(m.group(1) for t in texts for m in AUT_RE.finditer(t))
    parsed.tickets = _unique(digits(m.group(1)) for t in texts for m in TICKET_RE.finditer(t))
    return parsed


def _unique(values) -> list[str]:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen


def _texts(root: etree._Element):
    """Every place a workshop's billing system may write the numbers: Serie/Folio,
    each concept's Descripcion and NoIdentificacion, and the whole Addenda (element
    names with their text, attribute names with their values)."""
    yield f"{root.get('Serie', '')} {root.get('Folio', '')}"
    yield root.get("Folio", "")
    for c in root.iterfind(f"{C}Conceptos/{C}Concepto"):
        yield c.get("Descripcion", "")
        yield c.get("NoIdentificacion", "")
    for addenda in root.iterfind(f"{C}Addenda"):
        for el in addenda.iter():
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            if el.text and el.text.strip():
                yield f"{local}: {el.text.strip()}"
            for name, value in el.attrib.items():
                yield f"{etree.QName(name).localname}: {value}"


def _conceptos(root: etree._Element) -> list[dict]:
    rows = []
    for c in root.iterfind(f"{C}Conceptos/{C}Concepto"):
        traslados = sum(
            _num(t.get("Importe")) for t in c.iterfind(f"{C}Impuestos/{C}Traslados/{C}Traslado")
        )
        retenciones = sum(
            _num(t.get("Importe")) for t in c.iterfind(f"{C}Impuestos/{C}Retenciones/{C}Retencion")
        )
        rows.append(
            {
                "clave": c.get("ClaveProdServ", ""),
                "no_identificacion": c.get("NoIdentificacion", ""),
                "descripcion": c.get("Descripcion", "")[:300],
                "cantidad": c.get("Cantidad", ""),
                "unidad": c.get("ClaveUnidad", ""),
                "valor_unitario": c.get("ValorUnitario", ""),
                "importe": c.get("Importe", ""),
                "descuento": c.get("Descuento", ""),
                "traslados": f"{traslados:.2f}",
                "retenciones": f"{retenciones:.2f}",
            }
        )
    return rows


def _num(value: str | None):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(value or "0")
    except InvalidOperation:
        return Decimal("0")
