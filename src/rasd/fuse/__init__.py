"""Fusion: reports of one real-world event from many documents become one fused event;
control timelines and agreements are built on the fused events. See docs/fusion.md."""
from __future__ import annotations

from .fuser import BatchFuser, Fuser, fuse_in_memory, place_key
from .rules import Rules

__all__ = ["BatchFuser", "Fuser", "Rules", "fuse_in_memory", "place_key"]
