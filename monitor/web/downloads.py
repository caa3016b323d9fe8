"""One helper for a file a person downloads (a session's PDF record, its REMS summary, the
history exports): the role check first, then a refusal a person can read (400 for a bad
filter, 404 for a record that does not exist — never a 500), then the file as an
attachment under a name that says what it is. Caching is forbidden for every response by
`web/no_store.py`, so not here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from flask import Response, stream_with_context

from monitor import auth, runtime
from monitor.config import Config
from monitor.domain.errors import InvalidEntry, in_words
from monitor.domain.permissions import Action
from monitor.runtime import Runtime
from monitor.services.actors import Actor
from monitor.services.errors import NotFound
from monitor.web.request_args import not_found, record_id

if TYPE_CHECKING:
    from monitor.db.engine import Database

PDF = "application/pdf"
CSV = "text/csv"

Body = bytes | str | Iterator[str]


def attachment(body: Body, *, filename: str, mimetype: str) -> Response:
    """The file, which the browser saves under `filename` rather than shows; a stream of
    lines is sent as it is produced, within the request."""
    content: Any = stream_with_context(body) if isinstance(body, Iterator) else body
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def download(
    action: Action,
    produce: Callable[[Runtime, Actor], Body],
    *,
    filename: Callable[[Runtime], str],
    mimetype: str,
) -> Response:
    """The file `produce` makes for the signed-in person allowed `action` (403 otherwise);
    a refused filter is a 400 in the person's words, a missing record a 404."""
    rt = runtime.current()
    actor = auth.require(action)
    try:
        body = produce(rt, actor)
    except InvalidEntry as error:
        return Response(in_words(error), status=400, mimetype="text/plain")
    except NotFound:
        not_found()
    return attachment(body, filename=filename(rt), mimetype=mimetype)


class RecordExport(Protocol):
    """A service that makes one session's file for an actor (the PDF, the REMS summary)."""

    def __call__(
        self, *, database: Database, config: Config, actor: Actor, session_id: int
    ) -> Body: ...


def session_download(
    action: Action, session_id: object, export: RecordExport, *, what: str, mimetype: str
) -> Response:
    """A file of one session's record, named `session-<id>-<what>`; an id that cannot be
    a session's is a 404, as is a session that does not exist."""
    sid = record_id(session_id)

    def made(rt: Runtime, actor: Actor) -> Body:
        if sid is None:
            not_found()
        return export(database=rt.database, config=rt.config, actor=actor, session_id=sid)

    return download(
        action, made, filename=lambda _: f"session-{session_id}-{what}", mimetype=mimetype
    )
