"""Alerts (issue 13 part 4), loopback only: saved searches queued in the fusion's transaction,
delivered once per (alert, fused event, revision) to a local webhook receiver (signed) and a
local SMTP server (aiosmtpd), retried with backoff, one dispatcher per store (the lease)."""
from __future__ import annotations

import json
import socket
from datetime import date, datetime, timedelta, timezone

import pytest
from fuse_helpers import GOV, HTS, event, st  # noqa: F401 (st is a fixture)

from rasd.alerts.dispatch import Dispatcher
from rasd.alerts.model import AlertError, make_alert
from rasd.alerts.receiver import WebhookReceiver
from rasd.alerts.send import senders
from rasd.alerts.settings import AlertSettings
from rasd.fuse import Fuser
from rasd.pipeline import Pipeline, PipelineConfig, store_results
from rasd.records import Document, Result

D = date(2024, 12, 7)


class Clock:
    """A clock the test moves (retries wait for it, not for real seconds); it starts an hour
    ahead, so that what the test queues is due."""

    def __init__(self) -> None:
        self.t = datetime.now(timezone.utc) + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, secs: float) -> None:
        self.t += timedelta(seconds=secs)


def settings(**kw) -> AlertSettings:
    return AlertSettings.load(env=False).but(**{"timeout_s": 5, "backoff_s": 10, **kw})


def ingest(st, fuser, doc_id: str, outlet: str, where: str = "Hama", text: str = "", fatalities=None):
    """Store a document with its one clash through the writer of `rasd ingest` (store_results)."""
    doc = Document(doc_id=doc_id, raw=text or f"Clashes in {where} reported by {outlet}.", outlet=outlet,
                   url=f"https://{outlet.lower().replace(' ', '')}.example/{doc_id}")
    ev = event(f"{doc_id}:0", doc_id, "Armed clash", D, where, a1=GOV, a2=HTS, fatalities=fatalities,
               sentence=f"Clashes between the army and HTS in {where}.")
    return store_results(st, Pipeline([], PipelineConfig(with_events=True)), fuser, [Result(doc, [ev])])[0].status


def test_notifications_are_queued_once_per_change_and_none_for_unchanged_reingests(st):
    st.save_alert(make_alert("hama", webhook="http://127.0.0.1:9/hook", filters={"place": "Hama"}))
    st.save_alert(make_alert("confirmed", webhook="http://127.0.0.1:9/hook", filters={"status": "confirmed"}))
    st.save_alert(make_alert("iraq", email="analyst@localhost", filters={"country": "IQ"}))
    f = Fuser(st)
    assert ingest(st, f, "a", "SANA") == "new"
    (n,) = st.notifications("hama")
    assert (n.revision, n.payload["kind"], n.status) == (1, "new", "pending")
    assert n.payload["event"]["reports"][0]["url"] == "https://sana.example/a"
    assert st.notifications("confirmed") == [] and st.notifications("iraq") == []
    # the same article again, and the same outlet again: nothing new to tell
    assert ingest(st, f, "a", "SANA") == "unchanged"
    ingest(st, f, "a2", "SANA")
    assert len(st.notifications("hama")) == 1
    # another outlet: confirmed, corroboration 2 -> one notification to each matching alert
    ingest(st, f, "b", "Reuters")
    hama = st.notifications("hama")
    assert [x.revision for x in hama] == [2, 1] and hama[0].payload["kind"] == "changed"
    assert {c["field"] for c in hama[0].payload["changes"]} == {"status", "corroboration"}
    assert [x.revision for x in st.notifications("confirmed")] == [2]
    # a document changed and read again (its report leaves and joins again): no notification
    assert ingest(st, f, "b", "Reuters", text="Clashes in Hama, Reuters reports again.") == "updated"
    assert len(st.notifications("hama")) == 2 and len(st.notifications("confirmed")) == 1
    # a higher death toll is news
    ingest(st, f, "c", "AFP", fatalities=7)
    assert [c["field"] for c in st.notifications("hama")[0].payload["changes"]] == ["corroboration", "fatalities"]
    # a notification already queued for (alert, cluster, revision) is not queued twice
    rev = st.fused_revision(n.cluster_id)
    assert st.record_revision(rev, {"kind": "changed"}) == 0


def test_the_webhook_gets_each_notification_signed_and_once(st):
    clock = Clock()
    with WebhookReceiver() as hook:
        alert = make_alert("hama", webhook=hook.url, filters={"place": "Hama"})
        st.save_alert(alert)
        f = Fuser(st)
        ingest(st, f, "a", "SANA")
        ingest(st, f, "b", "Reuters")
        d = Dispatcher(st, settings(), senders(settings()), clock=clock)
        report = d.deliver_due()
        assert (report.held, report.sent, report.failed) == (True, 2, 0)
        assert d.deliver_due().sent == 0  # delivered ones are not sent again
        d.close()
    assert len(hook.received) == 2 and all(r.signed_by(alert.secret) for r in hook.received)
    assert not hook.received[0].signed_by("another secret of some length")
    first, second = (r.json() for r in hook.received)
    assert (first["kind"], second["kind"]) == ("new", "changed") and first["alert"] == "hama"
    assert hook.received[1].notification == second["notification"] == f"hama/{second['cluster_id']}/2"
    assert second["event"]["status"] == "confirmed" and second["event"]["corroboration"] == 2
    assert [n.status for n in st.notifications("hama")] == ["sent", "sent"]


def test_failures_are_retried_with_backoff_and_lasting_ones_given_up(st):
    clock = Clock()
    lines = []
    with WebhookReceiver() as hook:
        st.save_alert(make_alert("all", webhook=hook.url))
        ingest(st, Fuser(st), "a", "SANA")
        d = Dispatcher(st, settings(attempts=3), senders(settings()), clock=clock, on_failure=lines.append)
        hook.fail(500, 503)
        assert d.deliver_due().retrying == 1
        (n,) = st.notifications("all")
        assert (n.status, n.attempts, n.last_error) == ("pending", 1, "HTTP 500 Internal Server Error")
        assert "will retry in 10 s (attempt 1 of 3)" in lines[0]
        assert d.deliver_due().sent == 0  # not due before its backoff
        clock.advance(10)
        assert d.deliver_due().retrying == 1  # 503: the second wait doubles
        assert st.notifications("all")[0].next_at > (clock.t + timedelta(seconds=19)).isoformat()[:19]
        clock.advance(20)
        assert d.deliver_due().sent == 1 and len(hook.received) == 1
        assert st.notifications("all")[0].attempts == 3
        # a 404 is not retried; a timeout-like failure is given up after the last attempt
        ingest(st, Fuser(st), "b", "Reuters")
        hook.fail(404)
        assert d.deliver_due().failed == 1 and "given up (not retried)" in lines[-1]
        assert st.notifications("all")[0].status == "failed"
        d.close()


def test_one_dispatcher_per_store_holds_the_lease(store_factory):
    s1, s2 = store_factory(), store_factory()
    clock = Clock()
    with WebhookReceiver() as hook:
        s1.save_alert(make_alert("all", webhook=hook.url))
        ingest(s1, Fuser(s1), "a", "SANA")
        a = Dispatcher(s1, settings(), senders(settings()), clock=clock, holder="a")
        b = Dispatcher(s2, settings(), senders(settings()), clock=clock, holder="b")
        assert b.deliver_due().held and a.deliver_due().held is False  # b took it first
        assert len(hook.received) == 1
        ingest(s1, Fuser(s1), "b", "Reuters")
        assert a.deliver_due().held is False
        clock.advance(61)  # b died without giving it up: its lease expires, a takes over
        assert a.deliver_due().sent == 1 and b.deliver_due().held is False
        a.close()  # a closed dispatcher gives its lease up
        assert b.deliver_due().held
        b.close()
    assert len(hook.received) == 2


def test_email_goes_through_a_local_smtp_server(st):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    got = []

    class Keep(Message):
        def handle_message(self, message):
            got.append(message)

    with socket.socket() as probe:  # a free port (the controller checks its server by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = Controller(Keep(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        s = settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="rasd@localhost")
        st.save_alert(make_alert("mail", email="analyst@localhost", filters={"place": "Hama"}))
        ingest(st, Fuser(st), "a", "SANA")
        d = Dispatcher(st, s, senders(s))
        assert d.deliver_due().sent == 1
        d.close()
    finally:
        ctl.stop()
    (m,) = got
    assert m["To"] == "analyst@localhost" and m["Subject"].startswith("rasd alert mail: NEW Armed clash, Hama (SY)")
    assert m["X-Rasd-Notification"].startswith("mail/") and "https://sana.example/a" in m.get_payload()
    # no SMTP server there: a passing failure, retried
    s = settings(smtp_host="127.0.0.1", smtp_port=port)
    ingest(st, Fuser(st), "b", "Reuters")
    d = Dispatcher(st, s, senders(s))
    assert d.deliver_due().retrying == 1
    d.close()


@pytest.mark.parametrize("kw, says", [
    (dict(name="bad name", webhook="http://127.0.0.1/h"), "name:"),
    (dict(name="a"), "exactly one of webhook or email"),
    (dict(name="a", webhook="ftp://x/y"), "webhook: 'ftp://x/y' is not an http(s) URL"),
    (dict(name="a", email="not-an-address"), "email:"),
    (dict(name="a", email="a@b.org", secret="0123456789abcdef"), "only a webhook is signed"),
    (dict(name="a", webhook="http://127.0.0.1/h", filters={"colour": "red"}), "filters.colour: not a filter"),
    (dict(name="a", webhook="http://127.0.0.1/h", filters={"status": "maybe"}), "filters.status"),
    (dict(name="a", webhook="http://127.0.0.1/h", filters={"min_corroboration": 0}), "from 1 to 1000"),
    (dict(name="a", webhook="http://127.0.0.1/h", filters={"country": "Syria"}), "alpha-2"),
])
def test_an_alert_that_cannot_be_saved_says_why(kw, says):
    with pytest.raises(AlertError, match=says.replace("(", r"\(").replace(")", r"\)")):
        make_alert(**kw)


def test_the_cli_adds_tests_and_removes_alerts(run_cli, db):
    from rasd.store import open_store

    with WebhookReceiver() as hook:
        out = run_cli("alerts", "add", "hama", "--webhook", hook.url, "--place", "Hama", "--min-corroboration", "2")
        assert out.returncode == 0 and "signing secret" in out.stdout
        bad = run_cli("alerts", "add", "x", "--webhook", hook.url, "--status", "maybe")
        assert bad.returncode == 2 and bad.stderr.startswith("rasd: --status: 'maybe' is not one of")
        with open_store(db) as st:
            (row,) = st.list_alerts()
            assert row.filters == {"place": "Hama", "min_corroboration": 2} and row.channel == "webhook"
        assert run_cli("alerts", "test", "hama").returncode == 0
        assert hook.received[0].json()["kind"] == "test" and hook.received[0].signed_by(row.secret)
        assert run_cli("alerts", "remove", "hama", "nope").returncode == 1
    with open_store(db) as st:
        assert st.list_alerts() == []
