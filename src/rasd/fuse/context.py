"""Reading a mention's surroundings: a claim answered by a denial in the next breath.

"The rebels said they had captured Homs. But the defence ministry denied this." is two
reports of one event that disagree; the coder sees the first sentence as the event and the
second as nothing (its object is "this"). ``denial_after`` finds such a denial and returns
it as a report of its own, stance ``denied``, with the denier as its source.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..records import Document, Evidence, Report
from .agreements import sentences
from .rules import load_data


class DenialReader:
    def __init__(self) -> None:
        cfg = load_data("fusion.yaml").get("context_denial") or {}
        self.pattern = re.compile(cfg.get("pattern", r"\bdenied (?:this|it)\b"), re.IGNORECASE)
        self.lead = {w.lower() for w in cfg.get("lead_words", [])}
        self.tail = {w.lower() for w in cfg.get("tail_words", [])}

    def denial_after(self, doc: Optional[Document], rep: Report) -> Optional[Report]:
        if doc is None or rep.stance not in ("asserted", "claimed") or not rep.sentence:
            return None
        at = doc.text.find(rep.sentence)
        if at < 0:
            return None
        spans = sentences(doc.text)
        i = next((k for k, (s, e) in enumerate(spans) if s <= at < e), None)
        if i is None:
            return None
        for s, e in spans[i:i + 2]:
            lo = max(s, at + 1) if (s, e) == spans[i] else s  # in the claim's own sentence: after its start
            m = self.pattern.search(doc.text, lo, e)
            if m is None:
                continue
            denier = self._denier(doc.text[s:m.start()])
            rs, re_ = doc.raw_span(s, e)
            ev = Evidence(doc.doc_id, rs, re_, doc.raw[rs:re_], field="denial")
            return replace(rep, event_id=rep.event_id + "~denial", stance="denied",
                           sources=[denier] if denier else [], evidence=[ev], sentence=doc.text[s:e],
                           fatalities=None, attrs={"context": "denial"})
        return None

    def _denier(self, before: str) -> str:
        words = before.split()
        # the denier is the subject right before the verb: stop at the last clause break
        for k in range(len(words) - 1, -1, -1):
            if words[k].endswith((",", ";", ":")):
                words = words[k + 1:]
                break
        while words and words[0].lower().strip(",") in self.lead:
            words = words[1:]
        while words and words[-1].lower() in self.tail:
            words = words[:-1]
        return " ".join(words).strip(" ,;:")
