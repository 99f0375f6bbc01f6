"""docs/schema.md is generated from cibscan/schema.py; this fails when the two drift."""

import os
from pathlib import Path

from cibscan.schema import POSTS, TABLES, schema_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_schema_doc_is_current():
    expected = schema_markdown()
    if os.environ.get("CIBSCAN_UPDATE_DOCS"):
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/schema.md is out of date: run CIBSCAN_UPDATE_DOCS=1 pytest tests/test_schema_docs.py"
    )


def test_schema_doc_names_every_column():
    text = schema_markdown()
    for name, cols in TABLES.items():
        assert f"## `{name}`" in text
        for c in cols:
            assert f"| `{c.name}` |" in text
    assert "list<string>" in text and any(c.name == "domains" for c in POSTS)
