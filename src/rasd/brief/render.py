"""The brief written for people: Markdown and HTML (a whole page, no script, nothing fetched).

Article text is hostile: in Markdown every character that could make markup is escaped, in HTML
every text is escaped; links are only http(s) addresses (else the words stay plain text).
"""
from __future__ import annotations

import html
import re
from typing import Any, Callable, Optional
from urllib.parse import quote

# what could make markup in a line of Markdown: brackets (links; a parenthesis alone cannot),
# emphasis, code, HTML and autolinks, tables; an underscore inside a word is plain text
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
SENTENCE_CHARS = 160  # a quoted sentence is cut here: the line stays readable


def _when(t: Optional[str]) -> str:
    return (t or "?")[:16].replace("T", " ") + " UTC"


def _cut(s: Optional[str], n: int = SENTENCE_CHARS) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[:n - 1].rstrip() + "…"


def _safe_url(url: Optional[str]) -> Optional[str]:
    if not url or not re.match(r"https?://", url, re.I) and not url.startswith("/"):
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~.-_")


def _headline(b: dict[str, Any]) -> tuple[str, str]:
    f = b.get("filters") or {}
    where = ", ".join(x for x in (f.get("place"), f.get("country")) if x)
    title = f"rasd brief: since {_when(b['since'])}" + (f" — {where}" if where else "")
    c = b["counts"]
    parts = [f"{_n(c['fused'], 'event')}{'' if c.get('complete', True) else ' (at least)'} new or changed: "
             f"{c['new']} new, {c['updated']} updated", f"{c['disputed']} disputed",
             _n(c["control_changes"], "control change"), _n(c["agreements"], "agreement")]
    return title, "; ".join(parts) + f" (until {_when(b.get('until'))})."


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _what(line: dict[str, Any]) -> str:
    """The words of a line: date, type, place, actors, dead, status, what changed."""
    where = line.get("place") or "place unknown"
    if line.get("admin1") and line["admin1"] != line.get("place"):
        where += f" ({line['admin1']})"
    out = f"{line.get('date') or 'undated'} {line['sub_event_type']}, {where}"
    actors = " vs ".join(a for a in (line.get("actor1"), line.get("actor2")) if a)
    if actors:
        out += f": {actors}"
    if line.get("fatalities"):
        out += f"; {line['fatalities']} killed"
    out += f"; {line['status']}, {line.get('corroboration') or 1} outlet{'s' if (line.get('corroboration') or 1) > 1 else ''}"
    if line.get("changes"):
        out += " (" + "; ".join(_change(c) for c in line["changes"]) + ")"
    return out


def _change(c: dict[str, Any]) -> str:
    from .build import FIELD_NAMES

    name = FIELD_NAMES.get(c.get("field", ""), c.get("field", ""))
    a, b = c.get("from"), c.get("to")
    return f"{name} {a if a is not None else '-'} → {b if b is not None else '-'}"


# -- Markdown ------------------------------------------------------------------------------
def _md(s: Any) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(s).split()))


def _md_link(text: str, url: Optional[str]) -> str:
    u = _safe_url(url)
    return f"[{_md(text)}]({u.replace('(', '%28').replace(')', '%29')})" if u else _md(text)


def _refs(line: dict[str, Any], link: Callable[[str, Optional[str]], str]) -> list[str]:
    """A line's evidence link, then each source (its outlet, linked to its URL), written by ``link``."""
    ev = line.get("evidence") or {}
    refs = [link("evidence", ev["link"])] if ev.get("link") else []
    return refs + [link(s.get("outlet") or s.get("doc_id"), s.get("url")) for s in line.get("sources") or []]


def _md_refs(line: dict[str, Any]) -> str:
    return " · ".join(_refs(line, _md_link))


def render_markdown(b: dict[str, Any]) -> str:
    title, summary = _headline(b)
    out = [f"# {_md(title)}", "", _md(summary), ""]
    if not b["counts"]["fused"]:
        out += ["Nothing new.", ""]
    for g in b["groups"]:
        out.append(f"## {_md(g['country'] or 'country unknown')} — {_md(g['event_type'])} ({g['total']})")
        for line in g["items"]:
            out.append(f"- **{line['kind'].upper()}** {_md(_what(line))}. {_md_refs(line)}".rstrip())
        if g["more"]:
            out.append(f"- and {g['more']} more")
        out.append("")
    if b.get("more_groups"):
        out += [f"And {b['more_groups_events']} more events in {b['more_groups']} other groups.", ""]
    if b["disputed"]:
        out.append("## Disputed")
        for line in b["disputed"]:
            out.append(f"- {_md(_what(line))}. {_md_refs(line)}".rstrip())
            for d in line["sides"]:
                for side in d["sides"]:
                    for r in side["reports"]:
                        said = f"“{_md(_cut(r.get('sentence')))}”" if r.get("sentence") else ""
                        extra = f" ({r['fatalities']} killed)" if d["field"] == "fatalities" else \
                            f" ({r['date']})" if d["field"] == "date" else ""
                        out.append(f"  - {_md(side['side'].replace('_', ' '))}{_md(extra)}: "
                                   f"{_md_link(r.get('outlet') or r['doc_id'], r.get('url'))} {said}"
                                   + (f" {_md_link('evidence', r.get('link'))}" if r.get("link") else ""))
                    if side["more"]:
                        out.append(f"  - and {side['more']} more saying so")
        if b["more_disputed"]:
            out.append(f"- and {b['more_disputed']} more disputed")
        out.append("")
    if b["control"]:
        out.append("## Control changes")
        for c in b["control"]:
            text = f"{c['place']}: held by {c['holder']}" + (f" (before: {c['previous']})" if c.get("previous") else "") \
                + f" since {c.get('start') or '?'}" + (f"; {c['status']}" if c.get("status") else "") \
                + (f"; {c['reports']} report{'s' if c['reports'] != 1 else ''}" if c.get("reports") else "")
            out.append(f"- {_md(text)}. {_md_refs(c)}".rstrip())
        if b["more_control"]:
            out.append(f"- and {b['more_control']} more")
        out.append("")
    if b["agreements"]:
        out.append("## Agreements")
        for a in b["agreements"]:
            text = f"{a.get('place') or 'place unknown'}, {a.get('date') or 'undated'}: {a['status']}" \
                + (f" ({', '.join(a['parties'])})" if a.get("parties") else "")
            clauses = "; ".join(f"{c['kind'].replace('_', ' ')}: {_cut(c['text'], 100)}" for c in a["clauses"])
            if a.get("more_clauses"):
                clauses += f"; and {a['more_clauses']} more clauses"
            refs = _md_link("evidence", (a.get("evidence") or {}).get("link")) if (a.get("evidence") or {}).get("link") else ""
            out.append(f"- {_md(text)}" + (f" — {_md(clauses)}" if clauses else "") + (f". {refs}" if refs else ""))
        if b["more_agreements"]:
            out.append(f"- and {b['more_agreements']} more")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML ----------------------------------------------------------------------------------
def _h(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _h_link(text: str, url: Optional[str]) -> str:
    u = _safe_url(url)
    return f'<a href="{_h(u)}" rel="noreferrer noopener">{_h(text)}</a>' if u else _h(text)


def _h_refs(line: dict[str, Any]) -> str:
    refs = _refs(line, _h_link)
    return f' <span class="refs">{" · ".join(refs)}</span>' if refs else ""


def _ul(items: list[str], more: int, what: str = "more") -> str:
    lis = "".join(f"<li>{i}</li>" for i in items) + (f"<li>and {more} {_h(what)}</li>" if more else "")
    return f"<ul>{lis}</ul>"


def render_html(b: dict[str, Any]) -> str:
    title, summary = _headline(b)
    body: list[str] = [f"<h1>{_h(title)}</h1>", f"<p>{_h(summary)}</p>"]
    if not b["counts"]["fused"]:
        body.append("<p>Nothing new.</p>")
    kind: Callable[[dict], str] = lambda line: f'<b class="{_h(line["kind"])}">{_h(line["kind"].upper())}</b> '  # noqa: E731
    for g in b["groups"]:
        body.append(f"<h2>{_h(g['country'] or 'country unknown')} — {_h(g['event_type'])} ({g['total']})</h2>")
        body.append(_ul([kind(x) + _h(_what(x)) + "." + _h_refs(x) for x in g["items"]], g["more"]))
    if b.get("more_groups"):
        body.append(f"<p>And {b['more_groups_events']} more events in {b['more_groups']} other groups.</p>")
    if b["disputed"]:
        body.append("<h2>Disputed</h2>")
        items = []
        for line in b["disputed"]:
            sides = []
            for d in line["sides"]:
                for side in d["sides"]:
                    for r in side["reports"]:
                        said = f" “{_h(_cut(r.get('sentence')))}”" if r.get("sentence") else ""
                        ev = f" {_h_link('evidence', r.get('link'))}" if r.get("link") else ""
                        sides.append(f"{_h(side['side'].replace('_', ' '))}: "
                                     f"{_h_link(r.get('outlet') or r['doc_id'], r.get('url'))}{said}{ev}")
            items.append(_h(_what(line)) + "." + _h_refs(line) + _ul(sides, 0))
        body.append(_ul(items, b["more_disputed"], "more disputed"))
    if b["control"]:
        body.append("<h2>Control changes</h2>")
        items = [_h(f"{c['place']}: held by {c['holder']}" + (f" (before: {c['previous']})" if c.get("previous") else "")
                    + f" since {c.get('start') or '?'}" + (f"; {c['status']}" if c.get("status") else "")) + "."
                 + _h_refs(c) for c in b["control"]]
        body.append(_ul(items, b["more_control"]))
    if b["agreements"]:
        body.append("<h2>Agreements</h2>")
        items = []
        for a in b["agreements"]:
            text = f"{a.get('place') or 'place unknown'}, {a.get('date') or 'undated'}: {a['status']}" \
                + (f" ({', '.join(a['parties'])})" if a.get("parties") else "")
            clauses = [_h(f"{c['kind'].replace('_', ' ')}: {_cut(c['text'], 100)}") for c in a["clauses"]]
            ev = (a.get("evidence") or {}).get("link")
            items.append(_h(text) + (" " + _h_link("evidence", ev) if ev else "")
                         + (_ul(clauses, a.get("more_clauses", 0), "more clauses") if clauses else ""))
        body.append(_ul(items, b["more_agreements"]))
    style = ("body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}"
             "h2{font-size:1.05rem;margin:1.2rem 0 .3rem}ul{margin:.2rem 0;padding-left:1.2rem}"
             ".refs{color:#555;font-size:.9em}b.new{color:#0a5}b.updated{color:#a60}")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_h(title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
