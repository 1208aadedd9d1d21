"""Delivering one notification: a webhook (POST of JSON signed with HMAC-SHA256) or an e-mail
(stdlib smtplib). A failure is a DeliveryError that says whether trying again may help."""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Optional

from ..store.base import Alert
from .settings import AlertSettings

SIGNATURE_HEADER = "X-Rasd-Signature"      # sha256=<hex HMAC-SHA256 of the body with the alert's secret>
NOTIFICATION_HEADER = "X-Rasd-Notification"  # the notification's id: the same on every retry


class DeliveryError(Exception):
    def __init__(self, reason: str, retry: bool):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


def body_bytes(message: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(message, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the HMAC-SHA256 of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def describe(message: dict[str, Any]) -> str:
    """One line for people: NEW/CHANGED, what, where, when, how sure, what changed."""
    ev = message.get("event") or {}
    loc = ev.get("location") or {}
    kind = {"new": "NEW", "changed": "CHANGED", "test": "TEST"}.get(message.get("kind", ""), "")
    out = f"{kind} {ev.get('sub_event_type') or 'event'}, {loc.get('name') or 'place unknown'}"
    if loc.get("country"):
        out += f" ({loc['country']})"
    out += f", {ev.get('date') or 'undated'}"
    if ev.get("fatalities"):
        out += f", {ev['fatalities']} killed"
    if ev.get("status"):
        n = ev.get("corroboration") or 1
        out += f": {ev['status']}, {n} outlet{'s' if n != 1 else ''}"
    changes = [c for c in message.get("changes") or [] if c.get("field") != "new"]
    if changes:
        out += " (" + "; ".join(f"{c['field']} {c.get('from')} → {c.get('to')}" for c in changes) + ")"
    return " ".join(out.split())


class WebhookSender:
    def __init__(self, settings: AlertSettings, transport: Any = None):
        import httpx

        self._httpx = httpx
        self.client = httpx.Client(timeout=settings.timeout_s, follow_redirects=False, transport=transport,
                                   headers={"User-Agent": settings.user_agent})

    def send(self, alert: Alert, message: dict[str, Any]) -> None:
        httpx = self._httpx
        body = body_bytes(message)
        headers = {"Content-Type": "application/json", NOTIFICATION_HEADER: str(message.get("notification", ""))}
        if alert.secret:
            headers[SIGNATURE_HEADER] = signature(alert.secret, body)
        try:
            r = self.client.post(alert.target, content=body, headers=headers)
        except httpx.TimeoutException:
            raise DeliveryError("timed out", retry=True) from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}", retry=True) from None
        if 200 <= r.status_code < 300:
            return
        retry = r.status_code >= 500 or r.status_code in (408, 429)
        raise DeliveryError(f"HTTP {r.status_code} {r.reason_phrase}".strip(), retry=retry)

    def close(self) -> None:
        self.client.close()


class EmailSender:
    def __init__(self, settings: AlertSettings):
        self.settings = settings

    def email(self, alert: Alert, message: dict[str, Any]) -> EmailMessage:
        s = self.settings
        msg = EmailMessage()
        msg["Subject"] = f"rasd alert {alert.name}: {describe(message)}"[:250]
        msg["From"] = s.smtp_from
        msg["To"] = alert.target
        msg["Date"] = formatdate(usegmt=True)
        note = str(message.get("notification", ""))
        msg["Message-ID"] = "<" + hashlib.sha256(note.encode()).hexdigest()[:32] + "@rasd>"  # the same on retries
        msg[NOTIFICATION_HEADER] = note
        lines = [describe(message), ""]
        ev = message.get("event") or {}
        for r in (ev.get("reports") or [])[:10]:
            said = " ".join((r.get("sentence") or "").split())
            lines.append(f"- {r.get('outlet') or r.get('doc_id')} ({r.get('stance')}): {said[:300]}")
            if r.get("url"):
                lines.append(f"  {r['url']}")
        lines += ["", "The notification as JSON:", json.dumps(message, ensure_ascii=False, indent=1, sort_keys=True)]
        msg.set_content("\n".join(lines))
        return msg

    def send(self, alert: Alert, message: dict[str, Any]) -> None:
        s = self.settings
        msg = self.email(alert, message)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_s) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [c for c, _ in exc.recipients.values()]
            raise DeliveryError(f"recipient refused ({', '.join(map(str, codes))})",
                                retry=all(400 <= c < 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryError(f"SMTP {exc.smtp_code} {text}".strip(), retry=not 500 <= exc.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {s.smtp_host}:{s.smtp_port}: {type(exc).__name__}: {exc}", retry=True) from None

    def close(self) -> None:
        pass


def senders(settings: AlertSettings, transport: Optional[Any] = None) -> dict[str, Any]:
    """A sender for each channel."""
    return {"webhook": WebhookSender(settings, transport), "email": EmailSender(settings)}
