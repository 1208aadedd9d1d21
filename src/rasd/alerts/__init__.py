"""Alerts (issue 13 part 4): saved searches over fused events that notify, by webhook or e-mail,
on each new or changed fused event they match. Notifications are queued in the store's outbox
in the transaction of the fusion that caused them (``FusionStore.record_revision``) and
delivered by one dispatcher per store (``Dispatcher``, holding the store's ``alerts`` lease),
with retries and backoff, each outcome recorded. See docs/alerts.md."""
