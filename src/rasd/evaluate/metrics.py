"""Small metric helpers shared by the evaluations."""
from __future__ import annotations

from collections import Counter
from typing import Optional

from ..geo.gazetteer import haversine_km as km  # great-circle distance in km

__all__ = ["Tally", "confusion_table", "km"]


class Tally:
    """Per-field correct / total counts."""

    def __init__(self) -> None:
        self.ok: Counter = Counter()
        self.n: Counter = Counter()

    def add(self, field: str, correct: bool) -> None:
        self.n[field] += 1
        self.ok[field] += bool(correct)

    def rate(self, field: str) -> Optional[float]:
        return self.ok[field] / self.n[field] if self.n[field] else None


def confusion_table(pairs: list[tuple[str, str]], labels: Optional[list[str]] = None) -> str:
    """Gold rows x predicted columns, as aligned text."""
    labels = labels or sorted({g for g, _ in pairs} | {p for _, p in pairs})
    short = {lab: (lab[:12] if lab else "-") for lab in labels}
    counts = Counter(pairs)
    width = max(len(lab) for lab in labels) + 2
    head = "gold \\ pred".ljust(width) + "".join(short[p].rjust(14) for p in labels)
    lines = [head]
    for g in labels:
        lines.append(g.ljust(width) + "".join(str(counts[(g, p)]).rjust(14) for p in labels))
    return "\n".join(lines)
