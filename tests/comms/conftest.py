"""Fixtures of the comms tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kleinkasso.comms.document import DemandDocument
from tests.comms.samples import build_document

DocumentFactory = Callable[..., DemandDocument]


@pytest.fixture(scope="session")
def make_document() -> DocumentFactory:
    """Return the factory of typical documents; session scope suits Hypothesis."""
    return build_document
