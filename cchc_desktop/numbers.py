"""Vietnamese numbers: "1.234.567", "12.345,7", "65,2%" (decimal comma, "." thousands). Pure functions, the lowest
layer: the printed reports (``reports.vnformat`` re-exports them) and the screens (dashboard) write figures alike."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return ".".join(reversed(parts))


def integer(value: int | float | Decimal | None) -> str:
    """1234567 -> "1.234.567"; None -> ""."""
    if value is None:
        return ""
    number = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if number < 0 else ""
    return sign + _group(str(abs(number)))


thousands = integer


def decimal(value: int | float | Decimal | None, places: int = 1, *, trim: bool = False) -> str:
    """12345.678 -> "12.345,7" (decimal comma, "." thousands). ``trim`` drops a zero fraction ("65,0" -> "65")."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places) if places > 0 else Decimal(1)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, frac = text.partition(".")
    if trim:
        frac = frac.rstrip("0")
    out = _group(whole)
    if frac:
        out += "," + frac
    if out.strip("0.,") == "":
        sign = ""
    return sign + out


def percent(ratio: float | Decimal | None, places: int = 1, *, trim: bool = False) -> str:
    """A ratio as a Vietnamese percentage: 0.652 -> "65,2%", 1 -> "100,0%" ("100%" with ``trim``)."""
    if ratio is None:
        return ""
    return decimal(Decimal(str(ratio)) * 100, places, trim=trim) + "%"
