"""The stage contract (pipeline.py): stage order, the failure policy, the config, the workers.

No spaCy model here: stages are small fakes, the coder gets a model that must not be called
(the texts below give the trigger prefilter nothing to parse) and a geoparser that finds nothing.
"""
from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError

import pytest

from rasd.config import PipelineConfig, Settings
from rasd.records import Document, Result, Toponym

QUIET = "The weather was mild in the valley on {}, and the market opened as usual."


class NoParse:
    """A stand-in for spaCy: the texts of these tests have no sentence worth parsing."""

    pipe_names: list[str] = []

    def pipe(self, texts, **kw):
        raise AssertionError("nothing here should be parsed")


class Recording:
    """A stand-in geoparser: finds nothing, records the countries each call asked for."""

    def __init__(self):
        self.calls: list[list] = []

    def process(self, docs, countries=None):
        self.calls.append(list(countries))
        return [[Toponym(d.doc_id, 0, 3, d.text[:3])] for d in docs]


class Tag:
    """A fake stage that appends its name to each document's title (and may fail on one id)."""

    def __init__(self, name, fail_on=None, message="boom"):
        self.name, self.fail_on, self.message = name, fail_on, message

    def process(self, batch):
        if any(r.document.doc_id == self.fail_on for r in batch):
            raise ValueError(self.message)
        for r in batch:
            r.document.title = (r.document.title or "") + self.name
        return batch


def docs(*ids):
    return [Document(doc_id=i, raw=QUIET.format(i), source=f"{i}.txt") for i in ids]


def test_the_stages_run_clean_hint_geo_refine_reread_code(coder_data):
    from rasd.pipeline import build_pipeline

    pipe = build_pipeline(PipelineConfig(), nlp=NoParse(), geoparser=Recording(), coder_data=coder_data)
    assert [s.name for s in pipe.stages] == ["clean", "bound", "language", "hint", "geo", "refine", "reread", "code"]
    no_places = build_pipeline(PipelineConfig(gazetteer=None), nlp=NoParse(), coder_data=coder_data)
    assert [s.name for s in no_places.stages] == ["clean", "bound", "language", "hint", "code"]
    assert [s.name for s in build_pipeline(PipelineConfig(with_events=False)).stages] == ["clean"]
    assert "clean" not in [s.name for s in build_pipeline(
        PipelineConfig(clean=False), nlp=NoParse(), geoparser=Recording(), coder_data=coder_data).stages]


def test_a_result_carries_what_the_stages_filled_in(coder_data):
    from rasd.pipeline import build_pipeline

    geo = Recording()
    pipe = build_pipeline(PipelineConfig(), nlp=NoParse(), geoparser=geo, coder_data=coder_data)
    [res] = pipe.run_batch(docs("a"))
    assert isinstance(res, Result) and res.error is None and res.events == []
    assert [t.text for t in res.toponyms] == ["The"]  # what the geo stage resolved, on the record
    assert geo.calls == [[None]]  # no actors named: no country hint, and nothing to read again


def test_the_geo_stage_reads_in_the_hinted_country_and_again_only_where_asked():
    from rasd.geo.stage import PlaceStage, RereadStage

    geo = Recording()
    batch = [Result(d) for d in docs("a", "b", "c")]
    batch[0].country_hint, batch[1].country_hint = "SY", "IQ"
    PlaceStage(geo).process(batch)
    batch[1].reread_country = "TR"
    RereadStage(geo).process(batch)
    assert geo.calls == [["SY", "IQ", None], ["TR"]]
    assert all(r.toponyms for r in batch)


def test_run_safe_keeps_the_good_documents_when_one_fails():
    from rasd.pipeline import Pipeline

    pipe = Pipeline([Tag("x"), Tag("y", fail_on="bad", message="first line\nsecond line")], PipelineConfig())
    out = pipe.run_safe(docs("a", "bad", "c"))
    assert [r.document.doc_id for r in out] == ["a", "bad", "c"]
    assert [r.error for r in out if r.document.doc_id != "bad"] == [None, None]
    assert out[0].document.title.endswith("xy") and out[2].document.title.endswith("xy")
    bad = out[1]
    assert bad.error == "bad.txt: could not be processed (ValueError: first line second line)"
    assert bad.events == [] and "\n" not in bad.error and "Traceback" not in bad.error


def test_run_safe_runs_a_good_batch_once():
    from rasd.pipeline import Pipeline

    pipe = Pipeline([Tag("x")], PipelineConfig())
    out = pipe.run_safe(docs("a", "b"))
    assert [r.document.title for r in out] == ["x", "x"]  # not retried one by one


def test_store_results_refuses_a_result_with_an_error():
    from rasd.pipeline import Pipeline, store_results

    with pytest.raises(ValueError, match="could not"):
        store_results(None, Pipeline([], PipelineConfig()), None,
                      [Result(docs("a")[0], error="a.txt: could not be processed (X: y)")])


def test_pipeline_config_is_frozen_picklable_and_rejects_unknown_keys(monkeypatch):
    cfg = Settings().pipeline_config(gazetteer="/tmp/g.db", batch_size=8)
    assert pickle.loads(pickle.dumps(cfg)) == cfg
    with pytest.raises(FrozenInstanceError):
        cfg.batch_size = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        Settings().pipeline_config(gazeteer="/tmp/g.db")
    with pytest.raises(TypeError):
        PipelineConfig(with_event=False)  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        PipelineConfig(batch_size=0)


def test_the_environment_reaches_the_pipeline_through_settings(monkeypatch):
    monkeypatch.setenv("RASD_EVENTS", "0")
    monkeypatch.setenv("RASD_GEO_NER", "1")
    monkeypatch.setenv("RASD_GAZETTEER", "/tmp/elsewhere.db")
    cfg = Settings().pipeline_config()
    assert (cfg.with_events, cfg.geo_ner, cfg.gazetteer) == (False, True, "/tmp/elsewhere.db")
    assert Settings().pipeline_config(with_events=True).with_events


def test_a_misspelt_service_is_a_type_error():
    from rasd.pipeline import build_pipeline

    with pytest.raises(TypeError):
        build_pipeline(PipelineConfig(), geoparsr=Recording())  # type: ignore[call-arg]


def test_a_worker_chunk_with_one_bad_document_keeps_the_good_ones(monkeypatch, coder_data):
    from rasd.clean import Cleaner
    from rasd.parallel import run_parallel

    real = Cleaner.clean

    def flaky(self, doc):
        if doc.doc_id == "bad":
            raise ValueError("boom")
        return real(self, doc)

    monkeypatch.setattr(Cleaner, "clean", flaky)  # the workers are forked: they inherit it
    # (chunks of 4 until the last 16 documents, cut smaller: see parallel.chunks)
    inputs = docs("a", "b", "bad", "c", *[f"e{i}" for i in range(17)])
    out = list(run_parallel(iter(inputs), 2, chunk=4, nlp=NoParse(), geoparser=Recording(), coder_data=coder_data))
    assert [d.doc_id for d in out[0][0]] == ["a", "b", "bad", "c"]
    results = [r for _, rs in out for r in rs]
    assert [r.document.doc_id for r in results] == [d.doc_id for d in inputs]
    assert {r.document.doc_id: r.error for r in results if r.error} == {
        "bad": "bad.txt: could not be processed (ValueError: boom)"}
