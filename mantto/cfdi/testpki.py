"""A fake SAT PKI for tests: CA (root + intermediate), CSDs, a FIEL, a stamping certificate.

Everything is generated once per process (RSA key generation is the slow part) and kept
in memory. Certificates look like SAT's: subject with x500UniqueIdentifier ("RFC / RFC"),
serialNumber, OU for a CSD; serials whose bytes are 20 ASCII digits.
"""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

SAT_RFC = "SAT970701NN3"
PAC_RFC = "SAT970701NN3"  # the SAT stamps as its own PAC in these fixtures


@dataclass(frozen=True)
class Credential:
    """A certificate with its private key, as a CSD/FIEL holder or the SAT would have."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    number: str
    rfc: str

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def b64(self) -> str:
        """The value of the ``Certificado`` attribute."""
        return base64.b64encode(self.der).decode("ascii")

    def sign_b64(self, data: bytes) -> str:
        sig = self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(sig).decode("ascii")


_lock = threading.Lock()
_serials = itertools.count(1)
_keys: list[rsa.RSAPrivateKey] = []


def _key(slot: int) -> rsa.RSAPrivateKey:
    """RSA-2048 keys, generated on first use and reused by slot (keygen is ~50-100 ms)."""
    with _lock:
        while len(_keys) <= slot:
            _keys.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        return _keys[slot]


def _number(prefix: str) -> str:
    n = next(_serials)
    number = f"{prefix}{n:06d}"
    assert len(number) == 20 and number.isdigit()
    return number


def _serial_from_number(number: str) -> int:
    return int.from_bytes(number.encode("ascii"), "big")


def _now() -> datetime:
    # Certificates are valid around the real present so that tests moving the clock
    # a few months or years either way still work.
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class _Ca:
    root: Credential
    intermediate: Credential


@cache
def sat_ca() -> _Ca:
    """Fake "AC del SAT": a self-signed root and an intermediate that issues CSDs."""
    now = _now()
    root_key, inter_key = _key(0), _key(1)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "AC RAIZ SAT PRUEBAS MANTTO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SERVICIO DE ADMINISTRACION TRIBUTARIA"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    inter_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SERVICIO DE ADMINISTRACION TRIBUTARIA"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SAT-IES Authority"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        ]
    )
    ca_usage = x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    root_number = _number("00001000000100")
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(_serial_from_number(root_number))
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(ca_usage, critical=True)
        .sign(root_key, hashes.SHA256())
    )
    inter_number = _number("00001000000200")
    inter_cert = (
        x509.CertificateBuilder()
        .subject_name(inter_name)
        .issuer_name(root_name)
        .public_key(inter_key.public_key())
        .serial_number(_serial_from_number(inter_number))
        .not_valid_before(now - timedelta(days=3000))
        .not_valid_after(now + timedelta(days=3000))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(ca_usage, critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return _Ca(
        root=Credential(root_cert, root_key, root_number, SAT_RFC),
        intermediate=Credential(inter_cert, inter_key, inter_number, SAT_RFC),
    )


def _usage(*, fiel: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=fiel,
        key_agreement=fiel,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _holder(
    rfc: str,
    name: str,
    *,
    kind: str,
    key_slot: int,
    not_before: datetime,
    not_after: datetime,
    issuer: Credential | None = None,
) -> Credential:
    """Issue a SAT-like end-entity certificate. ``kind`` is "csd", "fiel" or "sat"."""
    issuer = issuer or sat_ca().intermediate
    key = _key(key_slot)
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(x509.ObjectIdentifier("2.5.4.41"), name),  # "name"
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        # SAT writes "RFC / RFC del representante" (or "/ CURP") in this attribute.
        x509.NameAttribute(
            NameOID.X500_UNIQUE_IDENTIFIER, f"{rfc} / XAXX010101000", _type=_ASN1Type.UTF8String
        ),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, " / XEXX010101HNEXXXA4"),
    ]
    if kind != "fiel":
        # The OU ("sucursal") is what makes a certificate a CSD rather than a FIEL; SAT's
        # stamping certificates name the PAC there ("PAC" + RFC).
        ou = f"PAC{rfc}" if kind == "sat" else "MATRIZ"
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    number = _number("30001000000500" if kind != "sat" else "00001000000700")
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(_serial_from_number(number))
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(fiel=kind == "fiel"), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return Credential(cert, key, number, rfc)


@cache
def csd(rfc: str, name: str = "CONTRIBUYENTE DE PRUEBA") -> Credential:
    """A valid CSD (from two years ago to four years ahead) for ``rfc``."""
    now = _now()
    return _holder(
        rfc,
        name,
        kind="csd",
        key_slot=2,
        not_before=now - timedelta(days=730),
        not_after=now + timedelta(days=1460),
    )


@cache
def expired_csd(rfc: str, name: str = "CONTRIBUYENTE DE PRUEBA") -> Credential:
    """A CSD that expired a year ago (valid for the two years before that)."""
    now = _now()
    return _holder(
        rfc,
        name,
        kind="csd",
        key_slot=3,
        not_before=now - timedelta(days=1095),
        not_after=now - timedelta(days=365),
    )


@cache
def fiel(rfc: str, name: str = "CONTRIBUYENTE DE PRUEBA") -> Credential:
    """An e.firma (FIEL): valid, from SAT, but not allowed to seal CFDI."""
    now = _now()
    return _holder(
        rfc,
        name,
        kind="fiel",
        key_slot=4,
        not_before=now - timedelta(days=730),
        not_after=now + timedelta(days=1460),
    )


@cache
def rogue_csd(rfc: str, name: str = "CONTRIBUYENTE DE PRUEBA") -> Credential:
    """A CSD-looking certificate issued by a CA that is not SAT's (fails the chain)."""
    now = _now()
    fake_ca = Credential(
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AC APOCRIFA")]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AC APOCRIFA")]))
        .public_key(_key(5).public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=10))
        .not_valid_after(now + timedelta(days=10))
        .sign(_key(5), hashes.SHA256()),
        _key(5),
        "1",
        "",
    )
    return _holder(
        rfc,
        name,
        kind="csd",
        key_slot=2,
        not_before=now - timedelta(days=730),
        not_after=now + timedelta(days=1460),
        issuer=fake_ca,
    )


@cache
def sat_stamp_cert() -> Credential:
    """The SAT/PAC stamping certificate whose number goes in NoCertificadoSAT."""
    now = _now()
    return _holder(
        SAT_RFC,
        "SERVICIO DE ADMINISTRACION TRIBUTARIA",
        kind="sat",
        key_slot=6,
        not_before=now - timedelta(days=1460),
        not_after=now + timedelta(days=1460),
    )


@cache
def expired_sat_stamp_cert() -> Credential:
    """A SAT stamping certificate that expired a year ago."""
    now = _now()
    return _holder(
        SAT_RFC,
        "SERVICIO DE ADMINISTRACION TRIBUTARIA",
        kind="sat",
        key_slot=6,
        not_before=now - timedelta(days=1095),
        not_after=now - timedelta(days=365),
    )


def write_sat_cert(directory: str | Path, sat: Credential | None = None) -> Path:
    """Write the stamping certificate as ``<dir>/<number>.cer`` (what SatCertStore reads)."""
    sat = sat or sat_stamp_cert()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{sat.number}.cer"
    path.write_bytes(sat.der)
    return path


def write_ca_dir(directory: str | Path) -> Path:
    """Write the fake SAT root and intermediate (DER) for ``SatCertStore(ca_dir=...)``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca = sat_ca()
    (directory / "root.cer").write_bytes(ca.root.der)
    (directory / "intermediate.cer").write_bytes(ca.intermediate.der)
    return directory
