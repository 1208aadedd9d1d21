"""The daily brief (issue 13 part 3) on synthetic fused events: grouped, capped, disputes with both
sides, control changes and agreements, each line with its evidence and sources; hostile text stays text."""
from __future__ import annotations

import re
import time
from datetime import date

from fuse_helpers import GOV, HTS, REBELS, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.brief import BriefLimits, build_brief, render_html, render_markdown
from rasd.clock import stamp
from rasd.fuse import Fuser
from rasd.records import Document

D = date(2024, 12, 7)
DEAL = ("Deal in the Valley\n\nThe two sides reached a final agreement on Monday.\n"
        "Under its terms, 300 fighters will leave the town for Idlib, taking their light weapons.\n")


def link(event_id: str) -> str:
    return f"http://127.0.0.1:8765/#event={event_id}"


def _doc(st, doc_id, outlet, url=None, text=""):
    st.add_document(Document(doc_id=doc_id, raw=text or f"Report {doc_id}.", outlet=outlet, url=url))


def _fuse(st, f, doc_id, outlet, events, url=None, text=""):
    _doc(st, doc_id, outlet, url, text)
    st.replace_events(doc_id, events)
    return f.process(events)


def _day(st):
    """A day of news: a strike confirmed by two outlets, a takeover of Homs disputed, a deal, and
    three clashes in Hama (same type and country); an old event before `since`."""
    f = Fuser(st)
    _fuse(st, f, "old", "SANA", [event("old:0", "old", "Armed clash", date(2020, 1, 1), "Aleppo", a1=GOV, a2=HTS,
                                       sentence="Clashes in Aleppo.")])
    time.sleep(0.003)
    since = stamp()
    time.sleep(0.003)
    strike = "Air strikes hit Douma, killing 4 people."
    _fuse(st, f, "s1", "Reuters", [event("s1:0", "s1", "Air/drone strike", D, "Douma", a1=GOV, fatalities=4,
                                         sentence=strike)], url="https://wire.example/douma")
    _fuse(st, f, "s2", "AFP", [event("s2:0", "s2", "Air/drone strike", D, "Douma", a1=GOV, fatalities=4,
                                     sentence=strike)], url="https://afp.example/douma")
    _fuse(st, f, "h1", "Levant Daily", [event("h1:0", "h1", "Non-state actor overtakes territory", D, "Homs",
                                              a1=HTS, a2=GOV, sentence="Rebels seized control of Homs on Saturday.")],
          url="https://levant.example/homs")
    _fuse(st, f, "h2", "State TV", [event("h2:0", "h2", "Non-state actor overtakes territory", D, "Homs", a1=HTS,
                                          stance="denied",
                                          sentence="The ministry denied that Homs had fallen [click](javascript:alert(1)) <b>x</b>.")],
          url="https://tv.example/homs")
    _fuse(st, f, "z", "Valley Post", [event("z:0", "z", "Agreement", D, "Douma", a1=GOV, a2=REBELS,
                                            sentence="The two sides reached a final agreement on Monday.")],
          text=DEAL)
    for i, day in enumerate((date(2024, 11, 1), date(2024, 11, 10), date(2024, 11, 20))):
        _fuse(st, f, f"c{i}", "SANA", [event(f"c{i}:0", f"c{i}", "Armed clash", day, "Hama", a1=GOV, a2=HTS,
                                             sentence=f"Clashes in Hama ({i}).")])
    return since


def test_the_brief_groups_new_events_by_country_and_type_with_evidence_and_sources(st):
    since = _day(st)
    b = build_brief(st, since=since, link=link, limits=BriefLimits(per_group=2))
    c = b["counts"]
    assert (c["fused"], c["new"], c["updated"], c["disputed"], c["control_changes"], c["agreements"]) == \
        (6, 6, 0, 1, 1, 1)
    groups = {(g["country"], g["event_type"]): g for g in b["groups"]}
    assert ("SY", "Battles") in groups and all(g["country"] == "SY" for g in b["groups"])
    battles = groups[("SY", "Battles")]  # three clashes and the takeover: two shown, two more counted
    assert battles["total"] == 4 and len(battles["items"]) == 2 and battles["more"] == 2
    strike = groups[("SY", "Explosions/Remote violence")]["items"][0]
    assert strike["status"] == "confirmed" and strike["corroboration"] == 2 and strike["fatalities"] == 4
    assert strike["evidence"]["link"] == link("s1:0") and strike["evidence"]["sentence"].startswith("Air strikes")
    assert [(s["outlet"], s["url"]) for s in strike["sources"]] == [
        ("Reuters", "https://wire.example/douma"), ("AFP", "https://afp.example/douma")]
    assert all(x["place"] != "Aleppo" for g in b["groups"] for x in g["items"])  # before since


def test_disputes_show_both_sides_and_control_and_agreements_follow(st):
    since = _day(st)
    b = build_brief(st, since=since, link=link)
    (d,) = b["disputed"]
    (stance,) = [x for x in d["sides"] if x["field"] == "stance"]
    yes, no = stance["sides"]
    assert (yes["side"], [r["outlet"] for r in yes["reports"]]) == ("says_yes", ["Levant Daily"])
    assert (no["side"], [r["url"] for r in no["reports"]]) == ("says_no", ["https://tv.example/homs"])
    assert no["reports"][0]["sentence"].startswith("The ministry denied")
    (ctl,) = b["control"]
    assert ctl["place"] == "Homs" and ctl["holder"] == HTS.name and ctl["previous"] == GOV.name
    assert ctl["evidence"]["link"] == link("h1:0")
    (ag,) = b["agreements"]
    assert ag["status"] == "reached" and any("300 fighters will leave" in x["text"] for x in ag["clauses"])


def test_an_update_says_what_changed_and_filters_narrow_the_brief(st):
    _day(st)
    time.sleep(0.003)
    since = stamp()
    f = Fuser(st)
    _fuse(st, f, "c9", "Reuters", [event("c9:0", "c9", "Armed clash", date(2024, 11, 20), "Hama", a1=GOV, a2=HTS,
                                         sentence="Clashes in Hama.")])
    b = build_brief(st, since=since, link=link)
    assert (b["counts"]["new"], b["counts"]["updated"]) == (0, 1)
    (line,) = b["groups"][0]["items"]
    assert line["kind"] == "updated" and line["place"] == "Hama"
    assert {c["field"] for c in line["changes"]} == {"status", "corroboration"}
    assert "status single-source → confirmed" in render_markdown(b)
    assert build_brief(st, since=since, country="IQ")["counts"]["fused"] == 0
    assert build_brief(st, since=since, place="Douma")["counts"]["fused"] == 0


def test_rendered_briefs_are_short_and_keep_hostile_text_as_text(st):
    since = _day(st)
    b = build_brief(st, since=since, link=link, limits=BriefLimits(per_group=2))
    md = render_markdown(b)
    assert md.startswith("# rasd brief: since ") and "and 2 more" in md and "## Disputed" in md
    assert "[Reuters](https://wire.example/douma)" in md and f"[evidence]({link('s1:0')})" in md
    assert "says no" in md and "## Control changes" in md and "## Agreements" in md
    # the brackets escaped: the hostile words cannot become a link
    assert "\\[click\\](javascript:alert" in md and not re.search(r"(?<!\\)\]\(javascript", md)
    assert len(md.splitlines()) < 40  # two minutes of reading
    page = render_html(b)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "<script" not in page
    assert 'href="https://afp.example/douma"' in page and 'href="javascript' not in page
    empty = build_brief(st, since=stamp(), link=link)
    assert empty["counts"]["fused"] == 0 and "Nothing new." in render_markdown(empty)
