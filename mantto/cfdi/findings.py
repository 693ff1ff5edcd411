"""The one shape every check reports in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a document.

    ``code`` is SAT's code where SAT's error matrix defines one (``CFDI40108``,
    ``CRP20244``), ours otherwise (``MANTTO-XML-DTD``). ``message`` is Spanish and
    says what is wrong and how to fix it. ``path`` locates the node (XPath-like,
    e.g. ``/Comprobante/Conceptos/Concepto[2]/@Importe``) when there is one.
    """

    code: str
    severity: Severity
    message: str
    path: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, str]:
        d = {"code": self.code, "severity": str(self.severity), "message": self.message}
        if self.path:
            d["path"] = self.path
        return d


def error(code: str, message: str, path: str = "") -> Finding:
    return Finding(code, Severity.ERROR, message, path)


def warning(code: str, message: str, path: str = "") -> Finding:
    return Finding(code, Severity.WARNING, message, path)
