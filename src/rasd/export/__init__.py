"""Exports of coded events (ACLED-style CSV; others as they land)."""
