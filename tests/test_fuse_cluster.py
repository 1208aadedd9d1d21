"""Fusion rules on synthetic events: one event many outlets, disputes, apart, incremental."""
from __future__ import annotations

from datetime import date, timedelta

from fuse_helpers import GOV, HEZBOLLAH, HTS, ISRAEL, REBELS, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser, Rules, fuse_in_memory
from rasd.fuse.merge import best_fatalities, report_of
from rasd.store import scratch_store

D = date(2024, 12, 7)




def test_same_event_two_outlets_is_one_cluster(st):
    f = Fuser(st)
    a = fuse_doc(st, f, "a", [event("a:0", "a", "Air/drone strike", date(2017, 12, 2), "Kiswah", a1=ISRAEL,
                                    sentence="An Israeli strike hit a base near Kiswah, south of Damascus.")],
                 outlet="Asharq Al-Awsat")
    b = fuse_doc(st, f, "b", [event("b:0", "b", "Shelling/artillery/missile attack", date(2017, 12, 3), "Kiswah",
                                    a1=ISRAEL, sentence="Missiles attributed to Israel struck an Iranian compound near El-Kiswah.")],
                 outlet="Reuters")
    assert a[0].cluster_id == b[0].cluster_id
    fe = st.get_fused(a[0].cluster_id)
    assert fe.corroboration == 2 and fe.status == "confirmed"
    assert [r.doc_id for r in fe.reports] == ["a", "b"]
    assert {r.outlet for r in fe.reports} == {"Asharq Al-Awsat", "Reuters"}
    # the stored events carry the cluster and its status
    got = {e.event_id: e for e in st.query_events()}
    assert got["a:0"].cluster_id == got["b:0"].cluster_id == fe.cluster_id
    assert got["a:0"].status == "confirmed"


def test_same_outlet_twice_counts_once_and_a_document_without_outlet_counts_for_none(st):
    f = Fuser(st)
    ev = lambda i, d: event(i, d, "Armed clash", D, "Hama", a1=GOV, a2=HTS, sentence="Clashes in Hama.")  # noqa: E731
    fuse_doc(st, f, "a", [ev("a:0", "a")], outlet="SANA")
    fuse_doc(st, f, "b", [ev("b:0", "b")], outlet="sana")
    out = fuse_doc(st, f, "c", [ev("c:0", "c")], outlet=None)
    fe = st.get_fused(out[0].cluster_id)
    assert len(fe.reports) == 3
    assert fe.corroboration == 1 and fe.status == "single-source"  # SANA once; the outlet-less document: none
    out = fuse_doc(st, f, "d", [ev("d:0", "d")], outlet=None)
    assert st.get_fused(out[0].cluster_id).corroboration == 1  # two unknown documents are not two outlets


def test_asserted_vs_denied_is_disputed_with_both_sides(st):
    f = Fuser(st)
    fuse_doc(st, f, "a", [event("a:0", "a", "Non-state actor overtakes territory", D, "Homs", a1=HTS, a2=GOV,
                                sentence="Rebels seized control of Homs on Saturday.")])
    out = fuse_doc(st, f, "b", [event("b:0", "b", "Non-state actor overtakes territory", D, "Homs", a1=HTS,
                                      stance="denied", sentence="The defence ministry denied that Homs had fallen.")])
    fe = st.get_fused(out[0].cluster_id)
    assert len(fe.reports) == 2 and fe.status == "disputed"
    d = next(x for x in fe.disputes if x["field"] == "stance")
    assert [s["doc_id"] for s in d["says_yes"]] == ["a"]
    assert [s["doc_id"] for s in d["says_no"]] == ["b"]
    assert d["says_no"][0]["evidence"][0]["text"].startswith("The defence ministry")


def test_different_places_dates_or_types_stay_apart(st):
    f = Fuser(st)
    base = dict(a1=GOV, a2=HTS, sentence="Government forces clashed with HTS fighters.")
    evs = [
        event("a:0", "a", "Armed clash", D, "Homs", **base),
        event("b:0", "b", "Armed clash", D, "Hama", **base),          # 46 km away
        event("c:0", "c", "Armed clash", date(2024, 12, 20), "Homs", **base),  # 13 days later
        event("d:0", "d", "Air/drone strike", D, "Homs", a1=GOV,
              sentence="Government jets bombed Homs."),              # other type family
    ]
    for e in evs:
        fuse_doc(st, f, e.doc_id, [e])
    assert len({e.cluster_id for e in evs}) == 4
    assert all(fe.status == "single-source" for fe in st.query_fused())


def test_two_events_of_one_document_stay_apart_but_a_repeat_fuses(st):
    f = Fuser(st)
    evs = [
        event("x:0", "x", "Non-state actor overtakes territory", D, "Homs", a1=HTS, a2=GOV,
              sentence="The rebel group said they had captured the strategic city of Homs."),
        event("x:1", "x", "Non-violent transfer of territory", D, "Homs", a1=HEZBOLLAH,
              sentence="Hezbollah instructed its fighters to withdraw from the Homs area."),
        event("x:2", "x", "Non-state actor overtakes territory", D, "Homs", a1=HTS, a2=GOV,
              sentence="Rebels captured the strategic city of Homs, the group said."),
    ]
    fuse_doc(st, f, "x", evs)
    assert evs[0].cluster_id == evs[2].cluster_id
    assert evs[1].cluster_id != evs[0].cluster_id
    fe = st.get_fused(evs[0].cluster_id)
    assert fe.corroboration == 0 and fe.status == "single-source"  # one document, no known outlet


def test_month_precision_date_matches_a_day_in_that_month(st):
    f = Fuser(st)
    a = event("a:0", "a", "Air/drone strike", date(2017, 12, 1), "Kiswah", a1=ISRAEL, precision="month",
              sentence="Early this month there was an Israeli strike on a base near Kiswah.")
    b = event("b:0", "b", "Air/drone strike", date(2017, 12, 19), "Kiswah", a1=ISRAEL,
              sentence="An airstrike attributed to Israel hit an Iranian compound near El-Kiswah.")
    fuse_doc(st, f, "a", [a])
    fuse_doc(st, f, "b", [b])
    assert a.cluster_id == b.cluster_id
    # a day-precision date far from another day-precision date does not
    c = event("c:0", "c", "Air/drone strike", date(2017, 12, 30), "Kiswah", a1=ISRAEL,
              sentence="Israeli jets struck Kiswah again.")
    fuse_doc(st, f, "c", [c])
    assert c.cluster_id != b.cluster_id


def test_incremental_attach_touches_only_its_cluster(st):
    f = Fuser(st)
    # 200 unrelated fused events across places and months
    names = ["Homs", "Hama", "Aleppo", "Douma"]
    for i in range(200):
        e = event(f"bg{i}:0", f"bg{i}", "Armed clash", date(2015, 1, 1) + timedelta(days=9 * i), names[i % 4],
                  a1=GOV, a2=REBELS, sentence=f"Clash number {i}.")
        fuse_doc(st, f, f"bg{i}", [e])
    before = {fe.cluster_id: fe.to_dict() for fe in st.query_fused(limit=1000)}
    assert len(before) == 200
    day = date(2015, 1, 1) + timedelta(days=9 * 10)
    new = event("n:0", "n", "Armed clash", day + timedelta(days=1), "Aleppo", a1=GOV, a2=REBELS,
                sentence="Clash number 10.")
    target = next(fe for fe in st.query_fused(limit=1000) if fe.location.name == "Aleppo" and fe.date == day)
    fuse_doc(st, f, "n", [new])
    assert new.cluster_id == target.cluster_id
    after = {fe.cluster_id: fe.to_dict() for fe in st.query_fused(limit=1000)}
    changed = [k for k in after if after[k] != before.get(k)]
    assert changed == [target.cluster_id]
    assert len(after) == len(before)


def test_refusing_the_same_events_is_idempotent(st):
    f = Fuser(st)
    e = event("a:0", "a", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Clashes in Homs.")
    fuse_doc(st, f, "a", [e])
    first = e.cluster_id
    f.process([e])
    assert e.cluster_id == first
    assert len(st.get_fused(first).reports) == 1


def test_forget_document_removes_its_reports(st):
    f = Fuser(st)
    a = event("a:0", "a", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Clashes in Homs.")
    b = event("b:0", "b", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Fighting in Homs.")
    fuse_doc(st, f, "a", [a])
    fuse_doc(st, f, "b", [b], outlet="X")
    assert len(st.get_fused(a.cluster_id).reports) == 2
    assert f.forget_document("b") == 1
    fe = st.get_fused(a.cluster_id)
    assert [r.doc_id for r in fe.reports] == ["a"] and fe.status == "single-source"
    f.forget_document("a")
    assert st.get_fused(a.cluster_id) is None


def test_fatalities_range_and_best_figure(st):
    f = Fuser(st)
    evs = [("a", 12, "asserted"), ("b", 30, "asserted"), ("c", 45, "claimed"), ("d", 100, "denied")]
    cid = None
    for doc, n, stance in evs:
        e = event(f"{doc}:0", doc, "Air/drone strike", D, "Douma", a1=GOV, fatalities=n, stance=stance,
                  sentence=f"Air strikes on Douma killed {n} people.")
        fuse_doc(st, f, doc, [e])
        cid = cid or e.cluster_id
        assert e.cluster_id == cid
    fe = st.get_fused(cid)
    assert fe.fatalities_range == (12, 100)
    assert fe.fatalities == 12  # lowest asserted figure
    fields = {d["field"] for d in fe.disputes}
    assert {"fatalities", "stance"} <= fields and fe.status == "disputed"
    fat = next(d for d in fe.disputes if d["field"] == "fatalities")
    assert fat["low"]["fatalities"] == 12 and fat["high"]["fatalities"] == 45


def test_best_fatalities_falls_back_to_claims():
    claimed = [report_of(event("a:0", "a", "Attack", D, "Homs", fatalities=7, stance="claimed"), None),
               report_of(event("b:0", "b", "Attack", D, "Homs", fatalities=9, stance="claimed"), None)]
    assert best_fatalities(claimed) == (7, (7, 9))
    assert best_fatalities([]) == (None, (None, None))


def test_close_figures_are_not_a_dispute(st):
    f = Fuser(st)
    for doc, n in (("a", 20), ("b", 22)):
        fuse_doc(st, f, doc, [event(f"{doc}:0", doc, "Air/drone strike", D, "Douma", a1=GOV, fatalities=n,
                                    sentence=f"Strikes on Douma killed {n}.")], outlet=doc.upper())
    fe = st.query_fused()[0]
    assert fe.status == "confirmed" and fe.fatalities == 20 and fe.fatalities_range == (20, 22)


def test_date_dispute_between_outlets():
    rules = Rules.load()
    from rasd.fuse import merge

    reps = [report_of(event("a:0", "a", "Armed clash", date(2024, 12, 1), "Homs"), "A"),
            report_of(event("b:0", "b", "Armed clash", date(2024, 12, 6), "Homs"), "B")]
    fe = merge.build("fe_x", reps, rules)
    assert fe.status == "disputed" and fe.disputes[0]["field"] == "date"
    assert fe.date_range == (date(2024, 12, 1), date(2024, 12, 6))


def test_fuse_in_memory_sets_cluster_and_status():
    from rasd.records import Document

    docs = [Document(doc_id="a", raw="x", outlet="A"), Document(doc_id="b", raw="y", outlet="B")]
    evs = [event("a:0", "a", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Clashes in Homs."),
           event("b:0", "b", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Fighting in Homs."),
           event("b:1", "b", "Peaceful protest", D, "Hama", sentence="Protest in Hama.")]
    fused = fuse_in_memory(docs, evs, scratch_store)
    assert len(fused) == 2
    assert evs[0].cluster_id == evs[1].cluster_id != evs[2].cluster_id
    assert [e.status for e in evs] == ["confirmed", "confirmed", "single-source"]


def test_batch_fuser_settles_earlier_events():
    from rasd.fuse import BatchFuser
    from rasd.records import Document

    bf = BatchFuser(scratch_store)
    a = event("a:0", "a", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Clashes in Homs.")
    bf.add([Document(doc_id="a", raw="x", outlet="A")], [a])
    assert a.status == "single-source"
    b = event("b:0", "b", "Armed clash", D, "Homs", a1=GOV, a2=HTS, sentence="Fighting in Homs.")
    bf.add([Document(doc_id="b", raw="y", outlet="B")], [b])
    bf.settle([a, b])
    assert a.cluster_id == b.cluster_id and a.status == b.status == "confirmed"
    bf.close()


def test_claim_answered_by_a_denial_in_the_next_sentence_is_disputed(st):
    f = Fuser(st)
    text = ("Rebels move on the capital\nEarlier, the rebel group said they had captured the city of Homs. "
            "But the defence ministry had denied this and said Homs was calm.\nOther news follows.")
    claim = "Earlier, the rebel group said they had captured the city of Homs."
    e = event("x:0", "x", "Non-state actor overtakes territory", D, "Homs", a1=HTS, stance="claimed",
              sentence=claim)
    fuse_doc(st, f, "x", [e], text=text)
    fe = st.get_fused(e.cluster_id)
    assert fe.status == "disputed" and fe.corroboration == 0  # one document of no known outlet
    d = fe.disputes[0]
    assert d["says_yes"][0]["sentence"] == claim
    no = d["says_no"][0]
    assert no["sources"] == ["the defence ministry"] and no["stance"] == "denied"
    ev = no["evidence"][0]
    assert text[ev["start"]:ev["end"]] == "But the defence ministry had denied this and said Homs was calm."
    # a denial of something else ("denied reports that ...") is not read as one
    text2 = "Rebels took Hama on Friday. The government denied reports that the president had fled."
    e2 = event("y:0", "y", "Non-state actor overtakes territory", D, "Hama", a1=HTS,
               sentence="Rebels took Hama on Friday.")
    fuse_doc(st, f, "y", [e2], text=text2)
    assert st.get_fused(e2.cluster_id).status == "single-source"


def test_territorial_mentions_compare_who_gains(st):
    f = Fuser(st)
    gov = event("a:0", "a", "Government regains territory", D, "Homs", a1=GOV, a2=REBELS,
                sentence="Troops recaptured the area after a long siege.")
    reb = event("b:0", "b", "Non-state actor overtakes territory", D, "Homs", a1=REBELS, a2=GOV,
                sentence="Rebels broke into the prison and freed inmates.")
    fuse_doc(st, f, "a", [gov])
    fuse_doc(st, f, "b", [reb])
    assert gov.cluster_id != reb.cluster_id  # same actors named, opposite gainers
    # a withdrawal by the government and a rebel takeover are one change of hands
    wd = event("c:0", "c", "Non-violent transfer of territory", D, "Hama", a1=GOV, a2=REBELS,
               sentence="Government forces withdrew from Hama as rebels entered the city.")
    tk = event("d:0", "d", "Non-state actor overtakes territory", D, "Hama", a1=REBELS,
               sentence="Rebels entered Hama after government forces withdrew.")
    fuse_doc(st, f, "c", [wd])
    fuse_doc(st, f, "d", [tk])
    assert wd.cluster_id == tk.cluster_id


def test_negotiations_at_one_place_fuse_with_a_generic_party_but_not_a_different_deal(st):
    """Deals are rare at one place within days: a named group and 'rebels' negotiating there are
    one event even in few shared words; a negotiation at another place is not."""
    f = Fuser(st)
    neg = {"agreement_status": "negotiating"}
    a = fuse_doc(st, f, "a", [event("a:0", "a", "Other", date(2017, 12, 28), "Beit Jinn", a1=HTS, attrs=neg,
                                    sentence="Talks to guarantee the departure of Tahrir al-Sham from Beit Jinn.")],
                 outlet="Outlet A")
    b = fuse_doc(st, f, "b", [event("b:0", "b", "Other", date(2017, 12, 27), "Beit Jinn", a1=REBELS, attrs=neg,
                                    sentence="Fighters in the Beit Jinn pocket are bargaining with the government over leaving.")],
                 outlet="Outlet B")
    c = fuse_doc(st, f, "c", [event("c:0", "c", "Other", date(2017, 12, 27), "Douma", a1=REBELS, attrs=neg,
                                    sentence="Fighters in the Douma pocket are bargaining with the government over leaving.")],
                 outlet="Outlet C")
    assert a[0].cluster_id == b[0].cluster_id
    assert c[0].cluster_id != a[0].cluster_id


def test_the_candidate_window_is_as_wide_as_the_dates_may_differ(st):
    # mentions whose days are not given to the day may lie the widest gap apart (4 days, within
    # max_gap_days) and still be one event; the store is asked for no more than that on either side
    f = Fuser(st)
    rules = f.rules
    assert rules.widest_gap() == min(rules.max_gap_days, max(rules.slack_days.values()))
    text = "An Israeli strike hit a weapons depot near Kiswah, south of Damascus."
    a = event("a:0", "a", "Air/drone strike", D, "Kiswah", a1=ISRAEL, precision=None, sentence=text)
    q = f.search_for(a)
    assert (q.date_lo, q.date_hi) == ((D - timedelta(days=4)).isoformat(), (D + timedelta(days=4)).isoformat())
    fuse_doc(st, f, "a", [a])
    far = event("b:0", "b", "Air/drone strike", D + timedelta(days=5), "Kiswah", a1=ISRAEL, precision=None,
                sentence=text)
    near = event("c:0", "c", "Air/drone strike", D - timedelta(days=4), "Kiswah", a1=ISRAEL, precision=None,
                 sentence=text)
    fuse_doc(st, f, "b", [far])
    fuse_doc(st, f, "c", [near])
    assert near.cluster_id == a.cluster_id != far.cluster_id


def test_a_full_candidate_search_is_asked_again_only_when_the_run_wrote_into_it(st):
    # a search that hit its limit is read once for the whole run; the store is asked again only
    # when the run wrote a fused event it admits, or one it held (its answer may have changed)
    from dataclasses import replace as _replace

    class Small(Fuser):
        def search_for(self, ev):
            q = super().search_for(ev)
            return _replace(q, limit=2) if q is not None else None

    f = Small(st, control=False, agreements=False, revisions=False)
    said = [(GOV, "Soldiers stormed the Khalidiya district of Homs at dawn."),
            (HTS, "Militants ambushed a convoy on the northern ring road of Homs."),
            (ISRAEL, "Jets bombed a warehouse beside the refinery of Homs.")]
    old = [fuse_doc(st, f, f"old{i}", [event(f"old{i}:0", f"old{i}", "Armed clash", D, "Homs", a1=who, sentence=text)])[0]
           for i, (who, text) in enumerate(said)]
    assert len({e.cluster_id for e in old}) == 3  # three fused events at Homs that day: the search is full
    asked = []
    single = st.fusion_candidates
    st.fusion_candidates = lambda **kw: asked.append(kw) or single(**kw)
    away = event("n:0", "n", "Armed clash", D, "Aleppo", a1=GOV, sentence="Clashes in Aleppo.")
    homs = event("n:1", "n", "Armed clash", D, "Homs", a1=ISRAEL, sentence=said[2][1])
    fuse_doc(st, f, "n", [away, homs])
    assert asked == [] and homs.cluster_id == old[2].cluster_id  # Aleppo's is none of Homs's business
    a = event("m:0", "m", "Armed clash", D, "Homs", a1=GOV, sentence=said[0][1])
    c = event("m:1", "m", "Armed clash", D, "Homs", a1=HTS, sentence=said[1][1])
    fuse_doc(st, f, "m", [a, c])
    assert len(asked) == 1 and asked[0]["date_lo"] == f.search_for(c).date_lo  # c's: a rewrote one it admits


def test_the_fused_events_of_a_run_are_written_together(st):
    # one write for the run (one round trip on a server), not one per event, and all of it stored
    f = Fuser(st, control=False, agreements=False, revisions=False)
    writes = []
    many = st.save_fused_many
    st.save_fused_many = lambda items: writes.append(len(items)) or many(items)
    evs = [event(f"w:{i}", "w", "Armed clash", D, where, a1=GOV, sentence=f"Clashes in {where}.")
           for i, where in enumerate(("Homs", "Hama", "Aleppo"))]
    fuse_doc(st, f, "w", evs)
    assert writes == [3]
    assert [st.get_fused(e.cluster_id).reports[0].event_id for e in evs] == ["w:0", "w:1", "w:2"]
    assert {e.event_id: e.cluster_id for e in st.query_events()} == {e.event_id: e.cluster_id for e in evs}
