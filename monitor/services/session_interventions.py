"""What the session record says of its adverse events beyond the rows themselves: the
REMS form's serious-adverse-event answer, by the domain's rule and the clinic's threshold
(config.adverse_events.rems_serious_from). The rows come with the record itself
(queries.full_record), read and logged with its opening: no second read here."""

from __future__ import annotations

from monitor.config import Config
from monitor.db.queries import FullRecord
from monitor.domain.adverse_events import Graded, rems_serious_adverse_event
from monitor.domain.vocabulary import Severity


def rems_serious(record: FullRecord, config: Config) -> bool:
    """Yes when any event of the record was marked serious or reached the configured
    grade: the same answer the REMS summary gives (monitor.domain.adverse_events)."""
    return rems_serious_adverse_event(
        (Graded(Severity(e.severity), e.serious) for e in record.interventions.adverse_events),
        rems_serious_from=config.adverse_events.rems_serious_from,
    )
