"""The dispatcher: delivers the outbox's due notifications, one dispatcher per store at a time.

Each round it takes (or renews) the store's ``alerts`` lease; without it, it does nothing (another
dispatcher delivers). It renews the lease before each delivery, sends, and records the outcome:
sent; pending again with a later ``next_at`` (backoff: backoff_s, doubled per attempt, at most
backoff_max_s) when trying again may help; failed when it may not or attempts are used up.

A notification is queued exactly once per (alert, fused event, revision) (the outbox's unique
key, written in the fusion's transaction). It is delivered once unless the dispatcher dies between
the receiver's answer and the recording of it: then it is sent again with the same id
(``X-Rasd-Notification``, the ``notification`` field), which a receiver can use to drop the copy.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Optional

from ..clock import now as utc_now
from ..clock import stamp
from ..store.base import Alert, AlertStore, Notification
from .send import DeliveryError, describe
from .settings import AlertSettings

log = logging.getLogger(__name__)
LEASE = "alerts"


@dataclass
class DispatchReport:
    held: bool = False  # this dispatcher held the lease
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def notification_id(n: Notification) -> str:
    return f"{n.alert}/{n.cluster_id}/{n.revision}"


def message_of(alert: Alert, n: Notification, at: str) -> dict[str, Any]:
    """What is sent: the queued payload (kind, cluster_id, revision, changes, event), the alert's
    name and search, the notification's id and when this attempt was made."""
    return {**n.payload, "alert": alert.name, "filters": alert.filters, "notification": notification_id(n),
            "sent_at": at}


def newest_match(store: Any, alert: Alert) -> Optional[dict[str, Any]]:
    """The newest fused event an alert matches, as a notification shows it (None when none): what
    a test notification carries. ``store`` has the fusion and document roles."""
    from ..fuse.revisions import event_summary
    from ..records import FusedEvent

    got = store.query_fused_view(limit=1, **alert.filters)
    return event_summary(FusedEvent.from_dict(got[0]), store.get_document) if got else None


class Dispatcher:
    """Built with its store (the AlertStore role), settings and a sender per channel."""

    def __init__(self, store: AlertStore, settings: AlertSettings, senders: dict[str, Any], *,
                 holder: Optional[str] = None, clock: Callable[[], datetime] = utc_now,
                 on_failure: Optional[Callable[[str], None]] = None):
        self.store = store
        self.settings = settings
        self.senders = senders
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.on_failure = on_failure or (lambda line: None)

    def _lease(self) -> bool:
        t = self.clock()
        return self.store.acquire_lease(LEASE, self.holder, now=stamp(t),
                                        until=stamp(t + timedelta(seconds=self.settings.lease_s)))

    def deliver_due(self) -> DispatchReport:
        """One round: every due notification (at most ``batch``), if this dispatcher holds the lease."""
        report = DispatchReport()
        if not self._lease():
            return report
        report.held = True
        alerts: dict[str, Optional[Alert]] = {}
        for n in self.store.due_notifications(stamp(self.clock()), limit=self.settings.batch):
            if not self._lease():  # lost it (this process stalled past its lease): another delivers
                report.held = False
                break
            if n.alert not in alerts:
                alerts[n.alert] = self.store.get_alert(n.alert)
            alert = alerts[n.alert]
            if alert is not None:
                self._deliver(alert, n, report)
        return report

    def _deliver(self, alert: Alert, n: Notification, report: DispatchReport) -> None:
        at = stamp(self.clock())
        try:
            self.senders[alert.channel].send(alert, message_of(alert, n, at))
        except DeliveryError as exc:
            attempt = n.attempts + 1
            if exc.retry and attempt < self.settings.attempts:
                wait = min(self.settings.backoff_s * 2 ** (attempt - 1), self.settings.backoff_max_s)
                self.store.mark_notification(n.id, status="pending", at=at, error=exc.reason,
                                             next_at=stamp(self.clock() + timedelta(seconds=wait)))
                report.retrying += 1
                line = (f"alert {alert.name}: {alert.target}: {exc.reason}; will retry in {wait:g} s "
                        f"(attempt {attempt} of {self.settings.attempts})")
            else:
                self.store.mark_notification(n.id, status="failed", at=at, error=exc.reason)
                report.failed += 1
                why = f"after {attempt} attempts" if exc.retry else "not retried"
                line = f"alert {alert.name}: {alert.target}: {exc.reason}; given up ({why})"
            report.failures.append(line)
            self.on_failure(line)
            return
        self.store.mark_notification(n.id, status="sent", at=at)
        report.sent += 1
        log.info("alert %s: sent %s (%s)", alert.name, notification_id(n), describe(n.payload))

    def test(self, alert: Alert, event: Optional[dict[str, Any]] = None) -> Optional[str]:
        """Send a test notification now (not queued); None when delivered, else the reason."""
        at = stamp(self.clock())
        message = {"kind": "test", "alert": alert.name, "filters": alert.filters, "notification": f"{alert.name}/test/{at}",
                   "sent_at": at, "changes": [], "event": event}
        try:
            self.senders[alert.channel].send(alert, message)
        except DeliveryError as exc:
            return exc.reason
        return None

    def run(self, stop: threading.Event, on_round: Optional[Callable[[DispatchReport], None]] = None) -> None:
        """Rounds every ``poll_s`` until ``stop`` is set; the lease is given up at the end. A store
        error is logged and the next round tries again."""
        try:
            while not stop.is_set():
                try:
                    report = self.deliver_due()
                    if on_round is not None:
                        on_round(report)
                except Exception as exc:  # the store was busy or gone for a moment: try again
                    log.warning("alert dispatcher: %s: %s", type(exc).__name__, exc)
                    log.debug("alert dispatcher round failed", exc_info=True)
                stop.wait(self.settings.poll_s)
        finally:
            self.release()

    def release(self) -> None:
        """Give the lease up (another dispatcher may take it at once)."""
        try:
            self.store.release_lease(LEASE, self.holder)
        except Exception:  # the store is closing: the lease expires by itself
            log.debug("could not release the alert lease", exc_info=True)

    def close(self) -> None:
        """Give the lease up and close the senders."""
        self.release()
        for s in self.senders.values():
            s.close()


class DispatchThread(threading.Thread):
    """The dispatcher on a thread of its own (``rasd watch``, ``rasd serve --watch``), with a
    store connection of its own that ``open_store()`` opens there; ``stop()`` ends it."""

    def __init__(self, open_store: Callable[[], Any], settings: AlertSettings,
                 on_failure: Optional[Callable[[str], None]] = None, transport: Any = None):
        super().__init__(name="rasd-alerts", daemon=True)
        self._open_store = open_store
        self._settings = settings
        self._on_failure = on_failure
        self._transport = transport
        self._stop_event = threading.Event()
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        from .send import senders

        try:
            store = self._open_store()
            d = Dispatcher(store, self._settings, senders(self._settings, self._transport), on_failure=self._on_failure)
            try:
                d.run(self._stop_event)
            finally:
                d.close()
                store.close()
        except BaseException as exc:  # the watcher goes on without alerts; say why
            self.error = exc
            log.error("the alert dispatcher stopped: %s: %s", type(exc).__name__, exc)

    def stop(self, timeout: float = 15.0) -> None:
        self._stop_event.set()
        self.join(timeout)
