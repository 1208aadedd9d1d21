"""What makes rasd fast on one machine (issue 11, part 3), checked by behaviour, not by time
(times are `make bench`'s): gazetteer recognition asks the gazetteer once per text, for the
names its hash index lets through; the workers really are separate processes, as many as asked
(every core by default) and their output is one process's; content already stored is not coded
again. No spaCy model: the pipelines here get stand-ins."""
from __future__ import annotations

import os

import pytest

from rasd.config import PipelineConfig
from rasd.geo import Gazetteer, PlaceRow, name_key, open_gazetteer
from rasd.records import Document, Toponym

PLACES = [
    PlaceRow("Douma", 33.57, 36.40, country="SY", feature="P.PPL", population=110_000, alt_names=("Duma",)),
    PlaceRow("Idlib", 35.93, 36.63, country="SY", feature="P.PPLA", population=160_000),
    PlaceRow("Deir ez-Zor", 35.33, 40.14, country="SY", feature="P.PPLA", population=210_000),
    PlaceRow("Syria", 35.0, 38.0, country="SY", feature="A.PCLI", population=22_000_000),
]


@pytest.fixture
def small_gaz(tmp_path) -> Gazetteer:
    g = open_gazetteer(str(tmp_path / "gaz.db"), build_default=False)
    g.add_layer("test", PLACES)
    yield g
    g.close()


class CountingGazetteer:
    """A gazetteer that counts the look-ups it answers."""

    def __init__(self, gaz: Gazetteer):
        self.gaz, self.queries = gaz, []

    def by_keys(self, keys):
        keys = list(keys)
        self.queries.append(keys)
        return self.gaz.by_keys(keys)

    def __getattr__(self, name):
        return getattr(self.gaz, name)


def test_recognition_asks_the_gazetteer_once_per_text_for_the_names_it_may_hold(small_gaz):
    from rasd.geo.recognize import Recognizer

    counting = CountingGazetteer(small_gaz)
    recognizer = Recognizer(counting)  # type: ignore[arg-type]
    filler = " ".join(f"Minister Number{i} Said Something In Capitals On Day{i}." for i in range(300))
    text = f"Shelling hit Douma and Idlib on Monday. {filler} Later, in Deir ez-Zor, a convoy was hit."
    found = recognizer.find(text)
    assert {sp.text for sp in found} >= {"Douma", "Idlib", "Deir ez-Zor"}
    assert len(counting.queries) == 1, "one query for the whole text, not one per word run"
    asked = set(counting.queries[0])
    assert {name_key("Douma"), name_key("Idlib"), name_key("Deir ez-Zor")} <= asked
    assert len(asked) < 10, f"the index lets through the names, not the ~2,000 capitalised runs: {sorted(asked)}"


def test_the_name_index_knows_every_name_and_follows_the_layers(small_gaz, tmp_path):
    keys = [name_key(n) for p in PLACES for n in (p.name, *p.alt_names)]
    assert small_gaz.known_keys(keys + ["nowhere at all", "minister"]) == keys
    small_gaz.add_layer("more", [PlaceRow("Kafr Nabl", 35.61, 36.56, country="SY", feature="P.PPL")])
    assert small_gaz.known_keys(["kafr nabl", "duma"]) == ["kafr nabl", "duma"]
    assert small_gaz.remove_layer("more")
    assert small_gaz.known_keys(["kafr nabl", "duma"]) == ["duma"]
    # another process opening the file reads the index kept there
    again = open_gazetteer(small_gaz.path, build_default=False)
    try:
        assert again.known_keys(keys) == keys and again.known_keys(["kafr nabl"]) == []
    finally:
        again.close()


def test_a_file_whose_index_is_stale_gets_a_new_one_on_open(small_gaz):
    # a writer that does not keep the index (an older rasd) adds names behind its back
    small_gaz.conn.execute("INSERT INTO names VALUES ('kafr nabl', 'kfrnbl', 1, 'alt')")
    fresh = open_gazetteer(small_gaz.path, build_default=False)
    try:
        assert fresh.known_keys(["kafr nabl", "duma"]) == ["kafr nabl", "duma"]
    finally:
        fresh.close()


# -- workers ------------------------------------------------------------------------------
class NoParse:
    """A stand-in for spaCy: the texts here give the trigger prefilter nothing to parse."""

    pipe_names: list[str] = []

    def pipe(self, texts, **kw):
        raise AssertionError("nothing here should be parsed")


class Marking:
    """A stand-in geoparser that marks each document with the process that read it. Each process
    waits at its first batch until ``parties`` processes have one (a broken barrier, so errors in
    the Results, when fewer processes run), so that every worker started gets work."""

    def __init__(self, parties: int):
        import multiprocessing

        self.barrier = multiprocessing.get_context("fork").Barrier(parties, timeout=60)
        self.waited = False

    def process(self, docs, countries=None):
        if not self.waited:  # this process's copy (workers are forked)
            self.waited = True
            self.barrier.wait()
        for d in docs:
            d.meta["pid"] = os.getpid()
        return [[Toponym(d.doc_id, 0, 3, d.text[:3])] for d in docs]


def _docs(n: int) -> list[Document]:
    return [Document(doc_id=f"d{i:03d}", raw=f"The market of town {i} opened as usual on a mild day.")
            for i in range(n)]


def _run(workers, n, coder_data, parties=None):
    from rasd.parallel import run_parallel

    config = PipelineConfig(batch_size=4)
    marking = Marking(parties or workers)
    # the coder's data loaded once here, and handed to the workers as a service (like the model):
    # each forked worker still builds its own pipeline
    out = list(run_parallel(iter(_docs(n)), workers, config, nlp=NoParse(), geoparser=marking,
                            coder_data=coder_data))
    results = [r for _, rs in out for r in rs]
    assert not [r.error for r in results if r.error]
    assert [r.document.doc_id for r in results] == [d.doc_id for d in _docs(n)], "input order kept"
    return results


def _plain(results):
    return [(r.document.doc_id, r.document.text, r.error, [(t.start, t.end, t.text) for t in r.toponyms])
            for r in results]


def test_workers_are_as_many_processes_as_asked_and_give_one_process_output(coder_data):
    from rasd.pipeline import build_pipeline

    here = build_pipeline(PipelineConfig(batch_size=4), nlp=NoParse(), geoparser=Marking(1),
                          coder_data=coder_data).run_safe(_docs(24))
    two = _run(2, 24, coder_data)
    three = _run(3, 24, coder_data)
    assert len({r.document.meta["pid"] for r in two}) == 2 and os.getpid() not in {r.document.meta["pid"] for r in two}
    assert len({r.document.meta["pid"] for r in three}) == 3
    assert _plain(here) == _plain(two) == _plain(three)


class Reopening:
    """A stand-in gazetteer that remembers which process opened its connection last."""

    def __init__(self):
        self.opened_by = os.getpid()

    def reopen(self):
        self.opened_by = os.getpid()


def test_workers_forked_with_a_built_pipeline_build_nothing_and_open_their_own_gazetteer(coder_data, monkeypatch):
    import rasd.pipeline
    from rasd.parallel import run_parallel

    config = PipelineConfig(batch_size=4)
    marking = Marking(2)
    marking.gazetteer = Reopening()
    built = rasd.pipeline.build_pipeline(config, nlp=NoParse(), geoparser=marking, coder_data=coder_data)

    def no_build(*a, **kw):
        raise AssertionError("a worker built a pipeline of its own")

    monkeypatch.setattr(rasd.pipeline, "build_pipeline", no_build)  # the workers are forked: they inherit it
    original = Marking.process

    def process(self, docs, countries=None):
        out = original(self, docs, countries)
        for d in docs:
            d.meta["opened_by"] = self.gazetteer.opened_by
        return out

    monkeypatch.setattr(Marking, "process", process)
    out = [r for _, rs in run_parallel(iter(_docs(24)), 2, config, pipeline=built) for r in rs]
    assert not [r.error for r in out if r.error]
    assert [r.document.doc_id for r in out] == [d.doc_id for d in _docs(24)]
    pids = {r.document.meta["pid"] for r in out}
    assert len(pids) == 2 and os.getpid() not in pids
    assert all(r.document.meta["opened_by"] == r.document.meta["pid"] for r in out), "each worker reopened it"
    assert marking.gazetteer.opened_by == os.getpid(), "this process keeps its own connection"


def test_an_input_of_one_chunk_stays_in_this_process(coder_data):
    assert {r.document.meta["pid"] for r in _run(2, 4, coder_data, parties=1)} == {os.getpid()}, "no worker to start"
    assert _run(2, 0, coder_data, parties=1) == []


def test_the_last_chunks_are_cut_small_so_the_workers_finish_together():
    from rasd.parallel import chunks

    sizes = [len(c) for c in chunks(iter(range(249)), 16, 2)]
    assert sum(sizes) == 249 and sizes[:12] == [16] * 12, "full chunks while the input goes on"
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1, "then smaller and smaller, down to one"
    assert [x for c in chunks(iter(range(249)), 16, 2) for x in c] == list(range(249)), "in input order"
    assert [len(c) for c in chunks(iter(range(3)), 16, 2)] == [1, 1, 1]
    assert list(chunks(iter([]), 16, 2)) == []


def test_without_a_number_every_available_core_works(monkeypatch):
    from rasd import parallel
    from rasd.config import Settings

    monkeypatch.delenv("RASD_WORKERS", raising=False)
    monkeypatch.setattr(parallel, "available_cores", lambda: 6)
    assert parallel.worker_count(Settings().workers) == 6
    assert parallel.worker_count(2) == 2
    monkeypatch.setenv("RASD_WORKERS", "3")
    assert parallel.worker_count(Settings().workers) == 3


def test_available_cores_follow_the_process_affinity():
    from rasd.parallel import available_cores

    if hasattr(os, "sched_getaffinity"):
        assert available_cores() == len(os.sched_getaffinity(0))
    assert available_cores() >= 1


# -- content already stored ---------------------------------------------------------------
def test_reingesting_stored_content_codes_nothing(run_cli, tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(3):
        (tmp_path / "in" / f"r{i}.txt").write_text(f"Report {i}: the market of town {i} opened on Monday.\n")
    first = run_cli("ingest", str(tmp_path / "in"), "--no-progress", env={"RASD_EVENTS": "0"}, check=True)
    assert "stored 3 new" in first.stdout
    # the coder would need a gazetteer that cannot be opened: the run fails if it builds one
    (tmp_path / "a-file").write_text("")
    broken = {"RASD_GAZETTEER": str(tmp_path / "a-file" / "gaz.db")}
    again = run_cli("ingest", str(tmp_path / "in"), "--no-progress", env=broken, check=True)
    assert "stored 0 new, 0 updated, 3 unchanged; 0 failed" in again.stdout
    (tmp_path / "in" / "r1.txt").write_text("Report 1: the market of town 1 stayed shut on Tuesday.\n")
    changed = run_cli("ingest", str(tmp_path / "in"), "--no-progress", env=broken)
    assert changed.returncode == 3 and "gazetteer" in changed.stderr, "a changed document is coded"
