"""Where a fused event's reports come from, for the page's side-by-side comparison (issue 14):
each report with its outlet, title, date and address, its claimants kept apart from its outlet,
and what each report says field by field."""
from __future__ import annotations

from typing import Any, Optional

from ..export import fatalities_text

# the fields a comparison lines up, each as (name, how to read it from a report's JSON)
COMPARED = ("event_type", "sub_event_type", "date", "fatalities", "actor1", "actor2", "location", "stance",
            "claimants")


def fused_answer(fused: dict[str, Any], docs: dict[str, Any], *, compare: bool = True) -> dict[str, Any]:
    """The fused event's JSON with its reports cited: ``outlet`` (the report's, else its
    document's), ``title``, ``published``, ``url``, ``claimants`` (who the text says said it),
    ``fatalities_text``; the event's known ``outlets`` and ``reports_count``; and, with
    ``compare``, ``comparison``: each field with every report's value and whether they agree."""
    out = dict(fused)
    reports = []
    for r in fused.get("reports") or []:
        doc = docs.get(r.get("doc_id"))
        reports.append({**r, "outlet": r.get("outlet") or (doc.outlet if doc else None),
                        "title": doc.title if doc else None, "published": doc.published if doc else None,
                        "url": doc.url if doc else None, "claimants": list(r.get("sources") or []),
                        "fatalities_text": report_fatalities(r)})
    out["reports"] = reports
    out["reports_count"] = len(reports)
    confs = [r["confidence"] for r in reports if isinstance(r.get("confidence"), (int, float))]
    out["confidence"] = round(max(confs), 3) if confs else None  # its most confident report's
    out["outlets"] = known_outlets(reports)
    out["fatalities_text"] = fused_fatalities(fused, reports)
    if compare:
        out["comparison"] = comparison(reports)
    return out


def known_outlets(reports: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, str] = {}
    for r in reports:
        name = (r.get("outlet") or "").strip()
        if name:
            seen.setdefault(" ".join(name.lower().split()), name)
    return list(seen.values())


def report_fatalities(r: dict[str, Any]) -> Optional[str]:
    return fatalities_text(r.get("fatalities"), bool((r.get("attrs") or {}).get("fatalities_at_least")))


def fused_fatalities(fused: dict[str, Any], reports: list[dict[str, Any]]) -> Optional[str]:
    """"1" when the reports agree, "1 / 100+" when they give different figures (each as said,
    lowest first), never a made-up range such as "1 (1-100)"."""
    figures = sorted({(r["fatalities"], r["fatalities_text"]) for r in reports
                      if r.get("fatalities") is not None and r.get("stance") != "denied"})
    texts = list(dict.fromkeys(t for _, t in figures))
    if not texts:
        return fatalities_text(fused.get("fatalities"))
    return " / ".join(texts)


def _value(r: dict[str, Any], field: str) -> Any:
    if field == "fatalities":
        return r.get("fatalities_text")
    if field in ("actor1", "actor2"):
        return (r.get(field) or {}).get("name")
    if field == "location":
        loc = r.get("location") or {}
        return ", ".join(x for x in (loc.get("name"), loc.get("admin1"), loc.get("country")) if x) or None
    if field == "claimants":
        return "; ".join(r.get("claimants") or []) or None
    return r.get(field)


def comparison(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per field, what each report says (in report order, labelled by event id and outlet) and
    whether the reports that say something agree."""
    out = []
    for field in COMPARED:
        values = [{"event_id": r.get("event_id"), "outlet": r.get("outlet"), "value": _value(r, field)}
                  for r in reports]
        said = {v["value"] for v in values if v["value"] is not None}
        out.append({"field": field, "values": values, "agree": len(said) <= 1})
    return out
