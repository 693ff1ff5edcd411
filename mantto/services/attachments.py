"""Checking uploaded photos, PDFs and drawn signatures before they are stored.

The type is decided by the file's first bytes (magic numbers), never by its name or the
browser's Content-Type: both are chosen by the uploader.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from mantto.core.errors import DomainError
from mantto.services.models import Attachment, ServiceRequest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_SIDE = 2000


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(PNG_MAGIC):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def read_upload(upload, *, allow_pdf: bool = True) -> tuple[bytes, str]:
    """The bytes and sniffed type of an uploaded file, or a DomainError."""
    limit = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise DomainError(
            _("El archivo pesa más de %(mb)s MB. Reduce la foto o el PDF e inténtalo de nuevo.")
            % {"mb": settings.ATTACHMENT_MAX_MB},
            "MANTTO-FILE-SIZE",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:  # the reported size lied
        raise DomainError(
            _("El archivo pesa más de %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_MB},
            "MANTTO-FILE-SIZE",
        )
    kind = sniff(data[:16])
    if kind is None or (kind == "application/pdf" and not allow_pdf):
        allowed = _("JPG, PNG, WebP o PDF") if allow_pdf else _("JPG, PNG o WebP")
        raise DomainError(
            _("El archivo no es %(allowed)s válido (revisamos su contenido, no solo su nombre).")
            % {"allowed": allowed},
            "MANTTO-FILE-TYPE",
        )
    if kind.startswith("image/"):
        try:
            Image.open(io.BytesIO(data)).verify()
        except Exception as exc:
            raise DomainError(_("La imagen está dañada o incompleta."), "MANTTO-FILE-TYPE") from exc
    return data, kind


def decode_signature(data_url: str) -> bytes:
    """A canvas's ``toDataURL('image/png')``: a real PNG of bounded size and dimensions."""
    invalid = DomainError(
        _("La firma no es válida. Pide al conductor que firme de nuevo."), "MANTTO-SIGN-INVALID"
    )
    prefix = "data:image/png;base64,"
    limit = settings.SIGNATURE_MAX_KB * 1024
    if not data_url or not data_url.startswith(prefix):
        raise invalid
    payload = data_url[len(prefix) :]
    if len(payload) > limit * 4 // 3 + 8:
        raise DomainError(_("La firma es demasiado grande."), "MANTTO-SIGN-INVALID")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid from exc
    if not raw.startswith(PNG_MAGIC) or len(raw) > limit:
        raise invalid
    try:
        img = Image.open(io.BytesIO(raw))
        img.verify()
    except Exception as exc:
        raise invalid from exc
    if img.format != "PNG" or max(img.size) > SIGNATURE_MAX_SIDE or min(img.size) < 20:
        raise invalid
    return raw


def store(
    service: ServiceRequest,
    kind: str,
    data: bytes,
    content_type: str,
    original_name: str,
    *,
    actor,
    now: datetime,
) -> Attachment:
    att = Attachment(
        service=service,
        kind=kind,
        original_name=(original_name or kind)[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        created=now,
    )
    att.file.save("upload", ContentFile(data), save=False)
    att.save()
    return att
