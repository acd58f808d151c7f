"""Files made to hurt, through the real command line: XML bombs and external entities, zips
that point outside themselves, a 2 GB file, odd file names, named pipes, scripts and remote
images in HTML. Each ends in one line naming the file and the reason (or a clean import),
quickly, touching nothing outside the corpus."""

from __future__ import annotations

import os
import socket
import time
import zipfile
from pathlib import Path

import pytest

from corpus.store import Store
from tests.cli.conftest import isolated, new_corpus, run  # noqa: F401 (isolated: autouse)
from tests.conftest import close_bound_database

SECRET = "TOP-SECRET-7f3a"
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lololololololololololol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)


def _one_line_about(err: str, path: Path | str) -> None:
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("annotator: ") or "refused: " in line for line in lines)
    assert any(str(path) in line for line in lines), err
    assert "Traceback" not in err and "internal error" not in err


def _documents(db: Path) -> list[str]:
    close_bound_database()
    store = Store.open(str(db))
    try:
        return [store.document(d.id).text for d in store.documents()]
    finally:
        store.close()


def _xmi(body: str) -> str:
    return (
        '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
        'xmi:version="2.0"><cas:NULL xmi:id="0"/>'
        f'<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString="{body}"/>'
        '<cas:View sofa="1" members=""/></xmi:XMI>'
    )


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize("attack", ["billion laughs", "external entity"])
def test_xml_attacks_on_xmi_and_its_type_system(
    attack: str, tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "xmi"
    folder.mkdir()
    if attack == "billion laughs":
        prolog, entity = LAUGHS, "&lol9;"
    else:
        prolog = f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        entity = "&xxe;"
    (folder / "doc.xmi").write_text(prolog + _xmi(f"Text {entity} here"), encoding="utf-8")
    (folder / "TypeSystem.xml").write_text(
        prolog + f"<typeSystemDescription><name>{entity}</name></typeSystemDescription>",
        encoding="utf-8",
    )
    started = time.monotonic()
    code, out, err = run(
        capsys, "--db", str(tmp_path / "c.db"), "import", "--format", "xmi", str(folder)
    )
    assert time.monotonic() - started < 10
    assert code == 1 and "imported 0 document(s)" in out
    refused = [line for line in (out + err).splitlines() if "refused:" in line]
    assert any("doc.xmi" in line for line in refused) and any(
        "TypeSystem.xml" in line for line in refused
    )
    assert SECRET not in out + err and _documents(tmp_path / "c.db") == []


@pytest.mark.parametrize("attack", ["billion laughs", "external entity"])
def test_xml_attacks_on_configurations(
    attack: str, tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if attack == "billion laughs":
        prolog, entity = LAUGHS, "&lol9;"
    else:
        prolog = f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        entity = "&xxe;"
    ls = tmp_path / "config.xml"
    ls.write_text(
        prolog + f'<View><Labels name="l" toName="t"><Label value="{entity}"/></Labels>'
        '<Text name="t" value="$text"/></View>',
        encoding="utf-8",
    )
    ts = tmp_path / "TypeSystem.xml"
    ts.write_text(
        prolog + f"<typeSystemDescription><name>{entity}</name></typeSystemDescription>",
        encoding="utf-8",
    )
    for fmt, path in (("labelstudio", ls), ("xmi", ts)):
        code, out, err = run(capsys, "schema", "convert", "--format", fmt, str(path))
        assert code == 2 and out == "", (fmt, out)
        _one_line_about(err, path)
        assert SECRET not in err


def test_html_with_entities_scripts_and_remote_images_fetches_and_runs_nothing(
    tmp_path: Path,
    secret: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    marker = tmp_path / "script-ran"
    page = tmp_path / "page.html"
    page.write_text(
        f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<html lang="en"><head><title>Market hit</title>'
        '<link rel="stylesheet" href="https://example.org/s.css">'
        "<script>document.write('SCRIPT-OUTPUT')</script>"
        '<script src="https://example.org/x.js"></script>'
        '<meta http-equiv="refresh" content="0; url=https://example.org/">'
        "</head><body><article><h1>Market hit</h1>"
        f"<img src=\"https://example.org/pixel.png\" onerror=\"require('fs').writeFileSync('{marker}')\">"
        '<img src="http://192.0.2.1/track.gif"><iframe src="https://example.org/frame"></iframe>'
        "<p>Twelve people were killed on Monday when shells hit a market in Aleppo.</p>"
        "<p>Rescue workers searched the rubble until night fell &xxe; and after.</p>"
        "<svg><script>alert(1)</script></svg></article></body></html>",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", str(page))
    assert code == 0 and "imported 1" in out, err
    (text,) = _documents(tmp_path / "c.db")
    assert "Twelve people were killed" in text
    for trace in (SECRET, "SCRIPT-OUTPUT", "alert", "document.write", "example.org", "pixel"):
        assert trace not in text
    assert attempts == [] and not marker.exists()


def _valid_xmi_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"text": "Alice met Bob in Aleppo.", "label": [[0, 5, "Person"]]}\n', encoding="utf-8"
    )
    db = tmp_path / "source.db"
    with new_corpus(db):
        pass
    code, _, err = run(
        capsys, "--db", str(db), "import", "--format", "jsonl", str(feed), "--extend-schema"
    )
    assert code == 0, err
    out = tmp_path / "export.zip"
    code, _, err = run(capsys, "--db", str(db), "export", "--format", "xmi", "--out", str(out))
    assert code == 0, err
    return out


def test_zip_members_pointing_outside_are_refused_and_never_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _valid_xmi_zip(tmp_path, capsys)
    bad = tmp_path / "inner" / "evil.zip"
    bad.parent.mkdir()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        xmi = next(n for n in src.namelist() if n.endswith(".xmi"))
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        for evil in (
            "../escaped.xmi",
            "../../escaped2.xmi",
            "/tmp/absolute-h10.xmi",
            "a/../../up.xmi",
            "C:\\win.xmi",
        ):
            dst.writestr(evil, src.read(xmi))
    before = {p.name for p in tmp_path.parent.rglob("*")}
    code, out, err = run(
        capsys, "--db", str(tmp_path / "c.db"), "import", "--format", "xmi", str(bad)
    )
    assert code == 1 and "imported 1 document(s)" in out
    assert err.count("unsafe path in zip") == 5
    new = {p.name for p in tmp_path.parent.rglob("*")} - before
    assert all(name.startswith("c.db") for name in new), new
    assert not Path("/tmp/absolute-h10.xmi").exists()
    assert _documents(tmp_path / "c.db") == ["Alice met Bob in Aleppo."]


ANNOTATION_SUFFIXES = [
    ("brat", ".txt"),
    ("conll", ".conll"),
    ("jsonl", ".jsonl"),
    ("labelstudio", ".json"),
    ("xmi", ".xmi"),
    ("xmi", ".zip"),
    ("webanno-tsv", ".tsv"),
    ("w3c", ".jsonld"),
    ("hf", ".jsonl"),
    ("csv", ".csv"),
]
ARTICLE_SUFFIXES = [".txt", ".md", ".html", ".json", ".pdf", ".docx"]


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [(None, s) for s in ARTICLE_SUFFIXES] + ANNOTATION_SUFFIXES,
    ids=[f"articles{s}" for s in ARTICLE_SUFFIXES] + [f"{f}{s}" for f, s in ANNOTATION_SUFFIXES],
)
def test_a_2gb_file_is_refused_by_its_size_before_reading(
    fmt: str | None, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / f"big{suffix}"
    with big.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: nothing is written to disk
    args = ["--format", fmt] if fmt else []
    started = time.monotonic()
    code, out, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", *args, str(big))
    assert time.monotonic() - started < 5
    assert code == 1
    line = next(line for line in (out + err).splitlines() if str(big) in line)
    assert "over the limit" in line or "larger than" in line


@pytest.mark.parametrize(
    "name",
    [
        "new\nline.txt",
        "emoji 😀🇸🇾.txt",
        "rtl \u202etxt.exe.txt",
        "-leading-dash.txt",
        "tab\tand\rcr.txt",
        "زيت.txt",
    ],
)
def test_odd_file_names_import_and_are_named_on_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = folder / name
    good.write_text("Shells hit a market in Aleppo on Monday, officials said.", encoding="utf-8")
    empty = folder / f"empty {name}"
    empty.write_bytes(b"")
    db = str(tmp_path / "c.db")
    code, out, err = run(capsys, "--db", db, "import", "--", str(good))
    assert code == 0 and "imported 1" in out, err
    code, out, err = run(capsys, "--db", db, "import", str(folder))
    assert code == 1 and "duplicates 1" in out and "failed 1" in out
    (failure,) = err.strip().splitlines()
    assert failure.endswith(": empty file") and "empty " in failure
    assert not any(ch in failure for ch in "\r\t\u202e")
    source = Store.open(db)
    try:
        assert [d.source for d in source.documents()] == [str(good)]  # stored as it is
    finally:
        source.close()


def test_a_named_pipe_is_refused_not_read_forever(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt, name in (("conll", "pipe.conll"), (None, "pipe.txt")):
        pipe = tmp_path / name
        os.mkfifo(pipe)
        args = ["--format", fmt] if fmt else []
        code, out, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", *args, str(pipe))
        assert code == 1 and "not a regular file or folder" in out + err


@pytest.mark.parametrize(
    ("fmt", "suffix"), [(None, ".jsonl"), ("brat", ".ann"), *ANNOTATION_SUFFIXES]
)
def test_a_named_pipe_in_a_folder_is_passed_over(
    fmt: str | None, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.txt").write_text("Shells hit a market in Aleppo.", encoding="utf-8")
    os.mkfifo(folder / f"pipe{suffix}")  # a reader that opened it would wait forever
    args = ["--format", fmt] if fmt else []
    code, _, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", *args, str(folder))
    assert code in (0, 1) and "Traceback" not in err and "internal error" not in err


def test_an_html_billion_laughs_expands_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "bomb.html"
    page.write_text(
        LAUGHS.replace('<?xml version="1.0"?>\n', "")
        + "<html><body><article><h1>Market</h1><p>Shells hit a market in Aleppo on Monday"
        " &lol9; and rescue workers searched the rubble.</p></article></body></html>",
        encoding="utf-8",
    )
    started = time.monotonic()
    code, _, err = run(capsys, "--db", str(tmp_path / "c.db"), "import", str(page))
    assert time.monotonic() - started < 10
    assert code in (0, 1) and "Traceback" not in err and "internal error" not in err
    assert all("lolol" not in text for text in _documents(tmp_path / "c.db"))
