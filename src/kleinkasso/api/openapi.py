"""Print the API's OpenAPI document: ``python -m kleinkasso.api.openapi``."""

from __future__ import annotations

import json

from kleinkasso.api.app import create_app
from kleinkasso.store.db import make_engine


def openapi_json() -> str:
    """Return the OpenAPI document as indented JSON with a final newline."""
    document = create_app(make_engine("sqlite://")).openapi()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(openapi_json(), end="")
