"""The table of codes in rules/codes.py matches what the engine can emit."""

from __future__ import annotations

import re
from pathlib import Path

from mantto.cfdi.rules.codes import ALL

CFDI = Path(__file__).resolve().parents[1]
SOURCES = [
    *(CFDI / "rules").glob("*.py"),
    CFDI / "xmlsafe.py",
    CFDI / "validate.py",
    CFDI / "cli.py",
]
CODE = re.compile(r'"((?:MANTTO-[A-Z0-9-]*[A-Z0-9])|CFDI40\d{3}|CRP20\d{3})"')


def emitted() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        if path.name != "codes.py":
            found |= set(CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_it_documents_every_code_it_emits():
    assert emitted() - ALL.keys() == set()


def test_it_documents_no_code_it_never_emits():
    assert ALL.keys() - emitted() == set()
