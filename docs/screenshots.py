"""Screenshots of the web page's main views on the example corpus (and the seeds, when
../shared/seeds exists), in Debian's Chromium: `make screenshots` writes docs/screenshots/*.png.

The corpus goes through the ingest pipeline with the event coder and fusion (as the HTTP
ingest does), into a temporary store that a real `rasd serve` then serves.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "docs" / "screenshots"


def build(db: str) -> int:
    from rasd.errors import InputError
    from rasd.config import Settings
    from rasd.pipeline import build_pipeline, store_results
    from rasd.read import Reader, ReadOptions, load_meta
    from rasd.store import open_store

    pipe = build_pipeline(Settings().pipeline_config(with_events=True))  # as `rasd ingest` builds it
    n = 0
    with open_store(db) as st:
        fuser = pipe.fuser_for(st)
        sources = [(ROOT / "examples", ROOT / "examples" / "meta.jsonl")]
        seeds = ROOT.parent / "shared" / "seeds"
        if seeds.is_dir():
            sources.append((seeds, seeds / "meta.jsonl"))
        for folder, meta in sources:
            reader = Reader(ReadOptions(meta=load_meta(str(meta)), skip={str(meta.resolve())}))
            for item in reader.read_paths([str(folder)]):
                if isinstance(item, InputError):
                    continue
                results = list(pipe.run([item]))
                store_results(st, pipe, fuser, results)
                n += sum(len(r.events) for r in results)
    return n


def main() -> None:
    from playwright.sync_api import sync_playwright

    from _server import CHROMIUM_ARGS, TOKEN, chromium_path, running_server
    OUT.mkdir(parents=True, exist_ok=True)
    from rasd.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "shots.db")
        print(f"coded {build(db)} events", file=sys.stderr)
        gaz = str(Settings().gazetteer)  # built by the ingest above: the map's town labels
        with running_server(db, gazetteer=gaz) as url, sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url + "/#token=" + TOKEN)
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_timeout(1200)
            page.screenshot(path=str(OUT / "main.png"))  # clusters, town labels
            page.get_by_label("control (holder on the brushed date)").check()
            page.wait_for_selector("#control-legend:not([hidden])")
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT / "control.png"))
            page.get_by_label("control (holder on the brushed date)").uncheck()
            page.select_option("#f-type", "Battles")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(OUT / "filtered.png"))
            page.locator("#event-list li").first.click()
            page.wait_for_selector("#ev-evidence")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / "event.png"))
            page.locator("#event-view").evaluate("n => n.parentElement.scrollTop = 10000")
            page.wait_for_timeout(300)
            page.screenshot(path=str(OUT / "event-correct.png"))
            page.click("#back")
            page.click("#f-reset")
            page.click("#mode-fused")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(OUT / "fused.png"))
            multi = page.locator("#event-list li", has_text="reports ·").filter(has_not_text="1 report ·")
            if multi.count():
                multi.first.click()
                page.wait_for_selector("#ev-compare")
                page.locator("#ev-compare").scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / "compare.png"))
                page.click("#back")
            page.click("#mode-review")
            page.wait_for_timeout(1000)
            if page.locator("#list-count").text_content().endswith("to review") and page.locator("#event-list li").count():
                page.locator("#event-list li").first.click()
                page.wait_for_selector("#review-bar")
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / "review.png"))
            b.close()
    print(f"wrote {OUT}/*.png", file=sys.stderr)


if __name__ == "__main__":
    main()
