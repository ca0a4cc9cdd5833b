"""Workflows: deployed functions that run on schedules, webhooks and on demand, with a run
history, executed by a local worker pool or by Celery workers."""
