"""A session's ketamine record as the record, its PDF and its screens read it: the draws,
the wastes with their witnesses, physicians' resolutions, and the balance the domain
computes from them (monitor.domain.ketamine_balance), read through db/queries/ketamine.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.config.interventions import Ketamine
from monitor.db.queries import ketamine
from monitor.domain.ketamine_balance import SessionBalance, session_balance

# The step of the balance when a caller has no config at hand: the config's own default
# (config.ketamine.balance_to_ml), never a second literal.
DEFAULT_BALANCE_STEP: float = Ketamine.model_fields["balance_to_ml"].default


@dataclass(frozen=True)
class DrawRow:
    id: int
    product: str
    product_name: str
    concentration_mg_per_ml: float
    lot: str
    expiry: date
    volume_ml: float
    drawn_at: datetime
    drawn_by: str


@dataclass(frozen=True)
class WasteRow:
    id: int
    draw_id: int
    volume_ml: float
    wasted_at: datetime
    wasted_by: str
    witness: str | None  # the witness's printed name; None: awaiting a witness
    witnessed_at: datetime | None

    @property
    def witnessed(self) -> bool:
        return self.witnessed_at is not None

    def witness_words(self, zone: ZoneInfo) -> str:
        if self.witness is None or self.witnessed_at is None:
            return "awaiting a witness"
        return f"witnessed by {self.witness} {self.witnessed_at.astimezone(zone):%H:%M}"


@dataclass(frozen=True)
class ResolutionRow:
    id: int
    imbalance_ml: float
    reason: str
    resolved_by: str
    resolved_at: datetime


def _no_balance() -> SessionBalance:
    return session_balance([], [], given_mg=None, step=DEFAULT_BALANCE_STEP)


KETAMINE_COLUMNS = (
    "Product",
    "Lot",
    "Expiry",
    "Drawn",
    "Given",
    "Wasted",
    "Witnessed waste",
)


def _ml(value: float | None) -> str:
    return "pending" if value is None else f"{value:.2f} mL"


@dataclass(frozen=True)
class KetamineRecordRows:
    draws: tuple[DrawRow, ...] = ()
    wastes: tuple[WasteRow, ...] = ()
    resolutions: tuple[ResolutionRow, ...] = ()
    balance: SessionBalance = field(default_factory=_no_balance)

    def wastes_of(self, draw_id: int) -> list[WasteRow]:
        return [w for w in self.wastes if w.draw_id == draw_id]

    def lines(self, zone: ZoneInfo) -> list[tuple[str, ...]]:
        """The ketamine table as the record and the PDF print it (KETAMINE_COLUMNS): one
        line per vial drawn, its given share from the domain's balance ("pending" while
        the pump may still run), each waste with its nurse, time and witness."""
        shares = {s.draw_id: s for s in self.balance.shares}
        final = self.balance.given_ml is not None
        out: list[tuple[str, ...]] = []
        for d in self.draws:
            share = shares.get(d.id)
            wastes = "; ".join(
                f"{w.volume_ml:.2f} mL by {w.wasted_by} {w.wasted_at.astimezone(zone):%H:%M}, "
                + w.witness_words(zone)
                for w in self.wastes_of(d.id)
            )
            strength = f"{d.concentration_mg_per_ml:g} mg/mL"
            out.append(
                (
                    d.product_name
                    if strength in d.product_name
                    else f"{d.product_name} ({strength})",
                    d.lot,
                    f"{d.expiry:%Y-%m-%d}",
                    f"{d.volume_ml:.2f} mL by {d.drawn_by} {d.drawn_at.astimezone(zone):%H:%M}",
                    _ml(share.given_ml if share and final else None),
                    _ml(share.wasted_ml if share else 0.0),
                    wastes or "none",
                )
            )
        return out

    @property
    def balance_words(self) -> str:
        """ "Balanced: drawn 5.00 mL = given 4.00 mL + wasted 1.00 mL" and the like."""
        b = self.balance
        status = b.status.label
        if not self.draws and b.given_mg is None:
            return status
        sums = f"drawn {b.drawn_ml:.2f} mL, given {_ml(b.given_ml)}, wasted {b.wasted_ml:.2f} mL"
        if b.given_mg is not None:
            sums += f" ({b.given_mg:g} mg)"
        if b.imbalance_ml:
            sums += f", difference {b.imbalance_ml:+.2f} mL"
        if b.awaiting_witness_ml:
            sums += f"; {b.awaiting_witness_ml:.2f} mL wasted awaiting a witness"
        return f"{status}: {sums}"

    def resolution_words(self, zone: ZoneInfo) -> list[str]:
        return [
            f"{r.imbalance_ml:+.2f} mL resolved by {r.resolved_by} "
            f"{r.resolved_at.astimezone(zone):%Y-%m-%d %H:%M}: {r.reason}"
            for r in self.resolutions
        ]


def ketamine_of(db: Session, session_id: int, *, step: float) -> KetamineRecordRows:
    """The draws, wastes (with witnesses) and resolutions, and the balance of them: the
    one read of the ketamine tables the reconciliation uses too (db/queries/ketamine.py),
    in the words the record prints."""
    found = ketamine.ketamine_of(db, session_id)
    if found is None:
        return KetamineRecordRows()
    return KetamineRecordRows(
        draws=tuple(
            DrawRow(
                d.id,
                d.product,
                d.product_name,
                d.concentration_mg_per_ml,
                d.lot,
                d.expiry,
                d.volume_ml,
                d.drawn_at,
                d.drawn_by_name,
            )
            for d in found.draws
        ),
        wastes=tuple(
            WasteRow(
                w.id,
                w.draw_id,
                w.volume_ml,
                w.wasted_at,
                w.wasted_by_name,
                w.witness_name,
                w.witnessed_at,
            )
            for w in found.wastes
        ),
        resolutions=tuple(
            ResolutionRow(r.id, r.imbalance_ml, r.reason, r.resolved_by_name, r.resolved_at)
            for r in found.resolutions
        ),
        balance=found.balance(step),
    )
