"""Run a procrastinate worker for kleinkasso until a stop signal.

Besides procrastinate's worker the process runs a watchdog that retries
stalled jobs: jobs in state ``doing`` whose worker has sent no heartbeat for
``stalled_after`` seconds (its process or machine died). Every worker runs
the watchdog; when two retry the same job, the second finds it no longer
``doing`` and leaves it. The watchdog is a loop in the process rather than a
periodic task, so its interval follows ``stalled_after`` and it adds no rows
to the job table.

If the worker stops without a stop signal (procrastinate stops a worker
whose heartbeat or LISTEN connection fails, as when PostgreSQL restarts),
it is started again after ``restart_delay`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

import psycopg
import sqlalchemy as sa
from procrastinate import exceptions
from procrastinate.app import WorkerOptions

from kleinkasso.worker import tasks
from kleinkasso.worker.app import app, install_queue_schema, queue_connector

log = logging.getLogger(__name__)

# Connections the worker's pool needs beside one per concurrent job: fetching
# jobs, heartbeats, abort polling and the watchdog.
EXTRA_CONNECTIONS = 4


@dataclass(frozen=True)
class WorkerSettings:
    """Options of one worker process; times are in seconds."""

    concurrency: int = 1
    queues: tuple[str, ...] | None = None
    name: str = "worker"
    heartbeat_interval: float = 10.0
    stalled_after: float = 30.0
    poll_interval: float = 5.0
    restart_delay: float = 5.0


class InvalidWorkerSettings(ValueError):
    """Raised for worker settings that cannot work together."""


def check_settings(settings: WorkerSettings) -> None:
    """Raise :class:`InvalidWorkerSettings` for settings a worker cannot run with."""
    if settings.concurrency < 1:
        raise InvalidWorkerSettings(
            f"concurrency {settings.concurrency} is invalid; expected at least 1"
        )
    unknown = sorted(set(settings.queues or ()) - set(tasks.QUEUES))
    if unknown:
        raise InvalidWorkerSettings(
            f"unknown queue(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(tasks.QUEUES)}"
        )
    if settings.heartbeat_interval <= 0 or settings.poll_interval <= 0:
        raise InvalidWorkerSettings(
            f"heartbeat interval {settings.heartbeat_interval} and poll interval "
            f"{settings.poll_interval} must be above 0 seconds"
        )
    # A live worker must send at least two heartbeats within the window, or a
    # slow heartbeat would make its running jobs look stalled.
    if settings.stalled_after < 2 * settings.heartbeat_interval:
        raise InvalidWorkerSettings(
            f"stalled-after {settings.stalled_after} s is too short for a heartbeat "
            f"every {settings.heartbeat_interval} s; expected at least "
            f"{2 * settings.heartbeat_interval} s"
        )


def run_worker(engine: sa.Engine, url: str, settings: WorkerSettings) -> None:
    """Run jobs from the queue in ``url`` until SIGTERM or SIGINT.

    ``engine`` is the kleinkasso engine on the same database; the jobs use
    it. A first signal lets running jobs finish; a second one ends the
    process at once.
    """
    check_settings(settings)
    install_queue_schema(engine)
    asyncio.run(_supervise(engine, url, settings))


async def _supervise(engine: sa.Engine, url: str, settings: WorkerSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop(signum: int) -> None:
        log.info(
            "worker %s: %s received; finishing running jobs (send it again to "
            "stop at once)",
            settings.name,
            signal.Signals(signum).name,
        )
        stop.set()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)

    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, request_stop, stop_signal)
    log.info(
        "worker %s started: queues %s, concurrency %d",
        settings.name,
        ",".join(settings.queues or tasks.QUEUES),
        settings.concurrency,
    )
    while not stop.is_set():
        try:
            await _run_once(engine, url, settings, stop)
        except (exceptions.ConnectorException, psycopg.OperationalError) as exc:
            log.error("worker %s failed: %s", settings.name, _reason(exc))
        if stop.is_set():
            break
        log.error(
            "worker %s stopped without a stop signal; restarting in %.0f s",
            settings.name,
            settings.restart_delay,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.restart_delay)
    log.info("worker %s stopped", settings.name)


async def _run_once(
    engine: sa.Engine, url: str, settings: WorkerSettings, stop: asyncio.Event
) -> None:
    """Run procrastinate's worker and the watchdog until ``stop`` or a failure."""
    connector = queue_connector(url, pool_size=settings.concurrency + EXTRA_CONNECTIONS)
    options: WorkerOptions = {
        "name": settings.name,
        "concurrency": settings.concurrency,
        "fetch_job_polling_interval": settings.poll_interval,
        "update_heartbeat_interval": settings.heartbeat_interval,
        "stalled_worker_timeout": settings.stalled_after,
        "additional_context": {"engine": engine},
        "install_signal_handlers": False,
    }
    if settings.queues:
        options["queues"] = list(settings.queues)
    with app.replace_connector(connector):
        async with app.open_async():
            worker = asyncio.create_task(app.run_worker_async(**options))
            watchdog = asyncio.create_task(_retry_stalled_jobs(settings))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({worker, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                # Cancelling makes procrastinate stop fetching and wait for the
                # running jobs before it returns.
                worker.cancel()
            watchdog.cancel()
            stopped.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            with contextlib.suppress(asyncio.CancelledError):
                await worker


async def _retry_stalled_jobs(settings: WorkerSettings) -> None:
    """Put jobs of workers without a recent heartbeat back into the queue."""
    interval = max(settings.stalled_after / 2, 1.0)
    while True:
        await asyncio.sleep(interval)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.stalled_after
            )
        except (exceptions.ConnectorException, psycopg.OperationalError) as exc:
            log.error(
                "worker %s: stalled job check failed: %s", settings.name, _reason(exc)
            )
            continue
        for job in stalled:
            try:
                await app.job_manager.retry_job(job)
            except exceptions.ConnectorException as exc:
                # Another worker retried it first, or it finished meanwhile.
                log.info("stalled job %s not retried: %s", job.id, _reason(exc))
                continue
            log.warning(
                "job %s (%s, attempt %d) stalled: worker %s sent no heartbeat "
                "for %.0f s; retrying it",
                job.id,
                job.task_name,
                job.attempts + 1,
                job.worker_id,
                settings.stalled_after,
            )


def _reason(exc: BaseException) -> str:
    """Return the message of ``exc``, or of its cause when it has none.

    procrastinate wraps driver errors in exceptions without a message.
    """
    cause = exc.__cause__ or exc.__context__
    return str(exc) or (str(cause) if cause else "") or type(exc).__name__
