"""Vehicle import from CSV or XLSX: preview with row-level errors, then all or nothing.

Columns (first row, any order, accents and case ignored): placas, vin, marca, modelo,
año, cliente (RFC or exact name), centro_costos (key, optional), conductor (name,
optional), odometro (optional). A plate that exists is updated; a new plate is created.

Codes: MANTTO-IMPORT-FILE (unreadable file), MANTTO-IMPORT-ROWS (some row is wrong:
nothing is imported).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from mantto.audit.models import log_action
from mantto.core.errors import DomainError
from mantto.fleet.models import Client, CostCentre, Driver, Vehicle

MAX_BYTES = 5 * 1024 * 1024
HEADERS = {
    "placas": "plate",
    "placa": "plate",
    "vin": "vin",
    "niv": "vin",
    "marca": "make",
    "modelo": "model",
    "ano": "year",
    "anio": "year",
    "cliente": "client",
    "centro_costos": "cost_centre",
    "centro_de_costos": "cost_centre",
    "conductor": "driver",
    "odometro": "odometer",
}
REQUIRED = ("plate", "vin", "make", "model", "year", "client")
# The column name the person wrote in the file, for messages about a missing value.
COLUMN_LABELS = {
    "plate": "placas",
    "vin": "vin",
    "make": "marca",
    "model": "modelo",
    "year": "año",
    "client": "cliente",
}
PLATE_RE = re.compile(r"^[A-Z0-9-]{5,10}$")
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{11,17}$")


def _norm_header(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass
class Row:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)
    action: str = ""

    def as_session(self) -> dict:
        return {"line": self.line, "data": self.data}


def read_file(upload) -> list[Row]:
    """Rows of a CSV or XLSX upload (values as stripped strings)."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DomainError(_("El archivo pesa más de 5 MB."), "MANTTO-IMPORT-FILE")
    if raw.startswith(b"PK\x03\x04"):
        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DomainError(
                _("No pudimos leer el archivo de Excel."), "MANTTO-IMPORT-FILE"
            ) from exc
        table = [list(r) for r in wb.active.iter_rows(values_only=True)]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        try:
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    table = [r for r in table if any(str(c or "").strip() for c in r)]
    if not table:
        raise DomainError(_("El archivo está vacío."), "MANTTO-IMPORT-FILE")
    keys = [HEADERS.get(_norm_header(h)) for h in table[0]]
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise DomainError(
            _("Faltan columnas: %(cols)s. La primera fila debe tener los encabezados.")
            % {"cols": ", ".join(missing)},
            "MANTTO-IMPORT-FILE",
        )
    if len(table) - 1 > settings.VEHICLE_IMPORT_MAX_ROWS:
        raise DomainError(
            _("El archivo tiene más de %(n)s filas.") % {"n": settings.VEHICLE_IMPORT_MAX_ROWS},
            "MANTTO-IMPORT-FILE",
        )
    rows = []
    for i, values in enumerate(table[1:], start=2):
        data = {}
        for key, value in zip(keys, values, strict=False):
            if key:
                data[key] = "" if value is None else str(value).strip()
        rows.append(Row(line=i, data=data))
    return rows


def validate(rows: list[Row]) -> list[Row]:
    """Fill each row's errors (Spanish) and planned action."""
    clients = {c.rfc.upper(): c for c in Client.objects.exclude(rfc="")}
    clients.update({c.name.lower(): c for c in Client.objects.all()})
    seen_plates: dict[str, int] = {}
    seen_vins: dict[str, int] = {}
    for row in rows:
        d, err = row.data, row.errors
        plate = d.get("plate", "").upper().replace(" ", "")
        vin = d.get("vin", "").upper().replace(" ", "")
        d["plate"], d["vin"] = plate, vin
        for key in REQUIRED:
            if not d.get(key):
                err.append(
                    _("Falta el dato de la columna «%(col)s».") % {"col": COLUMN_LABELS[key]}
                )
        if plate and not PLATE_RE.match(plate):
            err.append(_("Placas no válidas: %(v)s.") % {"v": plate})
        if vin and not VIN_RE.match(vin):
            err.append(_("VIN no válido (11 a 17 caracteres, sin I, O ni Q): %(v)s.") % {"v": vin})
        if plate in seen_plates:
            err.append(_("Placas repetidas en la fila %(n)s.") % {"n": seen_plates[plate]})
        if vin in seen_vins:
            err.append(_("VIN repetido en la fila %(n)s.") % {"n": seen_vins[vin]})
        seen_plates.setdefault(plate, row.line)
        seen_vins.setdefault(vin, row.line)
        year = _int(d.get("year"))
        if d.get("year") and (year is None or not 1980 <= year <= 2100):
            err.append(_("Año no válido: %(v)s.") % {"v": d.get("year")})
        if d.get("odometer") and (_int(d["odometer"]) is None or _int(d["odometer"]) < 0):
            err.append(_("Odómetro no válido: %(v)s.") % {"v": d["odometer"]})
        client = clients.get(d.get("client", "").upper()) or clients.get(
            d.get("client", "").lower()
        )
        if d.get("client") and client is None:
            err.append(_("Cliente desconocido: %(v)s.") % {"v": d["client"]})
        if (
            client
            and d.get("cost_centre")
            and not CostCentre.objects.filter(client=client, key=d["cost_centre"]).exists()
        ):
            err.append(
                _("El cliente no tiene el centro de costos %(v)s.") % {"v": d["cost_centre"]}
            )
        existing = Vehicle.objects.filter(plate=plate).first() if plate else None
        vin_owner = Vehicle.objects.filter(vin=vin).exclude(plate=plate).first() if vin else None
        if vin_owner:
            err.append(_("El VIN ya pertenece a las placas %(p)s.") % {"p": vin_owner.plate})
        row.action = _("actualizar") if existing else _("nuevo")
    return rows


def _int(value) -> int | None:
    try:
        return int(float(str(value).replace(",", "")))
    except (TypeError, ValueError):
        return None


def import_vehicles(actor, rows: list[Row], *, now: datetime) -> dict[str, int]:
    """All rows or none: validated again inside the transaction."""
    with transaction.atomic():
        validate(rows)
        bad = [r for r in rows if r.errors]
        if bad:
            raise DomainError(
                ngettext(
                    "%(n)s fila tiene errores; no se importó ninguna.",
                    "%(n)s filas tienen errores; no se importó ninguna.",
                    len(bad),
                )
                % {"n": len(bad)},
                "MANTTO-IMPORT-ROWS",
            )
        created = updated = 0
        for row in rows:
            d = row.data
            client = Client.objects.filter(rfc__iexact=d["client"]).first() or Client.objects.get(
                name__iexact=d["client"]
            )
            cc = (
                CostCentre.objects.get(client=client, key=d["cost_centre"])
                if d.get("cost_centre")
                else None
            )
            driver = None
            if d.get("driver"):
                driver, _c = Driver.objects.get_or_create(client=client, name=d["driver"])
            values = {
                "vin": d["vin"],
                "make": d["make"],
                "model": d["model"],
                "year": _int(d["year"]),
                "client": client,
                "cost_centre": cc,
                "driver": driver,
            }
            if d.get("odometer"):
                values["odometer"] = _int(d["odometer"])
            _v, was_created = Vehicle.objects.update_or_create(plate=d["plate"], defaults=values)
            created += was_created
            updated += not was_created
        log_action(
            actor, "fleet.vehicles_imported", data={"created": created, "updated": updated}, now=now
        )
    return {"created": created, "updated": updated}
