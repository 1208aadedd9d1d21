"""The analysts' workbench in Debian's Chromium (Playwright): the review queue driven by the
keyboard alone, a correction carrying its analyst's name, the warning before a place
correction moves an event far away, and a fused event's reports side by side."""
from __future__ import annotations

from datetime import date

import httpx
import pytest

from _server import TOKEN, build_store, open_page, running_server

pytestmark = pytest.mark.browser


def _get(url: str, **kw) -> httpx.Response:
    """A read of the API beside the page (a generous timeout: the server is shared with the page's
    own requests on a loaded machine; what is read is the point, not how fast)."""
    return httpx.get(url, timeout=60, **kw)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
OUTLETS = ("Northern Wire", "Levant Daily")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("rasd.analysts", reason="analysts' tokens (issue 14's workbench API) are not merged")
    db = str(tmp_path_factory.mktemp("review") / "review.db")
    gaz = _places(str(tmp_path_factory.mktemp("gaz") / "gaz.db"))
    token = []

    def fill():  # while the server starts
        build_store(db, 120)
        token.append(_analyst(db, "ana"))
        _add_fused(db)

    with running_server(db, gazetteer=gaz, fill=fill) as url:
        yield url, token[0]


def _analyst(db: str, name: str) -> str:
    from rasd.analysts import hash_token, new_token
    from rasd.store import open_store

    token = new_token()
    with open_store(db) as st:
        st.add_token(name, hash_token(token))
    return token


def _places(path: str) -> str:
    from rasd.geo import open_gazetteer
    from rasd.geo.gazetteer import PlaceRow

    with open_gazetteer(path, build_default=False) as gaz:
        gaz.add_layer("test", [
            PlaceRow("Balyun", 35.66, 36.52, country="SY", admin1="Idlib", feature="P.PPL", population=3000),
            PlaceRow("Balun", -7.05, 112.45, country="ID", admin1="Jawa Timur", feature="P.PPL", population=9000),
            PlaceRow("Saraqib", 35.8623, 36.8006, country="SY", admin1="Idlib", feature="P.PPL", population=30000)])
    return path


SENTENCES = ("Government aircraft struck the market in Saraqib on Friday, killing 4 people.",
             "An air strike on Saraqib's market killed 11 people on Friday, medics said.")


def _add_fused(db: str) -> None:
    """One real-world event told by two outlets who disagree on the dead."""
    from rasd.records import Actor, Document, Event, Evidence, FusedEvent, Place, Report
    from rasd.store import open_store

    day = date(2019, 3, 1)
    place = Place("Saraqib", 35.8623, 36.8006, country="SY", admin1="Idlib")
    events, reports = [], []
    with open_store(db) as st:
        for i, (outlet, text, dead) in enumerate(zip(OUTLETS, SENTENCES, (4, 11))):
            doc_id = f"strike{i}"
            st.add_document(Document(doc_id=doc_id, raw=text, title=f"Market strike in Saraqib ({outlet})",
                                     published=day, outlet=outlet, url=f"https://news{i}.example/saraqib"))
            trig = text.index("struck" if i == 0 else "air strike")
            ev = Event(event_id=f"{doc_id}:0", doc_id=doc_id, event_type="Explosions/Remote violence",
                       sub_event_type="Air/drone strike", date=day, actor1=Actor("Military Forces of Syria"),
                       location=place, fatalities=dead, sentence=text, confidence=0.7, cluster_id="c-strike",
                       status="disputed", evidence=[Evidence(doc_id, trig, trig + 6, text[trig:trig + 6], "event_type")])
            st.replace_events(doc_id, [ev])
            events.append(ev)
            reports.append(Report(event_id=ev.event_id, doc_id=doc_id, outlet=outlet, stance="asserted", date=day,
                                  fatalities=dead, event_type=ev.event_type, sub_event_type=ev.sub_event_type,
                                  actor1=ev.actor1, location=place, sentence=text, confidence=0.7))
        st.save_fused(FusedEvent(cluster_id="c-strike", event_type="Explosions/Remote violence",
                                 sub_event_type="Air/drone strike", date=day, date_range=(day, day), location=place,
                                 actor1=Actor("Military Forces of Syria"), fatalities=4, fatalities_range=(4, 11),
                                 status="disputed", corroboration=2, reports=reports),
                      family="Explosions/Remote violence", place_key="saraqib")


def _open(browser, url, token=TOKEN, hash_=""):
    return open_page(browser, f"{url}/#token={token}" + (f"&{hash_}" if hash_ else ""))


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.dataset.id || ''")


def test_review_queue_driven_by_the_keyboard_alone(browser, site):
    url, token = site
    page, errors = _open(browser, url, token)
    page.keyboard.press("Tab")  # the first stop skips the header, filters and map to the list
    assert _focused(page) == "skip-list"
    page.keyboard.press("Enter")
    for _ in range(80):  # Tab to the queue's button
        page.keyboard.press("Tab")
        if _focused(page) == "mode-review":
            break
    else:
        pytest.fail("Tab never reached the review queue")
    before = _get(url + "/api/review", params={"count": "true", "limit": 1}).json()["total"]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('#list-count').textContent === '{before} to review'")
    confs = [float(t.split()[1]) for t in page.locator("#event-list li .badge.conf").all_text_contents()]
    assert confs == sorted(confs)  # lowest confidence first
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the order: the first row of the queue
    while not page.evaluate("() => document.activeElement.matches('#event-list li')"):
        page.keyboard.press("Tab")
    first = _focused(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#review-bar")
    keys = page.locator("#review-keys").text_content()
    assert all(k in keys for k in ("J", "K", "A", "R", "E", "Esc"))
    page.keyboard.press("a")  # accept: the next event of the queue opens
    page.wait_for_function(f"() => !location.hash.includes('{first.replace(':', '%3A')}')")
    second = page.evaluate("() => decodeURIComponent(location.hash.split('=')[1])")
    page.keyboard.press("j")
    page.wait_for_function(f"() => decodeURIComponent(location.hash) !== '#event={second}'")
    page.keyboard.press("k")
    page.wait_for_function(f"() => decodeURIComponent(location.hash) === '#event={second}'")
    page.keyboard.press("r")  # reject it
    page.wait_for_function(f"() => decodeURIComponent(location.hash) !== '#event={second}'")
    page.keyboard.press("e")  # edit: the correction form has the focus
    assert _focused(page) == "c-type"
    page.keyboard.press("Escape")  # in the form: Esc closes the panel too, back to the queue
    page.wait_for_selector("#event-view", state="hidden")
    h1 = _get(f"{url}/api/events/{first}/history").json()
    h2 = _get(f"{url}/api/events/{second}/history").json()
    assert (h1["review"], h1["history"][-1]["author"]) == ("accepted", "ana")
    assert (h2["review"], h2["history"][-1]["author"]) == ("rejected", "ana")
    assert _get(url + "/api/review", params={"count": "true", "limit": 1}).json()["total"] == before - 2
    assert errors == []


def test_correction_carries_its_analysts_name(browser, site):
    url, token = site
    event_id = _get(url + "/api/events", params={"limit": 1, "offset": 7, "view": "summary"}).json()[
        "items"][0]["event_id"]
    page, errors = _open(browser, url, token, f"event={event_id}")
    page.wait_for_selector("#correct-form")
    page.fill("#c-fat", "17")
    page.fill("#c-note", "the hospital's count")
    page.click("#c-save")
    page.wait_for_selector("#ev-history li[data-author='ana']")
    assert "fatalities → 17" in page.locator("#ev-history").text_content()
    hist = _get(f"{url}/api/events/{event_id}/history").json()["history"]
    assert hist[-1]["author"] == "ana" and hist[-1]["changes"] == {"fatalities": 17}
    assert errors == []


def test_place_correction_to_another_country_asks_first(browser, site):
    url, _ = site
    page, errors = _open(browser, url, TOKEN, "event=strike0:0")
    page.wait_for_selector("#correct-form")
    page.fill("#c-place", "Balun")
    page.click("#c-search")
    page.wait_for_selector("#c-found:not([hidden]) option:nth-child(2)", state="attached")
    options = page.locator("#c-found option").all_text_contents()
    java = next(i for i, o in enumerate(options) if "Jawa Timur" in o)
    assert "another country" in options[java] and "km" in options[java]
    page.select_option("#c-found", index=java)
    page.click("#c-save")
    page.wait_for_selector("#dialog-back:not([hidden])")
    text = page.locator("#dialog-text").text_content()
    assert "km" in text and "SY → ID" in text
    page.click("#dialog-cancel")  # not saved
    page.wait_for_selector("#dialog-back", state="hidden")
    loc = _get(url + "/api/events/strike0:0").json()["event"]["location"]
    assert loc["name"] == "Saraqib"
    page.click("#c-save")
    page.wait_for_selector("#dialog-back:not([hidden])")
    page.click("#dialog-ok")  # confirmed: saved
    page.wait_for_function("() => document.querySelector('#ev-fields').textContent.includes('Balun')")
    assert _get(url + "/api/events/strike0:0").json()["event"]["location"]["country"] == "ID"
    assert errors == []


def test_fused_event_reports_side_by_side(browser, site):
    url, _ = site
    page, errors = _open(browser, url)
    page.click("#mode-fused")
    row = page.locator("#event-list li[data-cluster='c-strike']")
    row.wait_for()
    assert "2 reports" in row.text_content() and all(o in row.text_content() for o in OUTLETS)
    row.click()
    page.wait_for_selector("#ev-compare")
    heads = page.locator("#ev-compare thead th[data-event]")
    assert heads.count() == 2
    for i, outlet in enumerate(OUTLETS):
        head = heads.nth(i)
        assert outlet in head.text_content() and f"Market strike in Saraqib ({outlet})" in head.text_content()
        assert head.locator("a").get_attribute("href") == f"https://news{i}.example/saraqib"
    fat = page.locator("#ev-compare tr[data-field='fatalities'] td")
    assert fat.all_text_contents() == ["4", "11"] and fat.nth(1).get_attribute("class") == "differs"
    assert page.locator("#ev-compare tr[data-field='place'] td.differs").count() == 0
    # the whole article with the evidence marked in it
    page.click("#show-doc")
    page.wait_for_selector("#doc-text mark")
    assert page.locator("#doc-text mark").first.text_content() in ("struck", "air st")
    assert errors == []
