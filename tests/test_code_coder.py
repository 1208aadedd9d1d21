"""The event coder on sentences written for these tests (model loaded once per module)."""
import json
import re
from datetime import date
from importlib import resources

import jsonschema
import pytest

from coder_helpers import coded_events, table_coder

from rasd.records import Document, Place, Toponym


class TinyGeo:
    """Test-only stand-in for the geo stage: exact names from a small table."""

    PLACES = {
        "Aleppo": Place("Aleppo", 36.20, 37.16, "SY", "Aleppo", feature="P.PPLA"),
        "Idlib": Place("Idlib", 35.93, 36.63, "SY", "Idlib", feature="P.PPLA"),
        "Mosul": Place("Mosul", 36.34, 43.13, "IQ", "Ninawa", feature="P.PPLA"),
        "Basra": Place("Basra", 30.51, 47.78, "IQ", "Basra", feature="P.PPLA"),
        "Syria": Place("Syria", 35.0, 38.0, "SY", None, feature="A.PCLI", geo_precision=3),
    }

    def process(self, docs, countries=None):
        out = []
        for d in docs:
            tops = []
            for name, place in self.PLACES.items():
                for m in re.finditer(rf"\b{name}\b", d.text):
                    tops.append(Toponym(d.doc_id, m.start(), m.end(), name, place, 1.0))
            out.append(sorted(tops, key=lambda t: t.start))
        return out


@pytest.fixture(scope="module")
def coder():
    return table_coder(TinyGeo())


def code(coder, text, published=date(2021, 6, 12), doc_id="t1"):
    return coded_events(coder, text, published, doc_id)


def test_clash_between_two_known_actors(coder):
    evs = code(coder, "On Saturday, clashes broke out between Syrian government troops and Hayat Tahrir al-Sham fighters near Idlib, killing four fighters.")
    assert len(evs) == 1
    e = evs[0]
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash")
    assert e.actor1.name == "Military Forces of Syria (2000-2024)"
    assert e.actor2.name == "HTS: Hayat Tahrir al Sham"
    assert e.location.name == "Idlib" and e.location.country == "SY"
    assert e.date == date(2021, 6, 12) and e.time_precision == "day"
    assert e.fatalities == 4


def test_airstrike_and_territory(coder):
    evs = code(coder, "Russian warplanes bombed a market in Aleppo on Tuesday. Separately, Islamic State militants captured a village south of Mosul last week.")
    kinds = [(e.sub_event_type, e.location.name if e.location else None) for e in evs]
    assert ("Air/drone strike", "Aleppo") in kinds
    assert ("Non-state actor overtakes territory", "Mosul") in kinds
    strike = next(e for e in evs if e.sub_event_type == "Air/drone strike")
    assert strike.actor1.name == "Military Forces of Russia (2000-)"
    assert strike.date == date(2021, 6, 8)
    terr = next(e for e in evs if e.event_type == "Battles")
    assert terr.actor1.name == "Islamic State (Iraq)" and terr.time_precision == "week"


def test_protest_subtypes(coder):
    peaceful = code(coder, "Hundreds of students demonstrated in Basra on Friday against corruption.")[0]
    assert peaceful.sub_event_type == "Peaceful protest" and peaceful.actor1.name == "Protesters (Iraq)"
    violent = code(coder, "Protesters in Basra blocked roads with burning tires and threw stones at the police.")[0]
    assert (violent.event_type, violent.sub_event_type) == ("Riots", "Violent demonstration")
    assert violent.actor1.name == "Rioters (Iraq)"


def test_negated_and_hypothetical_events_are_not_coded(coder):
    assert code(coder, "The rebels threatened to destroy the bridge in Idlib.") == []
    assert code(coder, "No clashes were reported in Aleppo.") == []


def test_negotiation_comes_out_with_its_status(coder):
    evs = code(coder, "No agreement has been reached yet, but talks between the rebels and the government continue in Idlib.")
    assert len(evs) == 1
    assert evs[0].event_type == "Strategic developments"
    assert evs[0].attrs["agreement_status"] == "negotiating"


def test_stance_denied_and_claimed(coder):
    denied = code(coder, "The defence ministry denied that rebels had captured Aleppo.")
    assert denied and denied[0].stance == "denied"
    claimed = code(coder, "A rebel commander said his fighters shelled army positions near Idlib.")
    assert claimed and claimed[0].stance == "claimed" and claimed[0].sources


def test_evidence_is_in_raw_coordinates_for_every_field(coder):
    from rasd.records import OffsetMap

    raw = "HEADER\n\nTurkish drones struck a convoy near Aleppo on 3 May, killing two fighters."
    doc = Document(doc_id="r1", raw=raw, published=date(2021, 6, 1))
    doc.text = raw[8:]
    doc.offsets = OffsetMap([(0, 8, len(raw) - 8)])
    ev = coder.run_batch([doc])[0].events[0]
    fields = {e.field for e in ev.evidence}
    assert {"sentence", "event_type", "actor1", "date", "location", "fatalities"} <= fields
    for e in ev.evidence:
        assert raw[e.start:e.end] == e.text
    assert next(e for e in ev.evidence if e.field == "date").text == "3 May"
    assert ev.date == date(2021, 5, 3) and ev.fatalities == 2


def test_a_place_carried_from_an_earlier_sentence_cites_that_sentence(coder):
    """A sentence naming no place takes the one named just before; its evidence is that name."""
    raw = "Fighting went on near Idlib for a week. On Monday, government forces shelled the area, killing three."
    ev = [e for e in code(coder, raw, date(2021, 6, 1), "c1")
          if e.sub_event_type == "Shelling/artillery/missile attack"][0]
    assert ev.location is not None and ev.location.name == "Idlib"
    loc = [e for e in ev.evidence if e.field == "location"]
    assert len(loc) == 1 and loc[0].text == "Idlib" and raw[loc[0].start:loc[0].end] == "Idlib"


def test_events_validate_against_the_published_schema(coder):
    schema = json.loads(resources.files("rasd.code").joinpath("data").joinpath("event.schema.json").read_text())
    evs = code(coder, "Gunmen abducted three aid workers in Mosul on Monday. Police arrested a suspect in Basra.")
    assert {e.sub_event_type for e in evs} >= {"Abduction/forced disappearance", "Arrests"}
    for e in evs:
        jsonschema.validate(e.to_dict(), schema)
    bad = evs[0].to_dict()
    bad["stance"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_headline_event_told_again_in_the_body_takes_the_body_sentence(coder):
    # headlines put past acts in the present and carry no date; the body's sentence reports the act.
    # The family named later in that sentence was not taken: no abduction, no civilian loser.
    text = ("Assad flees as rebels take Aleppo\n\nRebel fighters took control of Aleppo on Sunday after a lightning "
            "advance, ending five decades of rule by the Assad family.")
    evs = coded_events(coder, text, published=date(2024, 12, 9))
    (ev,) = [e for e in evs if e.location and e.location.name == "Aleppo"]
    assert ev.sub_event_type == "Non-state actor overtakes territory", ev.sub_event_type
    assert ev.sentence.startswith("Rebel fighters took control") and ev.date == date(2024, 12, 8)
    assert ev.actor2 is None


@pytest.mark.parametrize("text, taken", [
    ("Rebel forces entered the final stage of their offensive on Sunday by surrounding Aleppo.", False),  # a phase
    ("Rebel forces entered Idlib on Sunday.", True),                                                      # a place
])
def test_entering_a_phase_of_an_offensive_takes_no_ground(coder, text, taken):
    subs = {e.sub_event_type for e in code(coder, text)}
    assert ("Non-state actor overtakes territory" in subs) == taken
