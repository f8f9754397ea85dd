"""Start commands for ``bench/_measure.py`` and report their resource usage.

It reads one JSON request per line on stdin (command, environment, output
files), runs the command to its end and writes one JSON line with the wall
time, ``os.wait4`` usage and exit status. It imports only the standard
library so that it stays small: a child starts as a copy of this process,
and Linux counts that copy's memory in the child's peak RSS.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Run one requested command with its output in the named files."""
    command: list[str] = request["command"]
    env: dict[str, str] = request["env"]
    with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                os.execvpe(command[0], command, env)
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
    return {
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        # Linux reports ru_maxrss in KiB.
        "peak_rss_bytes": usage.ru_maxrss * 1024,
        "exit_status": os.waitstatus_to_exitcode(status),
    }


def main() -> None:
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
