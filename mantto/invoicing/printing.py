"""Printable representation of a received CFDI, with SAT's verification QR."""

from __future__ import annotations

import base64
import io
import logging

import qrcode
import qrcode.image.svg
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def qr_data_uri(text: str) -> str:
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def context(doc) -> dict:
    url = doc.sat_verification_url()
    return {"doc": doc, "qr_url": url, "qr": qr_data_uri(url) if doc.uuid else ""}


def pdf_response(request, doc) -> HttpResponse:
    """WeasyPrint renders the same HTML; the print view stays the fallback."""
    from weasyprint import HTML

    html = render_to_string("invoicing/print.html", {**context(doc), "pdf": True}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{doc.uuid or doc.code}.pdf"'
    return resp
