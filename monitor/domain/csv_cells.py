"""CSV cells a spreadsheet cannot run (CSV / formula injection, OWASP).

A spreadsheet opening a CSV treats a cell that starts with =, +, -, @, tab or carriage
return as a formula: a name like `=HYPERLINK("http://…","x")` would become a live link that
can carry the sheet's data away. Every text cell that starts like that leaves with a single
quote in front (the spreadsheet shows the text; the quote marks it as text). Whether a cell
is text is decided by its type, never by its look: a number, negative or not, is written as
the number it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

# OWASP's list, and the same signs in their full-width forms (some spreadsheets take them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Importers that trim leading blanks would otherwise find a formula behind them.
_BLANKS = " \t\r\n\u00a0\u3000"


def neutralise(value: object) -> object:
    """The value as it may go into a CSV cell: text that starts like a formula (or does after
    leading blanks) gets a leading single quote; numbers and everything else are unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(_BLANKS).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(values: Iterable[object]) -> str:
    """One CSV line, each cell neutralised: the only way the exports write a line."""
    out = io.StringIO()
    csv.writer(out).writerow([neutralise(v) for v in values])
    return out.getvalue()


def fixed(value: float, places: int) -> Decimal:
    """A number with a fixed count of decimals ("0.500"), kept a number (not text) for the
    CSV: it prints exactly as the f-string did."""
    return Decimal(f"{value:.{places}f}")
