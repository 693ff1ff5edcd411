"""``{% load invoicing_extras %}``: CFDI dates (local, naive ISO text) as dd/mm/aaaa."""

from __future__ import annotations

from datetime import datetime

from django import template

register = template.Library()


@register.filter
def cfdi_date(value: str) -> str:
    """'2026-12-04T10:09:13' → '04/12/2026 10:09:13' (the CFDI's own local time)."""
    try:
        return datetime.strptime(value or "", "%Y-%m-%dT%H:%M:%S").strftime("%d/%m/%Y %H:%M:%S")
    except ValueError:
        return value or ""
