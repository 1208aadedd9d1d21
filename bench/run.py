"""`make bench`: runs every bench/bench_*.py in turn (each prints its own figures), then the
targets they measured, one line each with OK or MISSED; exit 1 if one fails.

    RASD_BENCH_ONLY=postgres,fusion make bench      # only bench_postgres.py and bench_fusion.py

The environment goes to every script: bench_postgres.py reads RASD_BENCH_EVENTS,
RASD_BENCH_FUSION_EVENTS, RASD_BENCH_DATA and RASD_BENCH_PG (see its docstring and the README,
"Benchmarks"). A script states a target by printing a line ``TARGET what: figure OK|MISSED``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def selected(scripts: list[Path], only: str) -> list[Path]:
    """The scripts named in ``only`` (comma-separated, with or without ``bench_`` and ``.py``;
    empty: all of them). An unknown name stops the run."""
    names = [n.strip().removeprefix("bench_").removesuffix(".py") for n in only.split(",") if n.strip()]
    if not names:
        return scripts
    by_name = {s.stem.removeprefix("bench_"): s for s in scripts}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"RASD_BENCH_ONLY: no bench named {', '.join(unknown)} (there are: {', '.join(by_name)})")
    return [by_name[n] for n in names]


def main() -> int:
    here = Path(__file__).resolve().parent
    scripts = selected(sorted(here.glob("bench_*.py")), os.environ.get("RASD_BENCH_ONLY", ""))
    failed = []
    targets: list[str] = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        proc = subprocess.Popen([sys.executable, str(script)], cwd=here.parent, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:  # shown as it comes, TARGET lines kept for the end
            print(line, end="", flush=True)
            if line.startswith("TARGET "):
                targets.append(f"{script.stem}: {line[len('TARGET '):].rstrip()}")
        rc = proc.wait()
        if rc != 0:
            print(f"!! {script.name} exited {rc}", flush=True)
            failed.append(script.name)
    print("== targets", flush=True)
    for t in targets:
        print(f"  {t}", flush=True)
    if failed:
        print(f"  scripts that failed or missed a target: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
