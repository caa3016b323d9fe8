"""A session's ketamine record as the record, its PDF and its screens read it: the draws,
the wastes with their witnesses, physicians' resolutions, and the balance the domain
computes from them (monitor.domain.ketamine_balance). Part of db/queries/interventions.py's
one read of a session: four statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from monitor.config.interventions import Ketamine
from monitor.db.intervention_models import (
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
)
from monitor.db.models import InfusionSession, User
from monitor.db.queries.rows import build_all, columns
from monitor.domain.ketamine_balance import (
    Draw,
    SessionBalance,
    Waste,
    final_given_mg,
    session_balance,
)
from monitor.domain.session_state import FINAL_STATES
from monitor.domain.vocabulary import SessionState

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
    """The draws, wastes (with witnesses) and resolutions, and the balance of them."""
    draws = build_all(
        DrawRow,
        db.execute(
            select(*columns(DrawRow, KetamineDraw, drawn_by=User.full_name))
            .join(User, User.id == KetamineDraw.entered_by)
            .where(KetamineDraw.session_id == session_id)
            .order_by(KetamineDraw.drawn_at, KetamineDraw.id)
        ),
    )
    nurse = aliased(User)
    wastes = build_all(
        WasteRow,
        db.execute(
            select(
                *columns(
                    WasteRow,
                    KetamineWaste,
                    wasted_by=nurse.full_name,
                    witness=KetamineWasteWitness.printed_name,
                    witnessed_at=KetamineWasteWitness.witnessed_at,
                )
            )
            .join(nurse, nurse.id == KetamineWaste.entered_by)
            .outerjoin(KetamineWasteWitness, KetamineWasteWitness.waste_id == KetamineWaste.id)
            .where(KetamineWaste.session_id == session_id)
            .order_by(KetamineWaste.wasted_at, KetamineWaste.id)
        ),
    )
    resolutions = build_all(
        ResolutionRow,
        db.execute(
            select(
                *columns(ResolutionRow, KetamineDiscrepancyResolution, resolved_by=User.full_name)
            )
            .join(User, User.id == KetamineDiscrepancyResolution.resolved_by)
            .where(KetamineDiscrepancyResolution.session_id == session_id)
            .order_by(KetamineDiscrepancyResolution.resolved_at, KetamineDiscrepancyResolution.id)
        ),
    )
    session = db.execute(
        select(
            InfusionSession.state,
            InfusionSession.infusion_started_at,
            InfusionSession.infusion_stopped_at,
            InfusionSession.delivered_mg,
        ).where(InfusionSession.id == session_id)
    ).one_or_none()
    given_mg = (
        None
        if session is None
        # the domain's one rule for when the given figure is final
        else final_given_mg(
            delivered_mg=session.delivered_mg,
            started=session.infusion_started_at is not None,
            stopped=session.infusion_stopped_at is not None,
            ended=SessionState(session.state) in FINAL_STATES,
        )
    )
    balance = session_balance(
        [Draw(d.id, d.lot, d.concentration_mg_per_ml, d.volume_ml, d.drawn_at) for d in draws],
        [Waste(w.draw_id, w.volume_ml, witnessed=w.witnessed) for w in wastes],
        given_mg=given_mg,
        resolved_imbalances=[r.imbalance_ml for r in resolutions],
        step=step,
    )
    return KetamineRecordRows(tuple(draws), tuple(wastes), tuple(resolutions), balance)
