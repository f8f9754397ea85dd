"""Named crash points for tests that kill the process mid-way.

Each long-running step calls :func:`reached` at the points where a crash is
most likely to leave work half done (after a commit, between writing a file
and marking it sent). With ``KLEINKASSO_CRASH_AT=NAME:N`` in the environment
the process ends itself with SIGKILL at the N-th hit of NAME, as a power cut
would; without it, :func:`reached` only counts. The tests then run the same
command again and compare the end state with an uncrashed run.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENVIRONMENT = "KLEINKASSO_CRASH_AT"

_hits: Counter[str] = Counter()


def _target() -> tuple[str, int] | None:
    value = os.environ.get(ENVIRONMENT)
    if not value:
        return None
    name, _, count = value.partition(":")
    return name, int(count or "1")


def reached(name: str) -> None:
    """Count a hit of crash point ``name`` and kill the process if it is the target."""
    _hits[name] += 1
    target = _target()
    if target is not None and target == (name, _hits[name]):
        os.kill(os.getpid(), signal.SIGKILL)
