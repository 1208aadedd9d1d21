"""The page's map and list in Debian's Chromium (Playwright), over one synthetic store of 5,000
events: clustering, the area filter, place labels, the control layer, the keyboard, confidence,
and an Arabic article shown right to left."""
from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from _server import TOKEN, build_store, open_page, running_server

pytestmark = pytest.mark.browser


def _get(url: str, **kw) -> httpx.Response:
    """A read of the API beside the page (a generous timeout: the server is shared with the page's
    own requests on a loaded machine; what is read is the point, not how fast)."""
    return httpx.get(url, timeout=60, **kw)

N = 4999  # and the Arabic event: 5,000 points, the most the page asks for
ARABIC = "قصفت طائرات حربية بلدة سراقب يوم الجمعة، ما أدى إلى مقتل خمسة مدنيين."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("map") / "map.db")
    gaz = _towns(str(tmp_path_factory.mktemp("gaz") / "gaz.db"))

    def fill():  # while the server starts
        build_store(db, N)
        _add_arabic_and_control(db)

    with running_server(db, gazetteer=gaz, fill=fill) as url:
        yield url


def _towns(path: str) -> str:
    from rasd.geo import open_gazetteer
    from rasd.geo.gazetteer import PlaceRow

    with open_gazetteer(path, build_default=False) as gaz:
        gaz.add_layer("test", [
            PlaceRow("Saraqib", 35.8623, 36.8006, country="SY", admin1="Idlib", feature="P.PPL", population=30000),
            PlaceRow("Tadmur", 34.56, 38.28, country="SY", admin1="Homs", feature="P.PPL", population=50000),
            PlaceRow("Saraqib Junction", 35.85, 36.79, country="SY", admin1="Idlib", feature="S.RDJCT")])
    return path


def _add_arabic_and_control(db: str) -> None:
    from rasd.records import Actor, ControlPeriod, Document, Event, Evidence, Place
    from rasd.store import open_store
    from rasd.store.base import SourceRead, WatchSource

    raqqa = Place("Raqqa", 35.952, 39.009, country="SY", admin1="Ar-Raqqa")
    with open_store(db) as st:
        st.add_document(Document(doc_id="ar", raw=ARABIC, title="قصف سراقب", published=date(2019, 3, 1)))
        st.replace_events("ar", [Event(
            event_id="ar:0", doc_id="ar", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
            date=date(2019, 3, 1), actor1=Actor("Military Forces of Syria"), confidence=0.41,
            location=Place("Saraqib", 35.86, 36.80, country="SY"), sentence=ARABIC,
            evidence=[Evidence("ar", 0, 4, ARABIC[0:4], "event_type")])])
        st.save_source(WatchSource(name="wire", url="https://wire.example/feed.xml", country="SY"))
        st.record_read("wire", SourceRead("error", "2026-11-29T05:00:00Z", error="HTTP 503 from wire.example"))
        st.replace_control("raqqa", [
            ControlPeriod(raqqa, "Islamic State", date(2014, 1, 1), date(2017, 10, 17), reports=3, outlets=["A", "B"]),
            ControlPeriod(raqqa, "Syrian Democratic Forces", date(2017, 10, 17), None, reports=1, outlets=["A"])])


def _cluster_total(page) -> tuple[int, int]:
    counts = [int(t) for t in page.locator(".marker-cluster span").all_text_contents()]
    return len(counts), sum(counts)


@pytest.fixture(scope="module")
def home(chromium, site):
    """One page at "/" shared by the tests that look at the map as it opens (each page opened costs
    seconds of the suite): each puts the view back to the events found before it looks."""
    page, errors = open_page(chromium, site + "/")
    yield page, errors
    page.context.close()


def test_place_labels_come_from_the_gazetteer_and_are_credited(home):
    page, errors = home
    page.click("#zoom-results")  # the view the page opens on
    page.wait_for_function("() => [...document.querySelectorAll('.town span')].some(s => s.textContent === 'Tadmur')")
    labels = page.locator(".town span").all_text_contents()
    assert "Saraqib" in labels and "Tadmur" in labels
    assert "Saraqib Junction" not in labels  # a road junction is not a town
    assert "GeoNames" in page.locator(".leaflet-control-attribution").text_content()
    assert errors == []


def test_5000_points_cluster_and_a_click_on_a_cluster_zooms_in(home):
    page, errors = home
    page.click("#zoom-results")  # the view the page opens on
    page.wait_for_selector(f"#map[data-points='{N + 1}']")  # every placed event, the Arabic one too
    page.wait_for_function("() => document.querySelectorAll('.marker-cluster').length > 0")
    n_clusters, total = _cluster_total(page)
    # twelve towns, each event within about 1 km of one: a few clusters hold (nearly) all points
    assert 1 < n_clusters <= 12
    assert total >= N - 10
    zoom = page.evaluate("() => document.querySelector('.leaflet-proxy') && "
                         "document.querySelector('.leaflet-proxy').style.transform")
    page.locator(".marker-cluster").first.click()
    page.wait_for_function("(z) => document.querySelector('.leaflet-proxy').style.transform !== z", arg=zoom,
                           timeout=10000)
    assert errors == []


def test_area_drawn_on_the_map_filters_list_map_and_export(browser, site):
    page, errors = open_page(browser, site + "/")
    page.wait_for_selector(f"#map[data-points='{N + 1}']")
    total = int(page.locator("#list-count").text_content().split()[0])
    page.click("#area-draw")
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.05)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.98, box["y"] + box["height"] * 0.95, steps=5)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#f-bbox').value !== ''")
    page.wait_for_function(f"() => !document.querySelector('#list-count').textContent.startsWith('{total} ')")
    w, s, e, n = (float(x) for x in page.input_value("#f-bbox").split(","))
    assert w < e and s < n
    inside = int(page.locator("#list-count").text_content().split()[0])
    assert 0 < inside < total
    # every listed event lies in the box (checked on the API's full record, one connection for all)
    with httpx.Client(base_url=site, timeout=60) as api:
        for event_id in page.locator("#event-list li").evaluate_all("lis => lis.map(li => li.dataset.id)")[:10]:
            loc = api.get(f"/api/events/{event_id}").json()["event"]["location"]
            assert w <= loc["lon"] <= e and s <= loc["lat"] <= n
    assert int(page.get_attribute("#map", "data-points")) == inside
    assert "bbox=" in page.get_attribute("#exp-csv", "href")
    page.click("#area-clear")
    page.wait_for_function(f"() => document.querySelector('#list-count').textContent.startsWith('{total} ')")
    assert errors == []


def test_event_list_by_keyboard_and_escape_closes_the_panel(browser, site):
    page, errors = open_page(browser, site + "/")
    page.keyboard.press("Tab")  # the first stop skips the header, filters and map
    assert page.evaluate("() => document.activeElement.id") == "skip-list"
    page.keyboard.press("Enter")
    for _ in range(80):  # Tab on until a row of the list has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('#event-list li')"):
            break
    else:
        pytest.fail("Tab never reached the event list")
    first = page.evaluate("() => document.activeElement.dataset.id")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("() => document.activeElement.dataset.id")
    assert second and second != first
    page.keyboard.press("Enter")
    page.wait_for_selector("#event-view:not([hidden]) #ev-fields")
    assert page.evaluate("() => location.hash") == "#event=" + second.replace(":", "%3A")
    page.keyboard.press("Escape")
    page.wait_for_selector("#event-view", state="hidden")
    assert page.evaluate("() => document.activeElement.dataset.id") == second
    assert errors == []


def test_arabic_article_reads_right_to_left_and_confidence_shows_on_rows_and_in_the_panel(browser, site):
    # one page open for two checks of the same event (each page open costs seconds in the suite)
    page, errors = open_page(browser, site + "/#event=ar:0")
    page.wait_for_selector("#ev-confidence")
    assert page.locator("#ev-confidence").text_content() == "conf. 0.41"
    assert page.locator("#ev-confidence .badge.low").count() == 1
    assert page.locator("#event-list li .badge.conf").count() == 50
    page.wait_for_selector("#ev-evidence .excerpt")
    direction = "(n) => getComputedStyle(n).direction"
    assert page.locator("#ev-evidence .excerpt").first.evaluate(direction) == "rtl"
    page.click("#show-doc")
    page.wait_for_selector("#doc-text")
    assert page.locator("#doc-text").evaluate(direction) == "rtl"
    assert ARABIC in page.locator("#doc-text").text_content()
    page.click("#back")
    row = "#event-list li[data-id='ar:0'] .s[dir='auto']"  # the newest event: on the first page
    assert page.locator(row).evaluate(direction) == "rtl"
    english = page.locator("#event-list li:not([data-id='ar:0']) .s[dir='auto']").first
    assert english.evaluate(direction) == "ltr"  # English sentences stay left to right
    assert errors == []


def test_control_layer_colours_places_by_holder_on_the_brushed_date(browser, site):
    page, errors = open_page(browser, site + "/")
    page.get_by_label(re.compile("control")).check()
    page.wait_for_selector("#control-legend:not([hidden])")
    legend = page.locator("#control-legend").text_content()
    assert "Syrian Democratic Forces" in legend and "Islamic State" not in legend
    assert "one report" in legend
    page.fill("#f-to", "2016-06-30")
    page.click("#f-apply")
    page.wait_for_function("() => document.querySelector('#control-legend').textContent.includes('2016-06-30')")
    legend = page.locator("#control-legend").text_content()
    assert "Islamic State" in legend and "Syrian Democratic Forces" not in legend
    assert page.locator("path.ctl-ring").count() == 1
    assert errors == []


def test_second_visit_opens_on_what_is_new_and_the_sources_panel_shows_errors(browser, site):
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    first = context.new_page()
    first.goto(site + "/")
    first.wait_for_selector("body[data-ready='1']", timeout=20000)
    assert first.input_value("#f-since") == ""  # a first visit: everything
    first.close()
    page = context.new_page()  # a new tab of the same browser: the next visit
    errors, asked = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: asked.append(r.url) if "/api/events?" in r.url else None)
    page.goto(site + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=20000)
    since = page.input_value("#f-since")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", since)
    assert "your last visit" in page.locator("#since-last-visit").text_content()
    assert any("since=" + since.replace(":", "%3A") in u for u in asked)
    page.click("#sources-btn")
    row = page.locator("#sources-table tr[data-source='wire']")
    row.wait_for()
    assert "HTTP 503 from wire.example" in row.text_content() and "2026-11-29 05:00" in row.text_content()
    assert row.get_attribute("class") == "failing"
    page.click("#sources-back")
    assert page.locator("#list-view").is_visible()
    assert errors == []
    context.close()



def test_alert_saved_from_the_current_filters(browser, site):
    if _get(site + "/api/alerts").status_code == 404:
        pytest.skip("the alerts API (issue 13, part 4) is not merged")
    page, errors = open_page(browser, site + "/#token=" + TOKEN)
    page.fill("#f-place", "Raqqa")
    page.select_option("#f-status", "confirmed")
    page.click("#f-apply")
    page.click("#alerts-btn")
    page.wait_for_selector("#alert-form")
    assert page.locator("#alert-filters").text_content() == "place: Raqqa · status: confirmed"
    page.fill("#al-name", "raqqa-confirmed")
    page.fill("#al-target", "https://hooks.example.org/rasd")
    page.click("#al-save")
    page.wait_for_selector("#alerts-list li[data-alert='raqqa-confirmed']")
    assert page.locator("#alert-secret code").text_content()  # a webhook's secret, shown once
    saved = {a["name"]: a for a in _get(site + "/api/alerts").json()["items"]}["raqqa-confirmed"]
    assert (saved["channel"], saved["target"]) == ("webhook", "https://hooks.example.org/rasd")
    assert saved["filters"] == {"place": "Raqqa", "status": "confirmed"}
    page.click("#alerts-list li[data-alert='raqqa-confirmed'] .al-delete")
    page.wait_for_selector("#alerts-list li[data-alert='raqqa-confirmed']", state="detached")
    assert all(a["name"] != "raqqa-confirmed" for a in _get(site + "/api/alerts").json()["items"])
    assert errors == []
