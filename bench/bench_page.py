"""The page in Chromium on a store of 100,000 synthetic events: how long the list, a filter and
the event panel take, from the user's action to the list drawn, and to every map point clustered.

    .venv/bin/python bench/bench_page.py [--events 100000] [--reference 1000] [--repeat 5]

Target: each step under 1 s on the large store. The same steps on a store of 1,000 events, in
the same run, say how much of the time the store's size costs (the rest is the machine's load
and the browser). Drives Debian's Chromium (/usr/bin/chromium) with Playwright against a
`rasd serve` on 127.0.0.1 that this script starts and stops; the stores are cached in .bench/
(shared with bench_api.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

TARGET_S = 1.0


def counters(page) -> dict:
    return page.evaluate("() => ({listed: Number(document.body.dataset.listed || 0), "
                         "drawn: Number(document.querySelector('#map').dataset.drawn || 0)})")


def timed(page, action, done: str, arg=None) -> float:
    t0 = time.perf_counter()
    action()
    page.wait_for_function(done, arg=arg, timeout=60000)
    return time.perf_counter() - t0


def list_then_map(page, action) -> tuple[float, float]:
    """Seconds from the action to the list and count drawn, and to every map point clustered."""
    c = counters(page)
    t0 = time.perf_counter()
    action()
    page.wait_for_function("(n) => Number(document.body.dataset.listed || 0) > n", arg=c["listed"], timeout=60000)
    t_list = time.perf_counter() - t0
    page.wait_for_function("(n) => Number(document.querySelector('#map').dataset.drawn || 0) > n", arg=c["drawn"],
                           timeout=60000)
    return t_list, time.perf_counter() - t0


def rounds(url: str, repeat: int) -> dict[str, list[float]]:
    """The user's steps, ``repeat`` times (after one round that warms the server's caches)."""
    from playwright.sync_api import sync_playwright

    from _server import CHROMIUM_ARGS, chromium_path

    figures: dict[str, list[float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for i in range(repeat + 1):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            t: list[tuple[str, float]] = []
            t0 = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_function("() => Number(document.body.dataset.listed || 0) > 0", timeout=60000)
            t.append(("open the page: the list", time.perf_counter() - t0))
            page.wait_for_function("() => Number(document.querySelector('#map').dataset.drawn || 0) > 0",
                                   timeout=60000)
            t.append(("open the page: map points clustered", time.perf_counter() - t0))
            page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60000)
            a, b = list_then_map(page, lambda: page.select_option("#f-type", "Battles"))
            t += [("filter by event type: the list", a), ("filter by event type: the map", b)]

            t.append(("open an event's panel", timed(
                page, lambda: page.locator("#event-list li").first.click(),
                "() => document.querySelector('#ev-evidence') && !document.querySelector('#event-view').hidden")))
            first = page.evaluate("() => document.querySelector('#event-list li').dataset.id")

            def back_next() -> None:
                page.click("#back")
                page.click("#next")
            t.append(("back to the list, next page", timed(
                page, back_next, "(f) => document.querySelector('#event-list li') && "
                "document.querySelector('#event-list li').dataset.id !== f", first)))

            def place_and_dates() -> None:
                page.fill("#f-place", "Aleppo")
                page.fill("#f-from", "2018-01-01")
                page.fill("#f-to", "2018-06-30")
                page.click("#f-apply")
            a, b = list_then_map(page, place_and_dates)
            t += [("filter by place and dates: the list", a), ("filter by place and dates: the map", b)]
            page.close()
            if i:
                for k, v in t:
                    figures.setdefault(k, []).append(v)
        browser.close()
    return figures


def main() -> int:
    from bench_api import TOKEN, build_store, start_server

    from _server import chromium_path

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--reference", type=int, default=1_000, help="a small store measured in the same run")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not chromium_path():
        print("bench_page: /usr/bin/chromium is missing (apt-get install chromium); skipped")
        return 0
    bench_dir = ROOT / ".bench"
    bench_dir.mkdir(exist_ok=True)
    measured: dict[int, dict[str, list[float]]] = {}
    for n in (args.reference, args.events):
        db = bench_dir / f"api-{n}.db"
        build_store(db, n)
        proc, url = start_server(db, 1, token=TOKEN)
        try:
            measured[n] = rounds(url, args.repeat)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    big, small = measured[args.events], measured[args.reference]
    print(f"page bench: Chromium, loopback, median of {args.repeat} runs; store of {args.events:,} events, "
          f"and of {args.reference:,} measured in the same run (target: under {TARGET_S:.0f} s on the large one)")
    worst = 0.0
    for k, v in big.items():
        med, ref = statistics.median(v), statistics.median(small[k])
        worst = max(worst, med / TARGET_S)
        print(f"  {k}: {med:.2f} s ({med / TARGET_S:.2f} of the target; {med / ref:.1f}x the {args.reference:,}-event "
              f"store's {ref:.2f} s)")
    print(f"  slowest step / target: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
