"""Ingest speed and memory: the examples, the Guardian sample CSV (../shared, when present)
and a generated batch of 3000 web-capture-like text files.

    .venv/bin/python bench/bench_ingest.py

Runs the real CLI in a subprocess for each input and prints docs/s and peak RSS (MB).
"""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASD_SHARED", ROOT.parent / "shared"))
WORDS = ("shelling strike convoy checkpoint rebels army monitor civilians killed wounded town province "
         "ceasefire talks militia drone market hospital border crossing evacuation").split()


def generated_batch(root: Path, count: int = 3000) -> Path:
    rng = random.Random(1)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        head = f"Report {i}: " + " ".join(rng.choice(WORDS) for _ in range(6))
        cap = f"A photo of the {rng.choice(WORDS)} (Archive {i})"
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))) + "."
                           for _ in range(rng.randint(3, 8)))
        (root / f"d{i:05d}.txt").write_text(f"{head}\n\n{cap}\n{cap}\nTT\n\n{head}\n\n{body}\n\nShare this Post\n")
    return root


def run(label: str, args: list[str], db: str) -> tuple[float, float]:
    """The command's wall time and CPU time (user + system: what it costs on a shared machine)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_maxrss
    at = " ".join(f"{x:.2f}" for x in os.getloadavg())
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rasd", "--db", db, "ingest", "--no-progress", *args],
                          capture_output=True, text=True)
    secs = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = after.ru_maxrss
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    last = (proc.stdout.strip().splitlines() or ["?"])[-1]
    words = last.replace(",", "").replace(";", "").split()
    n = int(words[1]) if last.startswith("stored") else 0
    unchanged = int(words[words.index("unchanged") - 1]) if "unchanged" in words else 0
    print(f"{label:<28} {n:>6} new docs {unchanged:>4} unchanged  {secs:6.2f} s wall  "
          f"{(n or unchanged) / secs:8.0f} docs/s (incl. start-up)  peak RSS {max(rss, before) / 1024:.0f} MB  "
          f"CPU {cpu:.2f} s  exit {proc.returncode}  (load before: {at})")
    return secs, cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("examples (21 docs)", [str(ROOT / "examples"), "--meta", str(ROOT / "examples" / "meta.jsonl")],
            f"{tmp}/a.db")
        csv = SHARED / "data" / "dev" / "corpus" / "guardian_syria_sdf" / "Guardian_SDF_sample.csv"
        if csv.exists():
            run("Guardian sample CSV", [str(csv)], f"{tmp}/b.db")
            again, cpu = run("the same CSV again", [str(csv)], f"{tmp}/b.db")
            print(f"re-ingest of unchanged documents: {again:.2f} s, the whole command "
                  f"({'OK' if again < 1 else 'MISSED'} < 1 s); its CPU time {cpu:.2f} s "
                  f"({'OK' if cpu < 1 else 'MISSED'} < 1 s: the wall time on a quiet machine)")
        run("3000 generated captures", [str(generated_batch(Path(tmp) / "gen"))], f"{tmp}/c.db")


if __name__ == "__main__":
    main()
