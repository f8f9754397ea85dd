"""Run one child process and measure it; describe the machine.

:func:`measure` reports a child's wall time, and its CPU time (user + sys)
and peak resident memory from ``os.wait4``, which returns the resource
usage of that one child.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class StepFailed(Exception):
    """Raised when a measured child process exits with an unexpected status."""

    def __init__(self, command: Sequence[str], status: int, stderr: str) -> None:
        tail = stderr.strip().splitlines()[-5:]
        super().__init__(
            f"command {' '.join(command)!r} exited with status {status}; "
            f"stderr ends with: {' | '.join(tail) or '(empty)'}"
        )
        self.status = status


@dataclass(frozen=True)
class Usage:
    """Wall time, CPU time and peak memory of one child process."""

    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    exit_status: int
    stdout: str
    stderr: str


class _Launcher:
    """The helper process (``bench/_launcher.py``) that starts measured commands.

    Linux counts the memory a process had before ``exec`` in its peak RSS,
    and a child starts as a copy of its parent. This process imports
    SQLAlchemy and kleinkasso, so a child started here would report at least
    this process's peak. A child of the small helper reports its own.
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("_launcher.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.close)

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"bench/_launcher.py ended with status {self.process.wait()}"
            )
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


_launcher: _Launcher | None = None


def measure(
    command: Sequence[str],
    *,
    accept: Sequence[int] = (0,),
    env: Mapping[str, str] | None = None,
) -> Usage:
    """Run ``command`` to its end and return its usage.

    Raises StepFailed when the exit status is not in ``accept``.
    """
    global _launcher  # noqa: PLW0603 - one helper process per benchmark run
    if _launcher is None:
        _launcher = _Launcher()
    with tempfile.TemporaryDirectory(prefix="kk-bench-output-") as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        result = _launcher.run(
            {
                "command": list(command),
                "env": dict(os.environ if env is None else env),
                "stdout": str(out),
                "stderr": str(err),
            }
        )
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
    if result["exit_status"] not in accept:
        raise StepFailed(command, result["exit_status"], stderr)
    return Usage(
        wall_seconds=result["wall_seconds"],
        cpu_seconds=result["cpu_seconds"],
        peak_rss_bytes=result["peak_rss_bytes"],
        exit_status=result["exit_status"],
        stdout=stdout,
        stderr=stderr,
    )


def _first_line(path: Path, prefix: str) -> str | None:
    if not path.exists():
        return None
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip() if ":" in line else line
    return None


def machine(pg_version: str | None) -> dict[str, str]:
    """Describe the CPU, memory, system and database versions of this machine."""
    memory = _first_line(Path("/proc/meminfo"), "MemTotal")
    if memory is not None:
        memory = f"{int(memory.split()[0]) / 1024**2:.1f} GiB"
    system = _first_line(Path("/etc/os-release"), "PRETTY_NAME=")
    if system is not None:
        system = system.split("=", 1)[1].strip('"')
    facts = {
        "CPU": _first_line(Path("/proc/cpuinfo"), "model name") or platform.processor(),
        "logical CPUs": str(os.cpu_count()),
        "RAM": memory or "unknown",
        "OS": f"{system or platform.system()}, kernel {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "SQLite": sqlite3.sqlite_version,
    }
    if pg_version is not None:
        facts["PostgreSQL"] = pg_version
    return facts
