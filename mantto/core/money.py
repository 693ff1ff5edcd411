"""Money is Decimal, rounded in exactly one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str, places: Decimal = CENT) -> Decimal:
    """Round to cents (or ``places``) the way SAT rounds: half up."""
    if isinstance(value, float):
        raise TypeError("money() no acepta float; use Decimal o str")
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def format_mxn(value: Decimal | None) -> str:
    """$12,345.67 — the format the workshops' accountants read."""
    if value is None:
        return ""
    v = money(value)
    sign = "-" if v < 0 else ""
    return f"{sign}${abs(v):,.2f}"
