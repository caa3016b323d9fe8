"""A second licensed person who witnesses a waste of a controlled substance (21 CFR
1317.90), verified by their own password.

Two ways in. On the wasting nurse's tablet the witness types their username and password
into the same form (`verify_witness`): they are not the signed-in person, so their password
is checked here, under the same throttle as every signature (a wrong password is kept,
audited and counts toward the witness's own signing lock, 21 CFR 11.300(d)). On the
witness's own tablet they are the signed-in person and re-enter their password
(people.confirm_password); `refuse_unless_may_witness` holds the rules both ways share.

Refused, each with a message at the field: the wasting nurse herself (two people, or it is
no witness — the database refuses it too, ketamine_waste_witnesses CHECK), a role that may
not witness (WITNESS_WASTE: nurse, physician), and an account that is not active.
"""

from __future__ import annotations

from datetime import datetime

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action, is_allowed
from monitor.services.actors import Actor
from monitor.services.password_attempts import (
    Attempt,
    AttemptRefused,
    Purpose,
    attempt_password,
)
from monitor.services.people import verify_password

USERNAME, PASSWORD = "witness_username", "witness_password"


def refuse_unless_may_witness(witness: Actor, wasted_by: int, *, field: str) -> None:
    """The witness is another person whose role may witness a waste."""
    if witness.id == wasted_by:
        raise refuse(field, "Whoever wasted cannot witness their own waste: ask a colleague")
    if not is_allowed(witness.role, Action.WITNESS_WASTE):
        raise refuse(
            field,
            f"{_article(witness.role.value).capitalize()} {witness.role.value} may not witness "
            "a waste: a nurse or a physician witnesses",
        )


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def verify_witness(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    username: str | None,
    password: str | None,
    now: datetime | None = None,
) -> Actor:
    """The witness typed on the signed-in `actor`'s tablet, once their password is right;
    InvalidEntry at the witness's fields otherwise. The attempt is audited under the
    signed-in person (whose tablet made it), naming the witness's username; it is throttled
    as the witness's signature."""
    name = (username or "").strip().lower()[:64]
    if not name:
        raise refuse(USERNAME, "Enter the witness's username")
    if name == actor.username.lower():
        raise refuse(USERNAME, "Whoever wasted cannot witness their own waste: ask a colleague")
    if not password:
        raise refuse(PASSWORD, "The witness enters their own password")
    try:
        witness = attempt_password(
            database=database,
            rules=config.security,
            attempt=Attempt(name, None, Purpose.SIGNATURE, now or utcnow(), actor),
            verify=lambda: verify_password(database=database, username=name, password=password),
        )
    except AttemptRefused:
        raise refuse(
            PASSWORD,
            "This witness is locked for a while after repeated failures: ask another witness",
        ) from None
    if witness is None:
        if _inactive(database, name):
            raise refuse(USERNAME, "This account is not active: ask another witness")
        raise refuse(PASSWORD, "Witness username or password not recognised: nothing was stored")
    refuse_unless_may_witness(witness, actor.id, field=USERNAME)
    return witness


def _inactive(database: Database, username: str) -> bool:
    """Asked only after a failed attempt, so an inactive account is named only to someone
    who already typed its username."""
    with database.session_scope() as db:
        user = repo.user_by_username(db, username)
        return user is not None and not user.active
