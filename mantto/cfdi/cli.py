"""``python -m mantto.cfdi validate [--json] [--unstamped] [--sat-certs DIR] [--at ISO] FILE...``

Exit status: 0 every file valid, 1 some file invalid or unreadable (reported as a
``MANTTO-ARCHIVO-ILEGIBLE`` finding for that file, the others are still checked),
2 usage error (unknown option, bad --at, no files, --sat-certs/--sat-ca not a folder).
A --at without offset is Mexico City time, like the CFDI's own Fecha.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from . import xmlsafe
from .findings import error
from .report import Report
from .validate import validate

MX = ZoneInfo("America/Mexico_City")


def _instant(text: str) -> datetime:
    """ISO 8601; without an offset it is Mexico City time, like the CFDI's own Fecha."""
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"fecha inválida {text!r}: use ISO 8601, p. ej. 2026-01-31T12:00:00-06:00"
        ) from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=MX)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mantto.cfdi", description="Verificador de CFDI 4.0 de Mantto."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="valida uno o más archivos XML de CFDI 4.0")
    v.add_argument("files", nargs="+", metavar="FILE", help="archivos XML")
    v.add_argument("--json", action="store_true", help="salida JSON (un arreglo, en orden)")
    v.add_argument(
        "--unstamped", action="store_true", help="acepta CFDI sin timbre (TimbreFiscalDigital)"
    )
    v.add_argument(
        "--sat-certs",
        metavar="DIR",
        type=Path,
        help="carpeta con los certificados de sello del SAT (NoCertificadoSAT.cer)",
    )
    v.add_argument(
        "--sat-ca",
        metavar="DIR",
        type=Path,
        help="carpeta con los certificados raíz/intermedios del SAT",
    )
    v.add_argument(
        "--at",
        type=_instant,
        metavar="ISO_DATETIME",
        help="momento al que se juzga la vigencia de los certificados (def.: ahora)",
    )
    v.add_argument(
        "--max-bytes", type=int, default=xmlsafe.DEFAULT_MAX_BYTES, help=argparse.SUPPRESS
    )
    return parser


def _check_file(path: str, args: argparse.Namespace, store: object) -> Report:
    try:
        p = Path(path)
        # Read at most one byte over the limit: a huge file costs no memory to refuse.
        with p.open("rb") as fh:
            data = fh.read(args.max_bytes + 1)
    except OSError as exc:
        report = Report()
        report.findings = [
            error(
                "MANTTO-ARCHIVO-ILEGIBLE",
                f"No se pudo leer el archivo {path!r} ({exc.strerror or type(exc).__name__}).",
            )
        ]
        return report
    return validate(
        data, unstamped=args.unstamped, at=args.at, store=store, max_bytes=args.max_bytes
    )


def _summary(path: str, r: Report) -> dict:
    d = r.as_dict()
    out = {
        "file": path,
        "valid": r.valid,
        "uuid": r.uuid,
        "tipo": r.tipo,
        "emisor_rfc": r.emisor_rfc,
        "receptor_rfc": r.receptor_rfc,
        "total": d["total"],
        "moneda": r.moneda,
        "fecha": r.fecha,
        "findings": d["findings"],
    }
    return out


def _human(path: str, r: Report, out: TextIO) -> None:
    verdict = "VÁLIDO" if r.valid else "NO VÁLIDO"
    out.write(f"== {path}: {verdict}\n")
    if r.tipo or r.uuid:
        total = f"{r.total:,.2f}" if r.total is not None else "?"
        out.write(
            f"   tipo {r.tipo or '?'}  UUID {r.uuid or '(sin timbre)'}  emisor "
            f"{r.emisor_rfc or '?'}  receptor {r.receptor_rfc or '?'}  total "
            f"{total} {r.moneda or ''}\n"
        )
    for f in r.findings:
        label = "ERROR" if f.is_error else "aviso"
        where = f" [{f.path}]" if f.path else ""
        out.write(f"   {label} {f.code}: {f.message}{where}\n")
    out.write("\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    for option, folder in (("--sat-certs", args.sat_certs), ("--sat-ca", args.sat_ca)):
        if folder is not None and not folder.is_dir():
            parser.error(f"{option}: {folder} no es una carpeta")
    store = None
    if args.sat_certs is not None:
        from .certs import SatCertStore

        store = SatCertStore(args.sat_certs, ca_dir=args.sat_ca)
    all_valid = True
    if args.json:
        out.write("[")
    for i, path in enumerate(args.files):
        report = _check_file(path, args, store)
        all_valid &= report.valid
        if args.json:
            # One element at a time, flushed: thousands of files never sit in memory.
            out.write(
                ("\n" if i == 0 else ",\n") + json.dumps(_summary(path, report), ensure_ascii=False)
            )
        else:
            _human(path, report, out)
        out.flush()
    if args.json:
        out.write("\n]\n")
        out.flush()
    return 0 if all_valid else 1
