"""Alerts, the outbox of their notifications, and leases (migration 007), for
every SQL backend.
Notifications are queued by ``FusionMixin.record_revision``."""
from __future__ import annotations

import json
from typing import Any, Optional

from ..base import Alert, Notification
from .dialect import SQLConnection


class AlertsMixin(SQLConnection):

    # -- alerts -------------------------------------------------------------
    def save_alert(self, alert: Alert) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO alerts(name, filters, channel, target, secret) VALUES (?,?,?,?,?)"
                " ON CONFLICT(name) DO UPDATE SET filters=excluded.filters, channel=excluded.channel,"
                " target=excluded.target, secret=excluded.secret",
                (alert.name, json.dumps(alert.filters, ensure_ascii=False, sort_keys=True), alert.channel,
                 alert.target, alert.secret))

    def get_alert(self, name: str) -> Optional[Alert]:
        got = [a for a in self._alerts("WHERE a.name = ?", (name,))]
        return got[0] if got else None

    def list_alerts(self) -> list[Alert]:
        return self._alerts("", ())

    def _alerts(self, where: str, args: tuple) -> list[Alert]:
        rows = self.conn.execute(
            "SELECT a.*, (SELECT count(*) FROM alert_outbox o WHERE o.alert = a.name AND o.status = 'pending') AS np,"
            " (SELECT count(*) FROM alert_outbox o WHERE o.alert = a.name AND o.status = 'sent') AS ns,"
            " (SELECT count(*) FROM alert_outbox o WHERE o.alert = a.name AND o.status = 'failed') AS nf"
            f" FROM alerts a {where} ORDER BY a.name", args).fetchall()
        return [Alert(r["name"], r["channel"], r["target"], json.loads(r["filters"] or "{}"), r["secret"],
                      r["created_at"], r["np"], r["ns"], r["nf"]) for r in rows]

    def remove_alert(self, name: str) -> bool:
        with self.transaction():
            self.conn.execute("DELETE FROM alert_outbox WHERE alert=?", (name,))
            return self.conn.execute("DELETE FROM alerts WHERE name=?", (name,)).rowcount > 0

    # -- the outbox ---------------------------------------------------------
    def queue_notification(self, alert: str, cluster_id: str, revision: int, payload: dict[str, Any],
                           at: str) -> Optional[int]:
        with self.transaction():
            row = self.conn.execute(
                "INSERT INTO alert_outbox(alert, cluster_id, revision, payload, created_at, next_at) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(alert, cluster_id, revision) DO NOTHING RETURNING id",
                (alert, cluster_id, revision, json.dumps(payload, ensure_ascii=False, default=str), at, at)).fetchone()
            return row[0] if row else None

    def due_notifications(self, now: str, limit: int = 50) -> list[Notification]:
        rows = self.conn.execute("SELECT * FROM alert_outbox WHERE status = 'pending' AND next_at <= ?"
                                 " ORDER BY next_at, id LIMIT ?", (now, limit)).fetchall()
        return [_notification(r) for r in rows]

    def notifications(self, alert: Optional[str] = None, limit: int = 50) -> list[Notification]:
        where, args = ("WHERE alert = ?", [alert]) if alert else ("", [])
        rows = self.conn.execute(f"SELECT * FROM alert_outbox {where} ORDER BY id DESC LIMIT ?",
                                 args + [limit]).fetchall()
        return [_notification(r) for r in rows]

    def mark_notification(self, id: int, *, status: str, at: str, error: Optional[str] = None,
                          next_at: Optional[str] = None) -> None:
        if status not in ("pending", "sent", "failed"):
            raise ValueError(f"unknown notification status {status!r}")
        with self.transaction():
            self.conn.execute(
                "UPDATE alert_outbox SET status=?, attempts=attempts+1, last_error=?,"
                " next_at=COALESCE(?, next_at), sent_at=CASE WHEN ?='sent' THEN ? ELSE sent_at END WHERE id=?",
                (status, error, next_at, status, at, id))

    # -- leases -------------------------------------------------------------
    def acquire_lease(self, name: str, holder: str, *, now: str, until: str) -> bool:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO leases(name, holder, expires_at) VALUES (?,?,?)"
                " ON CONFLICT(name) DO UPDATE SET holder=excluded.holder, expires_at=excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at < ?", (name, holder, until, now))
            row = self.conn.execute("SELECT holder FROM leases WHERE name=?", (name,)).fetchone()
        return row is not None and row[0] == holder

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM leases WHERE name=? AND holder=?", (name, holder))


def _notification(r: Any) -> Notification:
    payload: dict[str, Any] = json.loads(r["payload"])
    return Notification(r["id"], r["alert"], r["cluster_id"], r["revision"], payload, r["created_at"], r["status"],
                        r["attempts"], r["next_at"], r["last_error"], r["sent_at"])
