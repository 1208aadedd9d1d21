"""The daily brief (issue 13 part 3): what is new since a time, for a person to read in two
minutes: new and updated fused events by country and type, the disputed ones with both sides,
control changes and agreements, each line linked to its evidence and its sources.

``build_brief(store, since=...)`` gathers it as a plain JSON-able dict (what ``GET /api/brief``
returns); ``render_markdown`` and ``render_html`` write it for people. See docs/brief.md.
"""
from __future__ import annotations

from .build import BriefLimits, build_brief
from .render import render_html, render_markdown

__all__ = ["BriefLimits", "build_brief", "render_html", "render_markdown"]
