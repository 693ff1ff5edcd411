"""Template filters shared by every app: ``{% load mantto_extras %}``."""

from __future__ import annotations

from django import template

from mantto.core.money import format_mxn

register = template.Library()


@register.filter
def mxn(value) -> str:
    """{{ amount|mxn }} → $12,345.67"""
    if value in (None, ""):
        return ""
    return format_mxn(value)
