"""Reading uploaded batches: pair XML with PDF by name, and open ZIPs defensively.

Members are read into memory with a size cap, never extracted to disk, so a member
called ``../../etc/passwd`` can do no harm; such names are still refused, as is
anything that looks like a ZIP bomb (too many members, too large once uncompressed,
or compressed too well).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from mantto.core.errors import DomainError


@dataclass
class Item:
    """One thing to give a verdict on: an XML with its optional PDF, or a problem."""

    name: str
    xml: bytes | None = None
    pdf_name: str = ""
    pdf: bytes | None = None
    code: str = ""
    message: str = ""


def kind_of(name: str) -> str:
    ext = posixpath.splitext(name.lower())[1]
    return {".xml": "xml", ".pdf": "pdf", ".zip": "zip"}.get(ext, "")


def stem(name: str) -> str:
    return posixpath.splitext(name.replace("\\", "/").lower())[0]


def pair(entries: list[tuple[str, object]]) -> Iterator[tuple[str, object, str, object]]:
    """(xml name, xml, pdf name, pdf) by equal file name without extension; a PDF
    without XML comes out with xml None."""
    pdfs = {stem(n): (n, d) for n, d in entries if kind_of(n) == "pdf"}
    for name, data in entries:
        if kind_of(name) == "xml":
            pdf_name, pdf = pdfs.pop(stem(name), ("", None))
            yield name, data, pdf_name, pdf
    for pdf_name, pdf in pdfs.values():
        yield "", None, pdf_name, pdf


def orphan_pdf(name: str) -> Item:
    return Item(
        name,
        code="MANTTO-PDF-SIN-XML",
        message=_(
            "«%(name)s» es un PDF sin su XML. El PDF solo acompaña al XML del mismo nombre; "
            "sube los dos juntos."
        )
        % {"name": name},
    )


def unsupported(name: str) -> Item:
    return Item(
        name,
        code="MANTTO-ARCHIVO-TIPO",
        message=_("«%(name)s» no es XML, PDF ni ZIP; no se procesa.") % {"name": name},
    )


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (
        n.startswith("/")
        or "\x00" in n
        or ":" in n.split("/")[0]
        or any(part == ".." for part in n.split("/"))
    )


def read_zip(fileobj, zip_size: int) -> Iterator[Item]:
    """Yield one Item per XML (with its PDF) or problem member. The whole ZIP is refused
    (DomainError) when it is not a ZIP or looks like a bomb."""
    try:
        zf = zipfile.ZipFile(fileobj)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise DomainError(
            _("El ZIP está dañado o no es un ZIP. Comprímelo de nuevo."), "MANTTO-ZIP-INVALIDO"
        ) from exc
    files = [i for i in infos if not i.is_dir()]
    if len(files) > settings.INVOICE_ZIP_MAX_MEMBERS:
        raise DomainError(
            _("El ZIP trae %(n)s archivos; el máximo es %(max)s. Divídelo en varios ZIP.")
            % {"n": len(files), "max": settings.INVOICE_ZIP_MAX_MEMBERS},
            "MANTTO-ZIP-MIEMBROS",
        )
    total = sum(i.file_size for i in files)
    if total > settings.INVOICE_ZIP_MAX_TOTAL_BYTES or (
        total > 1024 * 1024 and total > settings.INVOICE_ZIP_MAX_RATIO * max(zip_size, 1)
    ):
        raise DomainError(
            _(
                "El ZIP descomprimido mediría %(mb)s MB (%(ratio)s veces su tamaño); por "
                "seguridad no se abre. Sube ZIP de facturas normales."
            )
            % {"mb": total // (1024 * 1024), "ratio": total // max(zip_size, 1)},
            "MANTTO-ZIP-BOMBA",
        )
    entries: list[tuple[str, zipfile.ZipInfo]] = []
    for info in files:
        name = info.filename
        base = posixpath.basename(name.replace("\\", "/"))
        if _unsafe_name(name):
            yield Item(
                name[:200],
                code="MANTTO-ZIP-RUTA",
                message=_("«%(name)s» tiene una ruta no permitida dentro del ZIP; se ignora.")
                % {"name": name[:200]},
            )
        elif base.startswith(".") or name.startswith("__MACOSX/"):
            continue
        elif info.flag_bits & 0x1:
            yield Item(
                name,
                code="MANTTO-ZIP-CIFRADO",
                message=_("«%(name)s» está protegido con contraseña; súbelo sin contraseña.")
                % {"name": name},
            )
        elif kind_of(name) not in ("xml", "pdf"):
            yield unsupported(name)
        elif info.file_size > settings.UPLOAD_MAX_BYTES:
            from mantto.invoicing.services import too_large

            err = too_large(name)
            yield Item(name, code=err.code, message=err.message)
        elif info.file_size > 1024 * 1024 and info.file_size > settings.INVOICE_ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            yield Item(
                name,
                code="MANTTO-ZIP-BOMBA",
                message=_("«%(name)s» está comprimido de forma sospechosa; no se abre.")
                % {"name": name},
            )
        else:
            entries.append((name, info))

    def load(info: zipfile.ZipInfo) -> bytes:
        # Never trust the declared size: read at most the limit plus one byte.
        with zf.open(info) as fh:
            data = fh.read(settings.UPLOAD_MAX_BYTES + 1)
        if len(data) > settings.UPLOAD_MAX_BYTES:
            raise ValueError("too large")
        return data

    for xml_name, xml_info, pdf_name, pdf_info in pair(entries):
        if xml_info is None:
            yield orphan_pdf(pdf_name)
            continue
        try:
            xml = load(xml_info)
            pdf = load(pdf_info) if pdf_info is not None else None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            yield Item(
                xml_name,
                code="MANTTO-ZIP-INVALIDO",
                message=_("«%(name)s» no se pudo leer del ZIP (dañado o demasiado grande).")
                % {"name": xml_name},
            )
            continue
        yield Item(xml_name, xml=xml, pdf_name=pdf_name, pdf=pdf)
