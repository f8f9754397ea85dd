"""Property-based requests from the OpenAPI document: no server error."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Api
from tests.conftest import ROOT

SCHEMA = schemathesis.openapi.from_dict(
    json.loads((ROOT / "docs" / "openapi.json").read_text())
)
EXAMPLES_PER_OPERATION = 25


def test_no_server_error(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.keys['spielwiese']}"}
    operations = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            response = case.call(base_url=api.base_url, headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        check()
