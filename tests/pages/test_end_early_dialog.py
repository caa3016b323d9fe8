"""The end-early dialog takes what it offers from the state machine, state by state."""

from __future__ import annotations

import pytest

from monitor.domain.errors import IllegalTransition
from monitor.domain.session_state import SessionEvent, SessionState, next_state
from monitor.ui.bedside.dialogs import end_explained


@pytest.mark.parametrize("state", list(SessionState))
def test_confirm_is_offered_exactly_where_ending_early_is_allowed(state: SessionState) -> None:
    try:
        leads_to: SessionState | None = next_state(state, SessionEvent.END_EARLY)
    except IllegalTransition:
        leads_to = None
    paragraph, offered = end_explained(state.value)
    assert offered is (leads_to is not None)
    text = str(paragraph.children)
    if leads_to is SessionState.RECOVERY:
        assert "recovery observation" in text
    elif leads_to is SessionState.STOPPED_EARLY:
        assert "closes now" in text
    elif state is SessionState.RECOVERY:
        assert "physician signs" in text
    else:
        assert "already ended" in text
