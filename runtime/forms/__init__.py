"""Creator forms on a local SQL store: schemas (``forms apply``), records that scripts
fetch, insert, update and delete, and import/export.

Only light modules load with the language (``lowering``, ``access``, ``values``,
``aggregates``); SQLAlchemy is imported when a form store is opened
(:class:`cloudburst.forms.store.FormStore`).
"""
