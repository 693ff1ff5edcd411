"""Entry point: bytes in, :class:`Report` out. Never raises on bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from . import rules, seals, xmlsafe
from .findings import Finding, error
from .report import Report, fill
from .rules.context import snapshot

if TYPE_CHECKING:
    from .certs import SatCertStore

__all__ = ["Report", "validate"]

_NOT_CFDI40 = frozenset({"MANTTO-NO-CFDI", "MANTTO-VERSION-OBSOLETA"})


def validate(
    data: bytes,
    *,
    unstamped: bool = False,
    at: datetime | None = None,
    store: SatCertStore | None = None,
    max_bytes: int = xmlsafe.DEFAULT_MAX_BYTES,
) -> Report:
    """Verify one CFDI 4.0 document and return every finding.

    ``unstamped`` accepts a document without TimbreFiscalDigital (a draft to be
    stamped); ``at`` is the moment certificates are judged at (default: now, UTC);
    ``store`` holds SAT's certificates for checking SelloSAT.
    """
    report = Report()
    root, findings = xmlsafe.parse(data, max_bytes=max_bytes)
    if root is None:
        report.findings = findings
        return report
    # Every attribute is read from lxml once, into plain dicts that fill(), the rules and
    # the seal checks share (lxml builds new strings on each read). The snapshot also
    # keeps every element's Python proxy alive for the whole validation, so lxml builds
    # each proxy once instead of every time a stage reaches the element.
    attrs = snapshot(root)
    try:
        fill(report, root, attrs)
        findings = rules.run(root, attrs)
        if not any(f.code in _NOT_CFDI40 for f in findings):
            sealed = seals.verify_seals(
                root, unstamped=unstamped, at=at or datetime.now(UTC), store=store, attrs=attrs
            )
            if sealed:  # the usual valid document: nothing to merge
                findings = _merge(findings, sealed)
    except Exception as exc:  # noqa: BLE001 - a hostile document must never crash an upload
        findings.append(
            error(
                "MANTTO-INTERNO",
                f"Error interno al validar el CFDI ({type(exc).__name__}); repórtelo a soporte "
                "con el archivo.",
            )
        )
    del attrs
    report.findings = findings
    report.valid = not any(f.is_error for f in findings)
    return report


def _merge(ours: list[Finding], sealed: list[Finding]) -> list[Finding]:
    """The seal checks re-read the stamp's attributes with more specific codes
    (MANTTO-TFD-VERSION, …); drop our generic schema finding for the same spot."""
    spots = {f.path for f in sealed if f.is_error and f.path}
    kept = [
        f
        for f in ours
        if not (
            f.path in spots
            and (f.code.startswith("MANTTO-XSD-") or f.code == "MANTTO-COMPLEMENTO-DUPLICADO")
        )
    ]
    return kept + sealed
