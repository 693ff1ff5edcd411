"""Lexical checks for SAT's simple types and the Decimal arithmetic SAT prescribes.

Each checker answers ``True`` when a raw attribute value is acceptable to SAT's XSD
(cfdv40.xsd, tdCFDI.xsd, Pagos20.xsd, TimbreFiscalDigitalv11.xsd). Regexes are
compiled once at import; they run on every attribute of every upload.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

Check = Callable[[str], bool]

# SAT wrote these patterns with an unescaped "." (any character); combined with the
# xs:decimal base type that means "a digit or the point", so 25 digits without a point
# are valid to SAT's XSD. We mirror it exactly.
_IMPORTE = re.compile(r"[0-9]{1,18}([0-9.][0-9]{1,6})?")
_IMPORTE_MXN = re.compile(r"[0-9]{1,18}([0-9.][0-9]{1,2})?")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_RFC = re.compile(r"[A-Z&Ñ]{3,4}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]")
_RFC_PM = re.compile(r"[A-Z&Ñ]{3}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]")
_FECHA_H = re.compile(
    r"(20[1-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])"
)
_UUID = re.compile(r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")
_ID_DOCUMENTO = re.compile(
    r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"
    r"|[0-9]{3}-[0-9]{2}-[0-9]{9}"
)
_LEYENDA = re.compile(r"[A-Za-z0-9 Ññ!\"%&'´\-:;>=<@_,{}`~áéíóúÁÉÍÓÚüÜ]{12,150}")
_NUM_PARCIALIDAD = re.compile(r"[+]?0*[1-9][0-9]{0,2}")
_CTA = re.compile(r"[A-Z0-9_]{10,50}")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def collapse(v: str) -> str:
    """XSD whiteSpace="collapse": what the schema validator compares."""
    return " ".join(v.split())


def pattern(rx: re.Pattern[str]) -> Check:
    # The bound fullmatch itself: a Match is truthy, None is not. No extra Python frame.
    return rx.fullmatch  # type: ignore[return-value]


def text(min_len: int, max_len: int, no_pipe: bool = True) -> Check:
    def check(v: str) -> bool:
        return min_len <= len(v) <= max_len and not (no_pipe and "|" in v)

    return check


def fixed(value: str) -> Check:
    return lambda v: v == value


def any_string(v: str) -> bool:
    return True


importe = pattern(_IMPORTE)
importe_mxn = pattern(_IMPORTE_MXN)
rfc = pattern(_RFC)
rfc_pm = pattern(_RFC_PM)
uuid = pattern(_UUID)
id_documento = pattern(_ID_DOCUMENTO)
leyenda = pattern(_LEYENDA)
cuenta = pattern(_CTA)
rfc_cta_ord = pattern(re.compile("XEXX010101000|" + _RFC_PM.pattern))
digits5 = pattern(re.compile(r"[0-9]{5}"))
digits10 = pattern(re.compile(r"[0-9]{10}"))
digits20 = pattern(re.compile(r"[0-9]{20}"))
alnum5 = pattern(re.compile(r"[0-9a-zA-Z]{5}"))
cuenta_predial = pattern(re.compile(r"[0-9a-zA-Z]{1,150}"))
pedimento = pattern(re.compile(r"[0-9]{2}  [0-9]{2}  [0-9]{4}  [0-9]{7}"))


def fecha_h(v: str) -> bool:
    """t_FechaH: the pattern *and* a real calendar date (xs:dateTime), e.g. no 30 Feb."""
    if _FECHA_H.fullmatch(v) is None:
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


def decimal(frac_digits: int, min_value: str) -> Check:
    """xs:decimal restricted by fractionDigits and minInclusive (no pattern)."""
    minimum = Decimal(min_value)
    # Fast path for the usual "123.45": no sign, no excess digits. Every minimum we use
    # is 0 or 10^-frac_digits, i.e. "any non-zero value" once the digits fit.
    plain = re.compile(r"[0-9]+(\.[0-9]{0,N})?".replace("N", str(frac_digits))).fullmatch
    positive = minimum > 0
    assert minimum in (0, Decimal(1).scaleb(-frac_digits))

    def check(v: str) -> bool:
        if plain(v) is not None:
            return not positive or v.strip("0.") != ""
        if _DECIMAL.fullmatch(v) is None:
            return False
        if "." in v and len(v.split(".", 1)[1].rstrip("0")) > frac_digits:
            return False
        return Decimal(v) >= minimum

    return check


decimal6_ge0 = decimal(6, "0")


def short_min(minimum: int) -> Check:
    def check(v: str) -> bool:
        return _INTEGER.fullmatch(v) is not None and minimum <= int(v) <= 32767

    return check


def num_parcialidad(v: str) -> bool:
    return _NUM_PARCIALIDAD.fullmatch(v) is not None and "+" not in v and not v.startswith("0")


def base64_binary(v: str) -> bool:
    s = "".join(v.split())
    if len(s) % 4:
        return False
    try:
        base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# --- Decimal arithmetic -----------------------------------------------------------


_DEC_CACHE: dict[str, Decimal | None] = {}


def dec(v: str | None) -> Decimal | None:
    """Parse a plain decimal ("-1.5", " 2 "); None when absent, exponent, NaN or garbage.

    Memoised: the same few strings ("0", "1", "0.160000", the totals) come back dozens
    of times per document, and a dict hit costs a tenth of Decimal(). Decimals are
    immutable, so sharing them is safe; the cache is dropped when it grows.
    """
    if v is None:
        return None
    d = _DEC_CACHE.get(v, _MISSING)
    if d is not _MISSING:
        return d  # type: ignore[return-value]
    d = _parse_dec(v)
    if len(_DEC_CACHE) > 4096:
        _DEC_CACHE.clear()
    _DEC_CACHE[v] = d
    return d


_MISSING = object()


def _parse_dec(v: str) -> Decimal | None:
    # No SAT amount exceeds 25 digits plus point and sign; longer text is not an amount
    # and would only make Decimal work (and overflow) for nothing.
    if len(v) > 40:
        return None
    try:
        d = Decimal(v)
    except InvalidOperation:
        return None
    if not d.is_finite() or "e" in v or "E" in v or "_" in v:
        return None
    return d


def places(v: str) -> int:
    """Decimals *as written* (SAT counts "10.50" as two)."""
    v = v.strip()
    i = v.find(".")
    return 0 if i < 0 else len(v) - i - 1


_QUANTS = [Decimal(1).scaleb(-n) for n in range(0, 11)]


def quant(n: int) -> Decimal:
    return _QUANTS[n] if 0 <= n < len(_QUANTS) else Decimal(1).scaleb(-n)


def round_half_up(d: Decimal, n: int) -> Decimal:
    return d.quantize(quant(n), rounding=ROUND_HALF_UP)


def floor_to(d: Decimal, n: int) -> Decimal:
    return d.quantize(quant(n), rounding=ROUND_FLOOR)


def ceil_to(d: Decimal, n: int) -> Decimal:
    return d.quantize(quant(n), rounding=ROUND_CEILING)


_HALVES = [q / 2 for q in _QUANTS]


def half_unit(n: int) -> Decimal:
    """10^-n / 2: the rounding slack of a value written with n decimals."""
    return _HALVES[n] if 0 <= n < len(_HALVES) else quant(n) / 2


def product_limits(
    a: str, b: str, result_places: int, *, exact_first: bool = False
) -> tuple[Decimal, Decimal]:
    """SAT's limits for a product of two written values (Anexo 20, Concepto Importe).

    Lower = (a − 10^-da/2)(b − 10^-db/2) truncated, upper = (a + …)(b + …) rounded up,
    both to the decimals of the result.
    """
    da = Decimal(0) if exact_first else half_unit(places(a))
    db = half_unit(places(b))
    x, y = Decimal(a.strip()), Decimal(b.strip())
    lo = floor_to((x - da) * (y - db), result_places)
    hi = ceil_to((x + da) * (y + db), result_places)
    return lo, hi


def tax_limits(base: str, rate: Decimal, result_places: int) -> tuple[Decimal, Decimal]:
    """SAT's limits for a tax amount: (Base ∓ 10^-d/2) × TasaOCuota, truncated / rounded up."""
    db = half_unit(places(base))
    b = Decimal(base.strip())
    return floor_to((b - db) * rate, result_places), ceil_to((b + db) * rate, result_places)


def fmt(d: Decimal | None) -> str:
    return "" if d is None else format(d, "f")
