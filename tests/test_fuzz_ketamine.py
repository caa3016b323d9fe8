"""Hostile and malformed input on the ketamine card and the resolution form (issue 13):
whatever a lot, an expiry, a volume, a time, a witness or a reason holds, the server answers
without a 500 or a stack trace, and a lot stored is a lot the rules accept."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.db.engine import Database
from monitor.db.intervention_models import KetamineDraw
from monitor.domain.ketamine_entries import clean_lot
from tests.test_fuzz import FUZZ, INJECTION, anything, dateish, numberish, post, world

__all__ = ["world"]  # the shared fixture: a session infusing, a client per role

text = st.one_of(anything, st.sampled_from(INJECTION))


@FUZZ
@given(product=text, lot=text, expiry=dateish, volume=numberish, key=anything, sid=anything)
def test_draw_form(world: dict[str, Any], database: Database, **values: Any) -> None:
    sent = {
        "bed-session-id.data": values["sid"] if values["sid"] is not None else world["sid"],
        "ket-product.value": values["product"],
        "ket-lot.value": values["lot"],
        "ket-expiry.value": values["expiry"],
        "ket-volume.value": values["volume"],
        "ket-draw-key.data": values["key"],
        "ket-draw.n_clicks": 1,
    }
    post(world, "nurse", "ket-draw-message.children", sent)
    with database.session_scope() as db:
        for lot in db.scalars(select(KetamineDraw.lot)):
            assert clean_lot(lot) == lot  # what was stored is what the rules accept


@FUZZ
@given(draw=anything, volume=numberish, at=text, username=text, password=text, key=anything)
def test_waste_form(world: dict[str, Any], **values: Any) -> None:
    sent = {
        "bed-session-id.data": world["sid"],
        "ket-waste-draw.value": values["draw"],
        "ket-waste-volume.value": values["volume"],
        "ket-waste-time.value": values["at"],
        "ket-witness-username.value": values["username"],
        "ket-witness-password.value": values["password"],
        "ket-waste-key.data": values["key"],
        "ket-waste.n_clicks": 1,
    }
    post(world, "nurse", "ket-waste-message.children", sent)


@FUZZ
@given(waste=anything, password=text, key=anything)
def test_witness_form(world: dict[str, Any], **values: Any) -> None:
    sent = {
        "bed-session-id.data": world["sid"],
        "ket-awaiting-waste.value": values["waste"],
        "ket-password.value": values["password"],
        "ket-witness-key.data": values["key"],
        "ket-witness.n_clicks": 1,
    }
    post(world, "physician", "ket-witness-message.children", sent)


@FUZZ
@given(sid=anything, reason=text, key=anything)
def test_resolution_form(world: dict[str, Any], **values: Any) -> None:
    sent = {
        "ketresolve-session.data": values["sid"],
        "ketresolve-reason.value": values["reason"],
        "ketresolve-key.data": values["key"],
        "ketresolve-submit.n_clicks": 1,
    }
    post(world, "physician", "ketresolve-message.children", sent)
