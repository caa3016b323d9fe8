"""A session's ketamine balance: drawn against given plus wasted, in mL of the product.

The volume given is never typed: it is the pump's delivered dose in milligrams (from the
infusion events, monitor.domain.delivered_dose) at the drawn product's concentration. A
session may draw from more than one vial: the given milligrams are taken from the draws in
the order drawn, each up to what was left in it after its wastes, so each lot carries its
share; anything given beyond every draw stays on the last one, where it shows as an
imbalance. Figures are rounded to the clinic's step (`ketamine.balance_to_ml`, 0.01 mL).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.domain.vocabulary import KetamineBalance


@dataclass(frozen=True)
class Draw:
    draw_id: int
    lot: str
    concentration_mg_per_ml: float
    volume_ml: float
    drawn_at: datetime


@dataclass(frozen=True)
class Waste:
    draw_id: int
    volume_ml: float
    # A waste counts as wasted once a second licensed person has witnessed it; until then
    # it is "awaiting a witness" and the balance does not count it.
    witnessed: bool = True


@dataclass(frozen=True)
class LotShare:
    """One draw's part of the balance."""

    draw_id: int
    lot: str
    drawn_ml: float
    given_ml: float
    wasted_ml: float


@dataclass(frozen=True)
class SessionBalance:
    status: KetamineBalance
    drawn_ml: float
    given_ml: float | None  # None while the infusion runs (the figure is not final)
    given_mg: float | None
    wasted_ml: float  # witnessed wastes only
    # drawn - given - wasted, rounded to the step; None while the given is not final
    imbalance_ml: float | None
    shares: tuple[LotShare, ...]
    awaiting_witness_ml: float = 0.0  # wasted but not yet witnessed: not in the balance


def to_step(value: float, step: float) -> float:
    """A volume rounded to the clinic's step (0.01 mL), as a float with no binary tail."""
    places = max(0, -math.floor(math.log10(step)))
    return round(round(value / step) * step, places)


def same_imbalance(a: float, b: float, step: float) -> bool:
    return to_step(a, step) == to_step(b, step)


def session_balance(
    draws: Sequence[Draw],
    wastes: Sequence[Waste],
    *,
    given_mg: float | None,
    resolved_imbalances: Sequence[float] = (),
    step: float = 0.01,
) -> SessionBalance:
    """The balance of one session. `given_mg` is the delivered dose once final (the pump
    stopped, or the session ended without an infusion: 0; see `final_given_mg`), None while
    it may still grow. Only witnessed wastes count as wasted.

    Each figure is rounded to the step first and the imbalance is taken from the rounded
    figures, so the figures a screen shows always add up: drawn = given + wasted +
    imbalance, to the step.

    `resolved_imbalances` are the imbalances physicians resolved with a reason, in the
    order made. Only the latest stands, and only for the very imbalance it names: a later
    entry that changes the balance (a waste witnessed, another draw) reopens the
    discrepancy until a physician resolves the new figure."""
    if given_mg is not None and not (math.isfinite(given_mg) and given_mg >= 0):
        given_mg = None  # a figure that cannot be counted is not final
    ordered = sorted(draws, key=lambda d: (d.drawn_at, d.draw_id))
    awaiting = to_step(sum(w.volume_ml for w in wastes if not w.witnessed), step)
    wasted_by_draw: dict[int, float] = {}
    for waste in wastes:
        if waste.witnessed:
            so_far = wasted_by_draw.get(waste.draw_id, 0.0)
            wasted_by_draw[waste.draw_id] = so_far + waste.volume_ml
    drawn = to_step(sum(d.volume_ml for d in ordered), step)
    wasted = to_step(sum(wasted_by_draw.values()), step)
    if not ordered:
        status = (
            KetamineBalance.GIVEN_WITHOUT_RECORD
            if given_mg is not None and to_step(given_mg, step) > 0
            else KetamineBalance.NOT_RECORDED
        )
        return SessionBalance(status, 0.0, None, given_mg, wasted, None, (), awaiting)
    if given_mg is None:
        shares = _shares(ordered, wasted_by_draw, 0.0, step)
        return SessionBalance(
            KetamineBalance.PENDING, drawn, None, None, wasted, None, shares, awaiting
        )
    shares = _shares(ordered, wasted_by_draw, given_mg, step)
    given_ml = to_step(sum(s.given_ml for s in shares), step)
    imbalance = to_step(drawn - given_ml - wasted, step) + 0.0  # never -0.0
    latest = resolved_imbalances[-1] if resolved_imbalances else None
    if imbalance == 0:
        status = KetamineBalance.BALANCED
    elif latest is not None and same_imbalance(imbalance, latest, step):
        status = KetamineBalance.RESOLVED
    else:
        status = KetamineBalance.DISCREPANCY
    return SessionBalance(status, drawn, given_ml, given_mg, wasted, imbalance, shares, awaiting)


def _shares(
    ordered: Sequence[Draw], wasted_by_draw: dict[int, float], given_mg: float, step: float
) -> tuple[LotShare, ...]:
    """The given milligrams taken from the draws in the order drawn, each up to what its
    wastes left in it; the last draw takes whatever remains (where it shows as the
    imbalance). Each share is rounded to the step."""
    left_mg = given_mg
    shares: list[LotShare] = []
    for index, draw in enumerate(ordered):
        wasted = wasted_by_draw.get(draw.draw_id, 0.0)
        available_mg = max(0.0, draw.volume_ml - wasted) * draw.concentration_mg_per_ml
        last = index == len(ordered) - 1
        taken_mg = left_mg if last else min(left_mg, available_mg)
        left_mg -= taken_mg
        shares.append(
            LotShare(
                draw.draw_id,
                draw.lot,
                to_step(draw.volume_ml, step),
                to_step(taken_mg / draw.concentration_mg_per_ml, step),
                to_step(wasted, step),
            )
        )
    return tuple(shares)


def final_given_mg(
    *, delivered_mg: float | None, started: bool, stopped: bool, ended: bool
) -> float | None:
    """The milligrams given, once final: the pump's delivered dose when the infusion has
    stopped; 0 when the session ended without the infusion starting; None while it may
    still grow (before the start of a live session, or while the pump runs or is paused).
    A stopped infusion with no stored figure (never written by the stop) stays None rather
    than being guessed."""
    if stopped:
        if delivered_mg is None or not math.isfinite(delivered_mg) or delivered_mg < 0:
            return None
        return delivered_mg
    if ended and not started:
        return 0.0
    return None


def needs_physician(status: KetamineBalance) -> bool:
    """Whether the balance is an open discrepancy only a physician may resolve."""
    return status is KetamineBalance.DISCREPANCY
