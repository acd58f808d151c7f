"""WebAnno TSV import of written files: bad rows and malformed files refused with their line,
folders walked, and carriage returns and CRLF line ends read as the text rule says."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.model import normalized
from tests.annotator.formats.webanno_tsv_files import _import, _shown

HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|label\n\n\n"


def _file(tmp_path: Path, content: str, name: str = "doc.tsv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    return path


# --- refusals ---------------------------------------------------------------------------------


def test_a_row_whose_text_differs_is_refused_with_its_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    path = _file(
        tmp_path,
        HEADER + "#Text=This is a test .\n"
        "1-1\t0-4\tThis\tA[1]\t\n"
        "1-2\t5-7\tIS\tA[1]\t\n"  # the text says "is"
        "1-3\t8-9\ta\tB\t\n"
        "1-4\t10-14\ttest\t_\t\n"
        "1-5\t15-17\t.\tC\t\n",  # beyond the text
    )
    [doc], report = _import(path)
    assert _shown(doc) == [("a", "B", {})]  # A lost a row: not imported at all
    assert [str(e) for e in report.errors] == [
        f"{path}:7: offsets 5..7 select 'is', but the file says 'IS' (UTF-16 5-7); "
        "the row is not imported",
        f"{path}:10: offsets 15-17: UTF-16 offset 17 outside 0..16; the row is not imported",
    ]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("#FORMAT=WebAnno TSV 2\n", 1, "not a WebAnno TSV 3.x file"),
        ("hello\n", 1, "not a WebAnno TSV 3.x file"),
        (
            HEADER + "#Text=ab\n1-1\t0-2\tab\n",
            6,
            "a token line with 3 fields, the header asks for 4",
        ),
        (HEADER + "1-1\t0-2\tab\t_\t\n", 5, "a token line outside a sentence"),
        (HEADER + "#Text=ab\n1-1\t0-x\tab\t_\t\n", 6, "bad offsets '0-x'"),
        (HEADER + "#Text=ab\n1-1.1\t0-1\ta\t_\t\n", 6, "a sentence's first row is a sub-token"),
        (HEADER + "#Text=ab\n1-1\t2-1\tab\t_\t\n", 6, "offsets 2-1 end before they begin"),
        (
            HEADER + "#Text=ab cd\n1-1\t0-2\tab\t_\t\n\n#Text=cd\n2-1\t3-5\tcd\t_\t\n",
            9,
            "the sentence starts at offset 3, inside the previous sentence's text",
        ),
        (HEADER + "#Text=ab\n", 5, "a sentence without tokens"),
        (HEADER + "#Text=ab\n\n#Text=cd\n1-1\t0-2\tcd\t_\t\n", 6, "a sentence without tokens"),
        (HEADER + "#Text=ab\n1-1\t0-2\tab\t_\t\n\n1-2\t3-4\tc\t_\t\n", 8, "a token line outside"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = _file(tmp_path, content)
    docs, report = _import(path)
    assert docs == []
    [error] = report.errors
    assert (error.file, error.line) == (str(path), line)
    assert error.reason.startswith(reason)


def test_unresolvable_references_are_refused_and_the_spans_kept(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|label\n"
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span\n\n\n"
        "#Text=ab cd\n1-1\t0-2\tab\tX\t_\t_\t\n1-2\t3-5\tcd\tY\tr\t1-1[9_0]\t\n",
    )
    [doc], report = _import(path)
    assert [s.label for s in doc.spans] == ["X", "Y"] and not doc.relations
    assert [str(e) for e in report.errors] == [
        f"{path}:8: no annotation has the disambiguation id [9]"
    ]


def test_files_over_the_size_limit_or_not_utf8_are_refused(tmp_path: Path) -> None:
    big = _file(tmp_path, HEADER + "#Text=ab\n1-1\t0-2\tab\t_\t\n", "big.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"#FORMAT=WebAnno TSV 3.3\n\n\n#Text=\xff\n")
    docs, report = _import(big, bad, max_bytes=40)
    assert docs == []
    assert [str(e) for e in report.errors] == [
        f"{big}: {big.stat().st_size} bytes, over the limit of 40",
        f"{bad}: not UTF-8 (invalid start byte at byte 32)",
    ]


def test_a_folder_is_walked_and_names_come_from_the_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    _file(tmp_path, HEADER + "#Text=ab\n1-1\t0-2\tab\tX\t\n", "a/one.tsv")
    _file(tmp_path, "not tsv\n", "two.tsv")
    _file(tmp_path, "ignored\n", "three.txt")
    docs, report = _import(tmp_path)
    assert [d.name for d in docs] == ["a_one"]
    assert [e.reason[:26] for e in report.errors] == ["not a WebAnno TSV 3.x file"]


# --- line endings -----------------------------------------------------------------------------


def test_carriage_returns_in_the_text_are_remapped_by_normalized(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        HEADER + "#Text=Line one\\r\n#Text=two 😀\\rthree\n"
        "1-1\t0-4\tLine\t_\t\n1-2\t5-8\tone\tA\t\n1-3\t10-13\ttwo\tB\t\n"
        "1-4\t14-16\t😀\tC\t\n1-5\t17-22\tthree\tD\t\n",
    )
    [doc], _ = _import(path)
    assert doc.text == "Line one\r\ntwo 😀\rthree"
    clean = normalized(doc)
    assert clean.text == "Line one\ntwo 😀\nthree"
    assert [clean.text[s.start : s.end] for s in clean.spans] == ["one", "two", "😀", "three"]


def test_a_file_saved_with_crlf_line_ends_reads_the_same(tmp_path: Path) -> None:
    lf = HEADER + "#Text=ab\tcd\n1-1\t0-2\tab\tX\t\n1-2\t3-5\tcd\tY\t\n"
    one = _file(tmp_path, lf, "lf.tsv")
    two = _file(tmp_path, lf.replace("\n", "\r\n"), "crlf.tsv")
    [a], _ = _import(one)
    [b], _ = _import(two)
    assert a.text == b.text == "ab\tcd"
    assert a.spans == b.spans


def test_version_3_1_texts_use_java_escapes(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "#FORMAT=WebAnno TSV 3.1\n#T_SP=webanno.custom.Span|label\n\n\n"
        "#Text=caf\\u00e9\\tx\n1-1\t0-4\tcafé\tA\t\n1-2\t5-6\tx\t_\t\n",
    )
    [doc], report = _import(path)
    assert doc.text == "café\tx" and _shown(doc) == [("café", "A", {})]
    assert not report.errors
