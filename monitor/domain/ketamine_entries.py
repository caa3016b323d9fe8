"""What a ketamine draw, waste or resolution may say: the rules at each field of the
controlled-substance record, each refusal worded for the field it is shown at.

A lot number is what the vial's label prints (21 CFR 1304.22 asks the record to identify
the substance; the lot ties a millilitre to its vial): letters and digits with the dashes,
dots, slashes and spaces labels use, stored trimmed, up to the column's 40 characters;
nothing else, so no control or look-alike character hides in a printed record. An expired
vial is not drawn from (the label's expiry is the last day it may be used, USP <7>), judged
on the clinic's calendar, not the server's. A volume is a positive number no larger than
the biggest ketamine vial marketed: a guard against a slipped decimal (500 for 5.00), not a
clinical limit. A waste cannot exceed what is left in the syringe it came from. A
physician's resolution of a discrepancy says why in at least the clinic's minimum for a
reason (`sign_off.exit_reason_min_chars`): the auditor has nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.entered_time import parse_clock_time
from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT, unstorable

LOT_MAX_CHARS = 40  # the lot column's length (ketamine_draws.lot)
# The largest ketamine vial sold in the United States holds 50 mL (10 mg/mL multi-dose
# vial, Ketalar label 2022, 16 How supplied); no single draw can be more.
MAX_DRAW_ML = 50.0
# A lot as a vial's label prints it: ASCII letters and digits, with dashes, dots, slashes
# and spaces between them, beginning with a letter or a digit (so never a control
# or invisible character, a look-alike letter of another script, or a spreadsheet formula).
LOT_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9./ -]*")


def clean_lot(text: str | None) -> str:
    """The lot as stored: trimmed, 1–40 characters, as a vial's label prints it."""
    lot = (text or "").strip()
    if not lot:
        raise refuse("lot", "Enter the lot number printed on the vial")
    if len(lot) > LOT_MAX_CHARS:
        raise refuse("lot", f"A lot number has at most {LOT_MAX_CHARS} characters")
    if not LOT_TEXT.fullmatch(lot):
        raise refuse(
            "lot",
            "Type the lot number as printed on the vial: letters, digits, dashes, dots, "
            "slashes and spaces, beginning with a letter or a digit",
        )
    return lot


def check_expiry(expiry: date | None, today: date) -> date:
    """The vial's expiry date; a vial past it (before the clinic's today) is refused."""
    if expiry is None:
        raise refuse("expiry", "Enter the expiry date printed on the vial")
    if expiry < today:
        raise refuse(
            "expiry",
            f"This lot expired on {expiry.isoformat()}: do not draw from it; take another vial",
        )
    return expiry


def check_volume(
    field: str, volume_ml: float | None, *, step: float, most: float = MAX_DRAW_ML
) -> float:
    """A volume in mL: above zero, no more than `most` (a vial's worth by default), and
    read to the balance's step (0.01 mL: no syringe reads finer), so the balance of what
    was typed is exact and only the pump's figure is rounded."""
    if volume_ml is None or not math.isfinite(volume_ml) or volume_ml <= 0:
        raise refuse(field, "Enter the volume in mL, above 0")
    if volume_ml > most:
        raise refuse(field, f"At most {most:g} mL: check the decimal point")
    if abs(volume_ml / step - round(volume_ml / step)) > 1e-6:
        raise refuse(field, f"Enter the volume to {step:g} mL")
    return float(volume_ml)


def left_in_draw(drawn_ml: float, wasted_ml: Iterable[float]) -> float:
    """What is left of a draw after its wastes (witnessed or awaiting a witness alike:
    both left the syringe)."""
    return max(0.0, drawn_ml - sum(wasted_ml))


def check_waste(volume_ml: float | None, left_ml: float, step: float) -> float:
    """A waste's volume: positive and no more than what is left in its draw (to the
    balance's step, so a rounding tail does not refuse the last drop)."""
    volume = check_volume("volume_ml", volume_ml, step=step)
    if volume > left_ml + step / 2:
        raise refuse(
            "volume_ml",
            f"Only {left_ml:.2f} mL is left in this draw: a waste cannot be more",
        )
    return volume


def check_time(
    field: str, at: datetime, *, now: datetime, opened_at: datetime, skew: timedelta
) -> datetime:
    """An entry's time: not in the future, not before the session opened (each beyond the
    clocks' disagreement, monitor.domain.clock)."""
    if at.tzinfo is None:
        raise refuse(field, "The time has no time zone")
    if at > now + skew:
        raise refuse(field, "The time cannot be in the future")
    if at < opened_at - skew:
        raise refuse(field, "The time cannot be before the session opened")
    return at


def resolution_reason(text: str | None, *, minimum: int) -> str:
    """Why the physician accepts the imbalance: at least `minimum` characters."""
    reason = (text or "").strip()
    problem = unstorable(reason)
    if problem:
        raise refuse("reason", f"The reason holds {problem}")
    if len(reason) > MAX_FREE_TEXT:
        raise refuse("reason", f"Keep the reason under {MAX_FREE_TEXT} characters")
    if len(reason) < minimum:
        raise refuse(
            "reason",
            f"Write why the ketamine does not balance, in at least {minimum} characters",
        )
    return reason


def clock_on_today(value: object, *, now: datetime, zone: ZoneInfo, field: str) -> datetime | None:
    """A time typed as HH:MM on the clinic's clock, the moment it names nearest to now (so
    23:50 typed just after midnight is last night's), None when left empty (now). A time
    that cannot be read is refused at its field. One reading of a typed time for every
    bedside card: `entered_time.parse_clock_time`."""
    return parse_clock_time(value, field, "Time", now=now, zone=zone)
