"""The "on the spot" exception (a shared named actor at one place with few words in common),
places carried over from another sentence, and the type families' conditional members."""
from __future__ import annotations

from datetime import date

from fuse_helpers import GOV, HTS, event, fuse_doc, st  # noqa: F401 (st is a fixture)

from rasd.fuse import Fuser, Rules
from rasd.fuse.rules import carried_place
from rasd.records import Actor, Evidence

D = date(2018, 3, 5)
IS = Actor("Islamic State (Syria)", actor_type="Rebel group", country="SY")
RULES = Rules.load()

# two attacks in one city by the city's dominant group, sharing only the city's name
MARKET = "Mortars struck the crowded vegetable market of Homs early, killing four traders and wounding dozens."
MOSQUE = "Jihadist snipers wounded two children playing football beside a mosque in Homs, their father recounted."
# a takeover and a clash in one town by one group, sharing only the town's name
SILOS = "Militants captured the grain silos outside Hama before dawn, local monitors reported."
BAKERY = "Militants battled troops around bakeries in Hama all night, leaving corpses strewn across alleys."


def placed(ev, *, carried: bool = False, head: str = "Homs: a headline naming the town.\n"):
    """Give a synthetic event the coder's evidence: its sentence after a headline, and the
    place's span inside the sentence, or (carried) in the headline before it."""
    name = ev.location.name
    s0 = len(head)
    sent = ev.sentence or ""
    at = head.index(name.split()[0]) if carried else s0 + sent.index(name)
    ev.evidence = [Evidence(ev.doc_id, s0, s0 + len(sent), sent, "sentence"),
                   Evidence(ev.doc_id, at, at + len(name), name, "location")]
    return ev


def test_own_and_carried_places_are_told_apart():
    own = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET))
    far = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE), carried=True)
    assert not carried_place(own)
    assert carried_place(far)
    # no evidence at all (older stores, other callers): nothing known, not carried
    assert not carried_place(event("c:0", "c", "Attack", D, "Homs", a1=IS, sentence=MARKET))


def test_a_carried_place_gets_less_place_credit():
    a = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET))
    b = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE))
    c = placed(event("c:0", "c", "Attack", D, "Homs", a1=IS, sentence=MOSQUE), carried=True)
    assert RULES.place_score(a, b) == 1.0
    assert RULES.place_score(a, c) < 0.8
    assert RULES.place_score(a, c, discount=False) == 1.0


def test_shared_actor_on_the_spot_with_a_day_date_still_fuses():
    a = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET))
    b = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE))
    assert RULES.spot_text <= RULES.text_score(a, b) < RULES.support_text
    assert RULES.pair_score(a, b) >= RULES.threshold


def test_shared_actor_with_dates_guessed_from_publication_is_not_enough():
    # the coder's "week" date is the publication week: no day of the city's events is known
    a = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET, precision="week"))
    b = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE, precision="week"))
    assert RULES.pair_score(a, b) == 0.0


def test_shared_actor_at_a_carried_place_is_not_enough(st):
    f = Fuser(st)
    a = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET))
    b = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE), carried=True)
    fuse_doc(st, f, "a", [a], outlet="Outlet A", text="Homs: a headline naming the town.\n" + MARKET)
    fuse_doc(st, f, "b", [b], outlet="Outlet B", text="Homs: a headline naming the town.\n" + MOSQUE)
    assert a.cluster_id != b.cluster_id


def test_story_place_from_the_gazetteer_fallback_counts_as_carried():
    a = placed(event("a:0", "a", "Attack", D, "Homs", a1=IS, sentence=MARKET))
    b = placed(event("b:0", "b", "Attack", D, "Homs", a1=IS, sentence=MOSQUE))
    b.location.fallback = "document"
    assert carried_place(b)
    assert RULES.pair_score(a, b) == 0.0


def test_clash_next_to_a_takeover_needs_shared_words():
    take = placed(event("a:0", "a", "Non-state actor overtakes territory", D, "Hama", a1=HTS, a2=GOV,
                        sentence=SILOS), head="Hama: a headline.\n")
    clash = placed(event("b:0", "b", "Armed clash", D, "Hama", a1=HTS, a2=GOV, sentence=BAKERY),
                   head="Hama: a headline.\n")
    assert RULES.type_score(take, clash) == 0.7
    assert RULES.text_score(take, clash) < RULES.support_text
    assert RULES.pair_score(take, clash) == 0.0
    # the same two sentences as two clashes: one happening on the spot
    clash2 = placed(event("c:0", "c", "Armed clash", D, "Hama", a1=HTS, a2=GOV, sentence=SILOS),
                    head="Hama: a headline.\n")
    assert RULES.pair_score(clash2, clash) >= RULES.threshold


def test_other_is_a_negotiation_only_when_it_speaks_of_a_deal():
    deal = event("a:0", "a", "Agreement", D, "Douma", a1=GOV, sentence="The agreement signed in Douma lets fighters leave.")
    remark = event("b:0", "b", "Other", D, "Douma", a1=GOV,
                   sentence="Local notables agreed to interviews about the siege of Douma on condition of anonymity.")
    talks = event("c:0", "c", "Other", D, "Douma", a1=GOV, sentence="Talks continue over the evacuation of fighters from Douma.")
    status = event("d:0", "d", "Other", D, "Douma", a1=GOV, sentence="Officials met in Douma.",
                   attrs={"agreement_status": "negotiating"})
    assert RULES.type_score(deal, remark) == 0.0
    assert RULES.pair_score(deal, remark) == 0.0
    assert RULES.type_score(deal, talks) == 0.7
    assert RULES.type_score(deal, status) == 0.7
    assert RULES.type_score(remark, talks) == 1.0  # the same sub-event type is always comparable


def test_two_deals_at_the_story_place_still_fuse_on_few_words():
    # a deal is what its story is about: the headline's place is its place
    a = placed(event("a:0", "a", "Agreement", D, "Douma", a1=GOV, sentence="A deal for the fighters was reached on Monday, the council said.",
                     attrs={"agreement_status": "reached"}), carried=True, head="Douma: fighters to leave.\n")
    b = placed(event("b:0", "b", "Agreement", D, "Douma", a1=GOV, precision="week",
                     sentence="Under the accord signed with the government, fighters in Douma will hand over weapons.",
                     attrs={"agreement_status": "reached"}), head="Douma: fighters to leave.\n")
    assert carried_place(a)
    assert RULES.text_score(a, b) < RULES.support_text
    assert RULES.pair_score(a, b) >= RULES.threshold
