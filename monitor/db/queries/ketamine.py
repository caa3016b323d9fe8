"""The ketamine record of many sessions, read in a few statements: each session's pump
figures (delivered mg, started / stopped / ended) beside its draws, its wastes with their
witness (or none yet) and the physicians' resolutions.

One read model for every screen that counts the controlled substance: the session's own
ketamine record and the bedside card (`ketamine_of`), the auditor's reconciliation by day
and by lot and the quality measure of open discrepancies (`ketamine_rows` over a range of
opening times or a list of sessions). Five statements whatever the number of sessions —
sessions, draws, wastes with witnesses, resolutions — never one per session. The balance
itself is the domain's (`SessionKetamine.balance`, monitor.domain.ketamine_balance), so
every screen shows the same figures.

Times are UTC as stored; a screen shows them in the clinic's zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

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

# A list of sessions is read in chunks of this many ids: well inside every database's
# limit on bound parameters.
CHUNK = 500


@dataclass(frozen=True)
class DrawRow:
    """Ketamine drawn from one vial, and the nurse who drew it."""

    id: int
    session_id: int
    product: str
    product_name: str
    concentration_mg_per_ml: float
    lot: str
    expiry: date
    volume_ml: float
    drawn_at: datetime
    entered_by: int
    drawn_by_name: str
    entered_at: datetime


@dataclass(frozen=True)
class WasteRow:
    """A waste, the nurse who wasted it, and its witness — all None while it awaits one."""

    id: int
    session_id: int
    draw_id: int
    volume_ml: float
    wasted_at: datetime
    entered_by: int
    wasted_by_name: str
    entered_at: datetime
    witness_id: int | None
    witness_name: str | None  # the name printed as the witness signed
    witnessed_at: datetime | None

    @property
    def witnessed(self) -> bool:
        return self.witness_id is not None


@dataclass(frozen=True)
class ResolutionRow:
    """A physician's resolution of the imbalance it names, with the reason."""

    id: int
    session_id: int
    imbalance_ml: float
    reason: str
    resolved_by: int
    resolved_by_name: str
    resolved_at: datetime


@dataclass(frozen=True)
class SessionKetamine:
    """One session's ketamine figures: the pump's side and the record's side."""

    session_id: int
    state: str
    chair: str
    opened_at: datetime
    infusion_started_at: datetime | None
    infusion_stopped_at: datetime | None
    ended_at: datetime | None
    delivered_mg: float | None  # stored by the pump's stop
    draws: tuple[DrawRow, ...] = field(default=())
    wastes: tuple[WasteRow, ...] = field(default=())
    resolutions: tuple[ResolutionRow, ...] = field(default=())  # in the order made

    @property
    def ended(self) -> bool:
        return SessionState(self.state) in FINAL_STATES

    @property
    def given_mg(self) -> float | None:
        """The delivered mg once final (0 for a session ended before the start), else
        None: see monitor.domain.ketamine_balance.final_given_mg."""
        return final_given_mg(
            delivered_mg=self.delivered_mg,
            started=self.infusion_started_at is not None,
            stopped=self.infusion_stopped_at is not None,
            ended=self.ended,
        )

    def balance(self, step: float) -> SessionBalance:
        """The session's balance to the clinic's step (`config.ketamine.balance_to_ml`)."""
        return session_balance(
            [
                Draw(d.id, d.lot, d.concentration_mg_per_ml, d.volume_ml, d.drawn_at)
                for d in self.draws
            ],
            [Waste(w.draw_id, w.volume_ml, witnessed=w.witnessed) for w in self.wastes],
            given_mg=self.given_mg,
            resolved_imbalances=[r.imbalance_ml for r in self.resolutions],
            step=step,
        )


def ketamine_of(db: Session, session_id: int) -> SessionKetamine | None:
    """One session's ketamine record, or None if there is no such session."""
    found = ketamine_rows(db, session_ids=[session_id])
    return found[0] if found else None


def ketamine_rows(
    db: Session,
    *,
    session_ids: Collection[int] | None = None,
    opened_from: datetime | None = None,
    opened_before: datetime | None = None,
) -> list[SessionKetamine]:
    """The ketamine record of the sessions named, or of those opened in
    [opened_from, opened_before) (UTC; either bound may be left open), in the order opened.
    Every session in range is returned, with or without draws: a session that gave
    ketamine with nothing drawn is exactly what the reconciliation must show."""
    if session_ids is not None:
        ids = sorted(set(session_ids))
        found: list[SessionKetamine] = []
        for start in range(0, len(ids), CHUNK):
            found.extend(_read(db, ids[start : start + CHUNK], None, None))
        return sorted(found, key=lambda s: (s.opened_at, s.session_id))
    return _read(db, None, opened_from, opened_before)


def _read(
    db: Session,
    ids: list[int] | None,
    opened_from: datetime | None,
    opened_before: datetime | None,
) -> list[SessionKetamine]:
    chosen = select(InfusionSession.id)
    if ids is not None:
        chosen = chosen.where(InfusionSession.id.in_(ids))
    if opened_from is not None:
        chosen = chosen.where(InfusionSession.opened_at >= opened_from)
    if opened_before is not None:
        chosen = chosen.where(InfusionSession.opened_at < opened_before)
    sessions = db.execute(
        select(*columns(SessionKetamine, InfusionSession, session_id=InfusionSession.id))
        .where(InfusionSession.id.in_(chosen.scalar_subquery()))
        .order_by(InfusionSession.opened_at, InfusionSession.id)
    ).all()
    if not sessions:
        return []
    draws = _grouped(build_all(DrawRow, db.execute(_draws(chosen))))
    wastes = _grouped(build_all(WasteRow, db.execute(_wastes(chosen))))
    resolutions = _grouped(build_all(ResolutionRow, db.execute(_resolutions(chosen))))
    return [
        SessionKetamine(
            **row._mapping,
            draws=tuple(draws.get(row.session_id, ())),
            wastes=tuple(wastes.get(row.session_id, ())),
            resolutions=tuple(resolutions.get(row.session_id, ())),
        )
        for row in sessions
    ]


def _grouped(rows: list[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.session_id].append(row)
    return grouped


def _draws(chosen: Select[Any]) -> Select[Any]:
    return (
        select(*columns(DrawRow, KetamineDraw, drawn_by_name=User.full_name))
        .join(User, User.id == KetamineDraw.entered_by)
        .where(KetamineDraw.session_id.in_(chosen.scalar_subquery()))
        .order_by(KetamineDraw.session_id, KetamineDraw.drawn_at, KetamineDraw.id)
    )


def _wastes(chosen: Select[Any]) -> Select[Any]:
    wasted_by = aliased(User)
    return (
        select(
            *columns(
                WasteRow,
                KetamineWaste,
                wasted_by_name=wasted_by.full_name,
                witness_id=KetamineWasteWitness.witness_id,
                witness_name=KetamineWasteWitness.printed_name,
                witnessed_at=KetamineWasteWitness.witnessed_at,
            )
        )
        .join(wasted_by, wasted_by.id == KetamineWaste.entered_by)
        .outerjoin(KetamineWasteWitness, KetamineWasteWitness.waste_id == KetamineWaste.id)
        .where(KetamineWaste.session_id.in_(chosen.scalar_subquery()))
        .order_by(KetamineWaste.session_id, KetamineWaste.wasted_at, KetamineWaste.id)
    )


def _resolutions(chosen: Select[Any]) -> Select[Any]:
    return (
        select(
            *columns(ResolutionRow, KetamineDiscrepancyResolution, resolved_by_name=User.full_name)
        )
        .join(User, User.id == KetamineDiscrepancyResolution.resolved_by)
        .where(KetamineDiscrepancyResolution.session_id.in_(chosen.scalar_subquery()))
        .order_by(KetamineDiscrepancyResolution.session_id, KetamineDiscrepancyResolution.id)
    )


def lots_of(rows: Collection[SessionKetamine]) -> Iterator[str]:
    """The lots drawn across the sessions, each once, in the order first drawn."""
    seen: set[str] = set()
    for session in rows:
        for draw in session.draws:
            if draw.lot not in seen:
                seen.add(draw.lot)
                yield draw.lot
