"""Emisor seal (Sello + CSD) and SAT stamp (TimbreFiscalDigital 1.1) verification.

Codes: SAT's matrix where it defines the situation (CFDI40102 sello, CFDI40106
certificado), ``MANTTO-SELLO-*`` / ``MANTTO-TFD-*`` otherwise. See ``CODES``.

Times. CFDI dates carry no offset. Fecha is the local time of LugarExpedicion, which
can be any Mexican zone (UTC-5 Quintana Roo ... UTC-8 Baja California in winter);
FechaTimbrado is Zona Centro (America/Mexico_City) per Anexo 20. Without ``tz`` (the
issuer's zone, which the caller may derive from LugarExpedicion) Fecha is treated as
"some instant between Fecha+5h and Fecha+8h UTC" and a finding is raised only when no
Mexican offset could make the document correct, so a valid Cancún or Tijuana CFDI is
never rejected. With ``tz`` the comparisons are exact. ``at`` naive means UTC.

Chain. When the store has SAT CA certificates (``ca_dir``) a CSD that does not chain
to them is an error; with no CA configured the chain is not checked and nothing is
reported (SAT's CA set is deployment data, not something a document can be blamed for).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from lxml import etree

from .cadena import CFDI, COMPROBANTE, TFD_TAG, cadena_original, cadena_tfd
from .certs import CertificateError, CertInfo, parse_certificado
from .findings import Finding, error, warning

if TYPE_CHECKING:
    from .certs import SatCertStore

CENTRO = ZoneInfo("America/Mexico_City")
# Fecha may be in any Mexican zone: UTC = local + 5h (Quintana Roo) ... + 8h (Baja
# California, winter).
_FECHA_EARLIEST, _FECHA_LATEST = timedelta(hours=5), timedelta(hours=8)
STAMP_WINDOW = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=5)  # PAC clocks vs ours
_NUMBER_RE = re.compile(r"\d{20}")

_EMISOR = CFDI + "Emisor"
_COMPLEMENTO = CFDI + "Complemento"

P_SELLO = "/Comprobante/@Sello"
P_CERT = "/Comprobante/@Certificado"
P_NOCERT = "/Comprobante/@NoCertificado"
P_TFD = "/Comprobante/Complemento/TimbreFiscalDigital"

CODES: dict[str, str] = {
    "CFDI40102": "El Sello no corresponde a la cadena original y al certificado.",
    "CFDI40106": "El atributo Certificado falta o no es un certificado X.509 válido.",
    "MANTTO-SELLO-NOCERTIFICADO": "NoCertificado no es el número del certificado incluido.",
    "MANTTO-SELLO-FIEL": "El certificado es una e.firma (FIEL), no un CSD.",
    "MANTTO-SELLO-RFC": "El RFC del certificado no es el del Emisor.",
    "MANTTO-SELLO-VIGENCIA": "El CSD no estaba vigente en la Fecha del comprobante.",
    "MANTTO-SELLO-NO-SAT": "El CSD no fue emitido por el SAT (la cadena no valida).",
    "MANTTO-TFD-FALTA": "No hay Timbre Fiscal Digital.",
    "MANTTO-TFD-DUPLICADO": "Hay más de un Timbre Fiscal Digital.",
    "MANTTO-TFD-VERSION": "El Timbre Fiscal Digital no es versión 1.1.",
    "MANTTO-TFD-NOCERTIFICADOSAT": "NoCertificadoSAT no tiene 20 dígitos.",
    "MANTTO-TFD-SELLOCFD": "SelloCFD del timbre no es igual al Sello del comprobante.",
    "MANTTO-TFD-SELLOSAT": "SelloSAT no corresponde al timbre y al certificado del SAT.",
    "MANTTO-TFD-CERTIFICADO-VIGENCIA": "El certificado del SAT no era vigente al timbrar.",
    "MANTTO-TFD-NO-VERIFICABLE": "(aviso) No se obtuvo el certificado del SAT.",
    "MANTTO-TFD-FECHA": "FechaTimbrado no es una fecha válida.",
    "MANTTO-TFD-ANTES": "FechaTimbrado es anterior a la Fecha del comprobante.",
    "MANTTO-TFD-72H": "Se timbró más de 72 horas después de la Fecha.",
    "MANTTO-TFD-FUTURO": "FechaTimbrado está en el futuro.",
}


def _b64(value: str) -> bytes | None:
    try:
        # strict_mode accepts only what b64decode(validate=True) accepts, with the same
        # result, without its regex pass over the text; anything else takes the old path.
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        try:  # tolerate line breaks some tools insert, as SAT does
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            return None


def _local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _fecha_utc_range(fecha: datetime, tz: tzinfo | None) -> tuple[datetime, datetime]:
    """Earliest and latest UTC instants the (offset-less) Fecha can denote."""
    if fecha.tzinfo is not None:
        u = fecha.astimezone(UTC)
        return u, u
    if tz is not None:
        u = fecha.replace(tzinfo=tz).astimezone(UTC)
        return u, u
    naive_utc = fecha.replace(tzinfo=UTC)
    return naive_utc + _FECHA_EARLIEST, naive_utc + _FECHA_LATEST


def _centro_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=CENTRO).astimezone(UTC)


def verify_seals(
    root: etree._Element,
    *,
    unstamped: bool,
    at: datetime,
    store: SatCertStore | None,
    tz: tzinfo | None = None,
    attrs: dict[etree._Element, dict[str, str]] | None = None,
) -> list[Finding]:
    """Check Sello/CSD and (unless ``unstamped``) the TimbreFiscalDigital of a CFDI 4.0.

    ``root`` is the ``cfdi:Comprobante`` element parsed from the bytes received. A root
    that is not a CFDI 4.0 Comprobante yields nothing, and an unreadable Fecha skips the
    date checks: the structure rules report those (CFDI40101). ``tz`` is the issuer's
    zone when the caller knows it (from LugarExpedicion); see the module docstring.
    ``attrs`` is the tree's attribute snapshot (rules.context.snapshot), when there is one.
    """
    if root.tag != COMPROBANTE:
        return []
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    # Where attributes are read from: the snapshot's dicts, or the elements themselves
    # (both answer .get()).
    of: _AttrsOf = attrs.__getitem__ if attrs is not None else _itself  # type: ignore[assignment]
    findings: list[Finding] = []
    fecha = _local(of(root).get("Fecha"))
    fecha_range = _fecha_utc_range(fecha, tz) if fecha else None
    _check_emisor_seal(root, findings, store, fecha_range, of, attrs)
    if not unstamped:
        _check_tfd(root, findings, store, at, fecha_range, of)
    return findings


_AttrsOf = Callable[[etree._Element], "dict[str, str] | etree._Element"]


def _itself(el: etree._Element) -> etree._Element:
    return el


# -- Sello and CSD ---------------------------------------------------------------------


def _check_emisor_seal(
    root: etree._Element,
    findings: list[Finding],
    store: SatCertStore | None,
    fecha_range: tuple[datetime, datetime] | None,
    of: _AttrsOf,
    attrs: dict[etree._Element, dict[str, str]] | None,
) -> None:
    b64 = of(root).get("Certificado") or ""
    try:
        info = parse_certificado(b64) if b64 else None
    except CertificateError:
        info = None
    if info is None:
        findings.append(
            error(
                "CFDI40106",
                "El atributo Certificado falta o no contiene un certificado válido en base64, "
                "así que el sello no se puede verificar. Pida al emisor un CFDI sellado con "
                "su Certificado de Sello Digital (CSD) vigente.",
                P_CERT,
            )
        )
        return
    _check_sello(root, info, findings, of, attrs)
    _check_certificate(root, info, findings, store, fecha_range, of)


def _check_sello(
    root: etree._Element,
    info: CertInfo,
    findings: list[Finding],
    of: _AttrsOf,
    attrs: dict[etree._Element, dict[str, str]] | None,
) -> None:
    signature = _b64(of(root).get("Sello") or "")
    cadena = cadena_original(root, attrs).encode("utf-8")
    if not signature or not info.verify_sha256(cadena, signature):
        findings.append(
            error(
                "CFDI40102",
                "El Sello no corresponde al contenido del comprobante: el XML fue modificado "
                "después de sellarse o se selló con otro certificado. No edite el archivo; "
                "pida al emisor el XML original tal como lo timbró el PAC.",
                P_SELLO,
            )
        )


def _check_certificate(
    root: etree._Element,
    info: CertInfo,
    findings: list[Finding],
    store: SatCertStore | None,
    fecha_range: tuple[datetime, datetime] | None,
    of: _AttrsOf,
) -> None:
    no_cert = of(root).get("NoCertificado") or ""
    if no_cert != info.number:
        findings.append(
            error(
                "MANTTO-SELLO-NOCERTIFICADO",
                f"NoCertificado ({no_cert or 'vacío'}) no es el número del certificado "
                f"incluido en el comprobante ({info.number}). El emisor debe sellar con el "
                "mismo CSD cuyo número declara.",
                P_NOCERT,
            )
        )
    if not info.is_csd:
        findings.append(
            error(
                "MANTTO-SELLO-FIEL",
                "El comprobante está sellado con una e.firma (FIEL), que no sirve para "
                "facturar. El emisor debe sellar con su Certificado de Sello Digital (CSD).",
                P_CERT,
            )
        )
    emisor = next((k for k in root if k.tag == _EMISOR), None)  # find() costs more
    rfc = (of(emisor).get("Rfc") or "") if emisor is not None else ""
    if info.rfc != rfc.strip().upper():
        findings.append(
            error(
                "MANTTO-SELLO-RFC",
                f"El certificado pertenece al RFC {info.rfc or 'desconocido'}, pero el Emisor "
                f"del comprobante es {rfc or 'vacío'}. El CFDI debe sellarse con un CSD del "
                "propio emisor.",
                P_CERT,
            )
        )
    if fecha_range is not None:
        earliest, latest = fecha_range
        if info.not_before > latest or info.not_after < earliest:
            desde = info.not_before.strftime("%d/%m/%Y")
            hasta = info.not_after.strftime("%d/%m/%Y")
            findings.append(
                error(
                    "MANTTO-SELLO-VIGENCIA",
                    f"El CSD no estaba vigente en la Fecha del comprobante (vigencia del "
                    f"{desde} al {hasta}, UTC). El emisor debe sellar con un CSD vigente.",
                    P_CERT,
                )
            )
    if store is not None and store.verify_chain(info.cert) is False:
        findings.append(
            error(
                "MANTTO-SELLO-NO-SAT",
                "El certificado del emisor no fue emitido por el SAT. Solo se aceptan CFDI "
                "sellados con un CSD expedido por el SAT.",
                P_CERT,
            )
        )


# -- TimbreFiscalDigital ---------------------------------------------------------------


def _check_tfd(
    root: etree._Element,
    findings: list[Finding],
    store: SatCertStore | None,
    at: datetime,
    fecha_range: tuple[datetime, datetime] | None,
    of: _AttrsOf,
) -> None:
    tfds = [el for comp in root if comp.tag == _COMPLEMENTO for el in comp if el.tag == TFD_TAG]
    if not tfds:
        findings.append(
            error(
                "MANTTO-TFD-FALTA",
                "El comprobante no está timbrado: falta el Timbre Fiscal Digital. Suba el XML "
                "que le entregó el PAC (el que incluye el complemento TimbreFiscalDigital).",
                "/Comprobante/Complemento",
            )
        )
        return
    if len(tfds) > 1:
        findings.append(
            error(
                "MANTTO-TFD-DUPLICADO",
                f"El comprobante trae {len(tfds)} Timbres Fiscales Digitales y solo puede "
                "tener uno. Suba el XML original entregado por el PAC.",
                P_TFD,
            )
        )
        return
    tfd = tfds[0]
    ta = of(tfd)
    if ta.get("Version") != "1.1":
        findings.append(
            error(
                "MANTTO-TFD-VERSION",
                f"El Timbre Fiscal Digital es versión {ta.get('Version') or 'desconocida'}; "
                "un CFDI 4.0 lleva la versión 1.1. Suba el XML original entregado por el PAC.",
                P_TFD + "/@Version",
            )
        )
    if (ta.get("SelloCFD") or "") != (of(root).get("Sello") or ""):
        findings.append(
            error(
                "MANTTO-TFD-SELLOCFD",
                "El SelloCFD del timbre no es igual al Sello del comprobante: el timbre "
                "pertenece a otro documento o el XML fue alterado. Suba el XML original.",
                P_TFD + "/@SelloCFD",
            )
        )
    ft_utc = _check_tfd_dates(ta, findings, at, fecha_range)
    _check_sello_sat(ta, findings, store, ft_utc)


def _check_tfd_dates(
    tfd: etree._Element | dict[str, str],
    findings: list[Finding],
    at: datetime,
    fecha_range: tuple[datetime, datetime] | None,
) -> datetime | None:
    """Check FechaTimbrado; return it as UTC (None when unreadable)."""
    path = P_TFD + "/@FechaTimbrado"
    ft = _local(tfd.get("FechaTimbrado"))  # tfd: the element or its attributes
    if ft is None:
        findings.append(
            error(
                "MANTTO-TFD-FECHA",
                "FechaTimbrado no tiene el formato AAAA-MM-DDThh:mm:ss. Suba el XML original "
                "entregado por el PAC.",
                path,
            )
        )
        return None
    ft_utc = _centro_utc(ft)
    if fecha_range is not None:
        earliest, latest = fecha_range
        # Stamped before issued under every possible offset of Fecha: impossible.
        if ft_utc < earliest:
            findings.append(
                error(
                    "MANTTO-TFD-ANTES",
                    "La FechaTimbrado es anterior a la Fecha de emisión: un CFDI no "
                    "puede timbrarse antes de emitirse. Revise el XML con el emisor.",
                    path,
                )
            )
        elif ft_utc - latest > STAMP_WINDOW:
            findings.append(
                error(
                    "MANTTO-TFD-72H",
                    "El CFDI se timbró más de 72 horas después de su Fecha de emisión, fuera "
                    "del plazo que permite el SAT. El emisor debe emitir un CFDI nuevo.",
                    path,
                )
            )
    if ft_utc > at + CLOCK_SKEW:
        findings.append(
            error(
                "MANTTO-TFD-FUTURO",
                "La FechaTimbrado está en el futuro; ningún PAC pudo timbrarlo todavía. "
                "Revise el XML con el emisor.",
                path,
            )
        )
    return ft_utc


def _check_sello_sat(
    ta: etree._Element | dict[str, str],
    findings: list[Finding],
    store: SatCertStore | None,
    ft_utc: datetime | None,
) -> None:
    number = ta.get("NoCertificadoSAT") or ""
    if not _NUMBER_RE.fullmatch(number):
        findings.append(
            error(
                "MANTTO-TFD-NOCERTIFICADOSAT",
                "NoCertificadoSAT debe ser el número de 20 dígitos del certificado del SAT con "
                "que se timbró. Suba el XML original entregado por el PAC.",
                P_TFD + "/@NoCertificadoSAT",
            )
        )
        return
    info = store.get(number) if store is not None else None
    if info is None:
        findings.append(
            warning(
                "MANTTO-TFD-NO-VERIFICABLE",
                f"No se pudo obtener el certificado del SAT número {number}, así que el "
                "SelloSAT no es verificable por ahora. Se volverá a revisar al consultar el "
                "estado del CFDI en el SAT.",
                P_TFD + "/@SelloSAT",
            )
        )
        return
    signature = _b64(ta.get("SelloSAT") or "")
    if not signature or not info.verify_sha256(cadena_tfd(ta).encode("utf-8"), signature):
        findings.append(
            error(
                "MANTTO-TFD-SELLOSAT",
                "El SelloSAT no corresponde al timbre: el timbre fue alterado o no lo emitió "
                "el SAT. Suba el XML original entregado por el PAC.",
                P_TFD + "/@SelloSAT",
            )
        )
        return
    if ft_utc is not None and not info.valid_at(ft_utc):
        findings.append(
            error(
                "MANTTO-TFD-CERTIFICADO-VIGENCIA",
                "El certificado del SAT con que se timbró no estaba vigente en la "
                "FechaTimbrado. Suba el XML original entregado por el PAC.",
                P_TFD + "/@NoCertificadoSAT",
            )
        )
