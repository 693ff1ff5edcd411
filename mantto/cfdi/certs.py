"""SAT certificates: CSD of the emisor (embedded in the CFDI) and SAT/PAC stamping certificates.

Thousands of documents share a handful of certificates, so everything derived from a
certificate (parsed object, public key, number, RFC, CSD-ness) is computed once per
distinct ``Certificado`` string and cached.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID

# SAT's public repository of certificates ("rccf"); the number is split in folders.
SAT_REMOTE_BASE_URL = "https://rdc.sat.gob.mx/rccf/"
NUMBER_RE = re.compile(r"\d{20}")
# A certificate file is a few KB; refuse anything absurd from disk or network.
MAX_CERT_BYTES = 64 * 1024


# Built once: cryptography checks their types (ABC isinstance) on every verify call.
_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


class CertificateError(ValueError):
    """The bytes are not a usable X.509 certificate."""


@dataclass(frozen=True, slots=True, eq=False)
class CertInfo:
    """A parsed certificate plus the facts the checks ask for, computed once."""

    cert: x509.Certificate
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey | None
    number: str
    rfc: str
    is_csd: bool
    not_before: datetime
    not_after: datetime
    is_rsa: bool

    def valid_at(self, instant: datetime) -> bool:
        return self.not_before <= instant <= self.not_after

    def verify_sha256(self, data: bytes, signature: bytes) -> bool:
        """PKCS#1 v1.5 RSA-SHA256, the only scheme SAT uses for Sello and SelloSAT."""
        key = self.public_key
        if key is None or not self.is_rsa:
            return False
        try:
            key.verify(signature, data, _PKCS1, _SHA256)
        except InvalidSignature:
            return False
        return True


def no_certificado(cert: x509.Certificate) -> str:
    """SAT's 20-digit certificate number: the serial's bytes read as ASCII.

    SAT serials are like ``0x3330303031...``, i.e. the digits "30001..." in ASCII. A
    serial that is not ASCII text is returned as hex so that it never matches.
    """
    serial = cert.serial_number
    raw = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return raw.hex()
    return text if text.isprintable() else raw.hex()


def is_valid_at(cert: x509.Certificate, instant: datetime) -> bool:
    """Whether ``instant`` (timezone-aware) is inside the certificate's validity."""
    return cert.not_valid_before_utc <= instant <= cert.not_valid_after_utc


def holder_rfc(cert: x509.Certificate) -> str:
    """RFC of the holder: first token of x500UniqueIdentifier ("RFC / CURP-or-RFC-rep")."""
    try:
        attrs = cert.subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    except ValueError:
        return ""
    if not attrs:
        return ""
    value = attrs[0].value
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value.split("/")[0].strip().upper()


def is_csd(cert: x509.Certificate) -> bool:
    """True for a Certificado de Sello Digital, False for a FIEL (e.firma).

    SAT issues both from the same CA with the same subject layout; what tells them apart
    (as phpcfdi/credentials documents) is the OU ("sucursal"): present in a CSD, absent
    in a FIEL. A FIEL also allows key agreement / data encipherment, a CSD only signs,
    so either sign of a FIEL is enough to refuse the certificate.
    """
    ous = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    if not any(str(a.value).strip() for a in ous):
        return False
    try:
        usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        return True
    return not (usage.key_agreement or usage.data_encipherment or usage.key_cert_sign)


def _info(cert: x509.Certificate) -> CertInfo:
    try:
        key = cert.public_key()
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        key = None
    return CertInfo(
        cert=cert,
        public_key=key,
        number=no_certificado(cert),
        rfc=holder_rfc(cert),
        is_csd=is_csd(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_rsa=isinstance(key, rsa.RSAPublicKey),
    )


def load_der(der: bytes) -> CertInfo:
    try:
        cert = x509.load_der_x509_certificate(der)
        return _info(cert)
    except ValueError as exc:
        raise CertificateError(str(exc)) from exc


@lru_cache(maxsize=512)
def parse_certificado(b64: str) -> CertInfo:
    """Parse the ``Certificado`` attribute (base64 DER). Cached by the exact string.

    Raises CertificateError. Whitespace inside the base64 (line breaks some tools add)
    is tolerated as SAT does.
    """
    if len(b64) > MAX_CERT_BYTES * 2:
        raise CertificateError("certificado demasiado grande")
    try:
        der = base64.b64decode("".join(b64.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CertificateError("no es base64") from exc
    return load_der(der)


def load_cert_file(data: bytes) -> CertInfo:
    """DER or PEM bytes from a ``.cer``/``.pem`` file."""
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            return _info(x509.load_pem_x509_certificate(data))
        except ValueError as exc:
            raise CertificateError(str(exc)) from exc
    return load_der(data)


def remote_url(base_url: str, number: str) -> str:
    """SAT's layout: ``<base>/000010/000004/06/25/80/00001000000406258094.cer``."""
    n = number
    parts = (n[0:6], n[6:12], n[12:14], n[14:16], n[16:18], f"{n}.cer")
    return base_url.rstrip("/") + "/" + "/".join(parts)


class SatCertStore:
    """SAT stamping certificates by number, from a directory and optionally SAT's site.

    Only a number matching ``^\\d{20}$`` is ever looked up, so nothing taken from a
    document can steer a path or URL. Lookups that fail (missing, unreachable, invalid)
    return None and the caller reports "no verificable"; they never raise, and the same
    number is not retried for ``retry_after`` seconds. In production pass
    ``remote_base_url=SAT_REMOTE_BASE_URL``: fetched certificates are written to
    ``directory`` as ``<number>.cer``. ``ca_dir`` holds SAT's CA certificates (DER or
    PEM) for chain checks of the emisor's CSD.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        remote_base_url: str | None = None,
        timeout: float = 3.0,
        ca_dir: str | Path | None = None,
        retry_after: float = 600.0,
    ) -> None:
        self.directory = Path(directory)
        self.remote_base_url = remote_base_url
        self.timeout = timeout
        self.ca_dir = Path(ca_dir) if ca_dir else None
        self.retry_after = retry_after
        self._certs: dict[str, CertInfo] = {}
        # Numbers not found recently: a document naming an unknown number must not make
        # every upload wait for the network timeout again.
        self._misses: dict[str, float] = {}
        self._cas: dict[bytes, x509.Certificate] | None = None
        self._chain_ok: dict[bytes, bool] = {}
        self._lock = threading.Lock()

    # -- stamping certificates -------------------------------------------------------

    def get(self, number: str) -> CertInfo | None:
        if not isinstance(number, str) or not NUMBER_RE.fullmatch(number):
            return None
        info = self._certs.get(number)
        if info is not None:
            return info
        missed = self._misses.get(number)
        if missed is not None and time.monotonic() - missed < self.retry_after:
            return None
        info = self._from_disk(number)
        if info is None and self.remote_base_url:
            info = self._from_remote(number)
        with self._lock:
            if info is not None:
                self._certs[number] = info
                self._misses.pop(number, None)
            else:  # a certificate missing now may be published later: retry after a while
                if len(self._misses) > 10_000:
                    self._misses.clear()
                self._misses[number] = time.monotonic()
        return info

    def _from_disk(self, number: str) -> CertInfo | None:
        for ext in (".cer", ".pem"):
            path = self.directory / f"{number}{ext}"
            try:
                if not path.is_file() or path.stat().st_size > MAX_CERT_BYTES:
                    continue
                info = load_cert_file(path.read_bytes())
            except (OSError, CertificateError):
                continue
            if info.number == number:
                return info
        return None

    def _from_remote(self, number: str) -> CertInfo | None:
        url = remote_url(self.remote_base_url or SAT_REMOTE_BASE_URL, number)
        if not url.startswith(("https://", "http://")):
            return None
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:  # noqa: S310
                data = resp.read(MAX_CERT_BYTES + 1)
        except (OSError, urllib.error.URLError, ValueError):
            return None
        if len(data) > MAX_CERT_BYTES:
            return None
        try:
            info = load_cert_file(data)
        except CertificateError:
            return None
        # A server answering with some other certificate must not be trusted for this number.
        if info.number != number:
            return None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{number}.cer.tmp"
            tmp.write_bytes(info.cert.public_bytes(Encoding.DER))
            tmp.replace(self.directory / f"{number}.cer")
        except OSError:
            pass  # caching is an optimisation; verification can go on
        return info

    # -- chain to SAT's CA -----------------------------------------------------------

    @property
    def has_ca(self) -> bool:
        return bool(self._load_cas())

    def _load_cas(self) -> dict[bytes, x509.Certificate]:
        if self._cas is not None:
            return self._cas
        cas: dict[bytes, x509.Certificate] = {}
        if self.ca_dir and self.ca_dir.is_dir():
            for path in sorted(self.ca_dir.iterdir()):
                if path.suffix.lower() not in (".cer", ".crt", ".pem"):
                    continue
                try:
                    info = load_cert_file(path.read_bytes())
                except (OSError, CertificateError):
                    continue
                cas[info.cert.subject.public_bytes()] = info.cert
        self._cas = cas
        return cas

    def verify_chain(self, cert: x509.Certificate) -> bool | None:
        """True if ``cert`` chains to a CA in ``ca_dir``; None when no CA is configured.

        Only signatures are checked (the CSD's own dates are checked against Fecha by the
        caller); results are cached per certificate.
        """
        cas = self._load_cas()
        if not cas:
            return None
        key = cert.fingerprint(hashes.SHA256())
        cached = self._chain_ok.get(key)
        if cached is not None:
            return cached
        ok = _chains(cert, cas)
        self._chain_ok[key] = ok
        return ok


def _chains(cert: x509.Certificate, cas: dict[bytes, x509.Certificate]) -> bool:
    current = cert
    for _ in range(8):  # SAT's hierarchy is 2-3 levels; a bound stops loops
        issuer = cas.get(current.issuer.public_bytes())
        if issuer is None:
            return False
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            return False
        if issuer.subject == issuer.issuer:
            return True
        current = issuer
    return False
