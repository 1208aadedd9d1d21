"""A document in a language rasd does not code gets a clear warning (issue 14): the script tells
Arabic; a Latin-script text is English when enough of its words are English function words."""
from __future__ import annotations

import pytest

from rasd.code.language import LanguageCheck
from rasd.records import Document, Result

ARABIC = "قصفت قوات النظام مدينة دوما يوم الاثنين، مما أسفر عن مقتل أربعة أشخاص، بحسب المرصد السوري لحقوق الإنسان."
ENGLISH = ("Government forces shelled Douma on Monday, killing four people, the Syrian Observatory for Human "
           "Rights said. The strikes were the latest in a campaign that has killed hundreds since the start of "
           "the year, and residents said they had fled to the north.")
FRENCH = ("Les forces gouvernementales ont bombardé Douma lundi, tuant quatre personnes, selon l'Observatoire "
          "syrien des droits de l'homme. Les frappes sont les dernières d'une campagne qui a fait des centaines "
          "de morts depuis le début de l'année, et les habitants ont fui vers le nord.")


@pytest.fixture(scope="module")
def check():
    return LanguageCheck.load()


def test_arabic_is_told_by_its_script_and_warned_about(check):
    lang = check.detect(ARABIC)
    assert (lang.code, lang.script, lang.direction, lang.coded) == ("ar", "Arabic", "rtl", False)
    assert "Arabic" in lang.warning() and "English only" in lang.warning()
    # a few Latin words (names, an agency) in an Arabic text do not make it English
    assert check.detect(ARABIC + " (AFP, SOHR)").code == "ar"


def test_english_passes_and_other_latin_languages_are_warned_about(check):
    assert check.detect(ENGLISH).coded and check.detect(ENGLISH).code == "en"
    assert check.detect(ENGLISH).warning() is None
    fr = check.detect(FRENCH)
    assert not fr.coded and fr.code == "fr" and "written in French, not English" in fr.warning()
    assert check.detect("Douma shelled").coded  # a headline alone is too short to judge
    assert check.detect("1234 — 5678").coded  # no letters: nothing to say


def test_the_stage_records_the_language_and_the_warning(check):
    batch = [Result(Document(doc_id=i, raw=t, text=t)) for i, t in (("ar", ARABIC), ("en", ENGLISH))]
    out = check.process(batch)
    assert out[0].document.meta["language"]["direction"] == "rtl"
    assert "English only" in out[0].document.meta["warnings"][0]
    assert "warnings" not in out[1].document.meta and out[1].document.meta["language"]["code"] == "en"


def test_the_api_says_a_documents_language_for_the_page(tmp_path):
    from serve_helpers import AUTH, app_client

    with app_client(str(tmp_path / "lang.db"), n_events=0) as client:
        r = client.post("/api/ingest", json={"text": ARABIC, "doc_id": "ar1"}, headers=AUTH)
        assert r.status_code == 201
        doc = client.get("/api/documents/ar1").json()
        assert doc["language"]["code"] == "ar" and doc["language"]["direction"] == "rtl"
        assert "English only" in doc["language"]["warning"]


def test_a_note_of_names_and_figures_is_read_as_english(check):
    # few function words of any language: no language stands out, so the rules read it
    note = ("On 4 March 2021, suspected Ansaru militants ambushed a Nigerian Army patrol near Kuriga (Chikun, "
            "Kaduna). Three soldiers killed. Two militants killed. Weapons seized. Kuriga residents fled towards "
            "Kaduna town. Police confirmed casualties.")
    assert check.detect(note).coded and check.detect(note).warning() is None


@pytest.mark.parametrize("text, code", [
    ("Las fuerzas del gobierno bombardearon el mercado de la ciudad el lunes y mataron a cuatro personas, según "
     "los vecinos. Los ataques son los últimos de una campaña que ha causado cientos de muertos desde el inicio "
     "del año.", "es"),
    ("Die Armee hat am Montag den Markt der Stadt beschossen und vier Menschen getötet, teilte die Polizei mit. "
     "Die Angriffe sind die jüngsten einer Kampagne, die seit Beginn des Jahres Hunderte Tote gefordert hat.", "de"),
])
def test_other_latin_languages_are_named_in_the_warning(check, text, code):
    lang = check.detect(text)
    assert not lang.coded and lang.code == code and lang.name in lang.warning()
