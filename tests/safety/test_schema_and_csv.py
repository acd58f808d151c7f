"""A schema YAML with wrong types in every place (and random YAML) is refused on one line
naming the file, line and reason; a CSV export a spreadsheet would open runs no formula."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import SchemaError
from annotator.schema_yaml import load_schema_text
from tests.cli.conftest import isolated, new_corpus, run  # noqa: F401 (isolated: autouse)

GOOD_LABEL = "  - name: Actor\n"
WRONG = {
    "name as a list": "name: [a, b]\nlabels:\n" + GOOD_LABEL,
    "version as text": "name: s\nversion: two\nlabels:\n" + GOOD_LABEL,
    "labels as a number": "name: s\nlabels: 5\n",
    "labels as a mapping": "name: s\nlabels: {Actor: 1}\n",
    "a label as a string": "name: s\nlabels:\n  - Actor\n",
    "a label name as a number": "name: s\nlabels:\n  - name: 12\n",
    "a color as a number": "name: s\nlabels:\n  - name: A\n    color: 255\n",
    "a hotkey as a list": "name: s\nlabels:\n  - name: A\n    hotkey: [a]\n",
    "attributes as a string": "name: s\nlabels:\n  - name: A\n    attributes: many\n",
    "an attribute type unknown": "name: s\nlabels:\n  - name: A\n    attributes:\n      - name: x\n        type: complex\n",
    "enum values as a string": "name: s\nlabels:\n  - name: A\n    attributes:\n      - name: x\n        type: enum\n        values: abc\n",
    "min as text": "name: s\nlabels:\n  - name: A\n    attributes:\n      - name: x\n        type: integer\n        min: low\n",
    "relations as a string": "name: s\nlabels:\n" + GOOD_LABEL + "relations: attacks\n",
    "a relation's args as numbers": "name: s\nlabels:\n"
    + GOOD_LABEL
    + "relations:\n  - name: r\n    from: 1\n    to: 2\n",
    "the whole file a list": "- name: s\n- labels: []\n",
    "the whole file a string": "just words\n",
    "a YAML alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "name: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nlabels: []\n",
    "a python object tag": "name: !!python/object/apply:os.system [echo hacked]\nlabels: []\n",
    "tabs for indentation": "name: s\nlabels:\n\t- name: A\n",
    "a duplicate key": "name: s\nname: t\nlabels:\n" + GOOD_LABEL,
}


@pytest.mark.parametrize("case", list(WRONG))
def test_a_schema_with_wrong_types_is_refused_on_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(WRONG[case], encoding="utf-8")
    code, out, err = run(capsys, "schema", "validate", str(path))
    assert code == 2 and out == "", out
    (line,) = err.strip().splitlines()
    assert line.startswith(f"annotator: {path}") and "Traceback" not in err
    assert "internal error" not in line and "hacked" not in out + err


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "labels",
                    "attributes",
                    "type",
                    "values",
                    "min",
                    "max",
                    "color",
                    "hotkey",
                    "relations",
                    "events",
                    "from",
                    "to",
                    "roles",
                    "version",
                    "description",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=50, deadline=None)
@given(value=yaml_values)
def test_any_yaml_structure_is_a_schema_or_a_schema_error(value: object) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    try:
        load_schema_text(text, "fuzz.yaml")
    except SchemaError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)


RISKY = ("=", "+", "-", "@", "\t", "\r")


def test_a_csv_export_holds_no_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '=HYPERLINK("http://x") +SUM(1) -2+3 @cmd \tTab and Aleppo.'
    starts = ['=HYPERLINK("http://x")', "+SUM(1)", "-2+3", "@cmd", "\tTab"]
    spans = [[text.index(s), text.index(s) + len(s), "Actor"] for s in starts]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": text, "label": spans, "id": "=cmd"}) + "\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    with new_corpus(tmp_path / "c.db"):
        pass
    code, _, err = run(
        capsys, "--db", db, "import", "--format", "jsonl", str(feed), "--annotator=-x"
    )
    assert code == 0, err
    out = tmp_path / "spans.csv"
    code, _, err = run(capsys, "--db", db, "export", "--format", "csv", "--out", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 1 + len(spans)
    assert [c for c in cells if c.startswith(RISKY)] == []
    assert [row[4] for row in rows[1:]] == ["'" + s for s in starts]
    # Reading it back takes the apostrophes off: the same spans, nothing new.
    code, out_text, err = run(capsys, "--db", db, "import", "--format", "csv", str(out))
    assert code == 0 and "0 span(s)" in out_text, out_text + err
    code, shown, _ = run(capsys, "--db", db, "show", "1", "--json")
    assert sorted(s["text"] for s in json.loads(shown)["spans"]) == sorted(starts)
