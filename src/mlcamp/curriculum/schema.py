"""The JSON Schema of `mlcamp path --json`, kept in docs/path.schema.json and pinned by a test."""

from __future__ import annotations

import json
from typing import Any

from mlcamp.curriculum.models import SCHEMA_VERSION, Curriculum


def path_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the curriculum as `mlcamp path --json` prints it."""
    schema = Curriculum.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"mlcamp-path-v{SCHEMA_VERSION}"
    return schema


def path_json_schema_text() -> str:
    """The schema as the text stored in docs/path.schema.json."""
    return json.dumps(path_json_schema(), indent=2, sort_keys=True) + "\n"
