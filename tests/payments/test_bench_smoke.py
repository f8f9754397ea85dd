"""The matching benchmark runs and matches every credit at a small size."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_matching_small() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_matching", ROOT / "bench" / "bench_matching.py"
    )
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while being created.
    sys.modules[spec.name] = bench
    try:
        spec.loader.exec_module(bench)
    finally:
        del sys.modules[spec.name]
    work = bench.build(3_000, 1_000)
    assert bench.run_cascade(work) == 1_000
    assert bench.run_plain(work) == 1_000
