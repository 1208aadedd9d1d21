"""The API's JSON of stored events: the store hands over records, the server serialises them."""
from __future__ import annotations

import json

from ..export import event_json
from ..store import EventRecord


def record_json(rec: EventRecord) -> str:
    """An event's JSON text as exported (``export.event_json``). A record nobody corrected is
    spliced from its stored JSON without being parsed (the event list's fast path); a
    corrected one is parsed, corrected and encoded."""
    data = rec.data.rstrip()
    if rec.corrected is None and data.endswith("}") and '"corrected"' not in data:
        tail = ',"corrected":[],"rejected":false,"review":null'
        if rec.corroboration is not None:
            tail += f',"corroboration":{int(rec.corroboration)}'
        tail += "," + json.dumps({"outlet": rec.outlet, "url": rec.url, "outlets": rec.outlet_list()},
                                 ensure_ascii=False, separators=(",", ":"))[1:-1]
        return data[:-1] + tail + "}"
    return json.dumps(event_json(rec.event()), ensure_ascii=False)
