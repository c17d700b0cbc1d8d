"""A service's link values (areas, audiences, concerns, routes, contacts) as one JSON text on its row.

The link tables stay the readable, Open Referral UK shaped source of truth, indexed by value. But every read
needs all five lists of a service at once: fetching them took a second statement per match (planned afresh
each time on PostgreSQL), and aggregating them per candidate inside the ranked query cost more than that
(EXPLAIN ANALYZE: about 1 ms planning plus 0.7-1 ms execution for 20 candidates). The loader writes this copy
from the same validated record in the same transaction as the tables, so the two cannot disagree.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

from directory.records import ContactRecord, ServiceRecord

FIELDS = ("areas", "audiences", "concerns", "how_to_refer")  # lists of codes, named as in ServiceRecord


def encode(record: ServiceRecord) -> str:
    """The JSON text the loader stores in service.links (keys named as the ServiceRecord fields)."""
    document: Dict[str, Any] = {name: list(getattr(record, name)) for name in FIELDS}
    document["contacts"] = [[c.kind, c.value, c.label] for c in record.contacts]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Dict[str, Tuple[Any, ...]]:
    """service.links back to ServiceRecord keyword arguments: areas, audiences, concerns, how_to_refer, contacts."""
    document = json.loads(text)
    values = {name: tuple(document[name]) for name in FIELDS}
    values["contacts"] = tuple(
        ContactRecord(kind, value, label) for kind, value, label in document["contacts"]
    )
    return values
