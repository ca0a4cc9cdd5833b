"""The names runs and schedules use (kept apart from the store code so the command line can
offer them as choices without importing SQLAlchemy)."""

from __future__ import annotations

__all__ = ["TRIGGERS", "FINAL", "STATUSES", "OVERLAP", "MISSED", "KINDS"]

TRIGGERS = ("manual", "schedule", "webhook", "retry", "failure")
FINAL = ("succeeded", "failed", "cancelled", "timed_out", "skipped")
STATUSES = ("waiting", "queued", "running", *FINAL)
#: What a schedule does when its previous run is still going.
OVERLAP = ("skip", "queue", "allow")
#: What a schedule does with fires missed during downtime.
MISSED = ("once", "all", "skip")
#: Schedule kinds: Zoho's, and plain cron.
KINDS = ("once", "daily", "weekly", "monthly", "yearly", "cron")
