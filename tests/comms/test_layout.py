"""Runs of dark QR modules for the letter layout."""

from __future__ import annotations

from kleinkasso.comms.layout import dark_runs


def test_dark_runs() -> None:
    matrix = (bytes([1, 1, 0, 1]), bytes([0, 0, 0, 0]), bytes([0, 1, 1, 1]))

    assert dark_runs(matrix) == [(0, 0, 2), (0, 3, 1), (2, 1, 3)]
