"""Jobs taken from PostgreSQL by any number of worker processes.

The queue is procrastinate's, in the same database as kleinkasso's tables,
so workers on several machines need nothing but that database. The jobs
are in :mod:`kleinkasso.worker.tasks`, the worker process in
:mod:`kleinkasso.worker.runner`. SQLite has no job queue; there the daily
run runs inline (``kleinkasso run``).
"""
