"""The exchange benchmark's spaCy baselines (see :mod:`bench.exchange`): the corpus's texts and
spans, or the doccano JSONL file, converted to CoNLL by spaCy's tokenizer and its tags."""

from __future__ import annotations

import json
import sqlite3
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def flattened(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans spaCy gets: those the export keeps under its default policy (it refuses
    overlapping spans)."""
    from annotator.document import Span
    from annotator.formats.flat import flatten

    kept, _ = flatten([Span(*s) for s in spans], "longest")
    return [spans[i] for i in kept]


def write_spacy_conll(
    nlp: Any, docs: Iterator[tuple[str, list[tuple[int, int, str]]]], out: Path
) -> dict[str, int]:
    """spaCy's conversion: its tokenizer, ``offsets_to_biluo_tags``, the tags made BIO, written
    as the export writes CoNLL (a sentence ends at a line break)."""
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    # spaCy warns of each text with spans off its tokens; they are counted instead.
    warnings.filterwarnings("ignore", message=r".*\[W030\]")
    documents = misaligned = 0
    with out.open("w", encoding="utf-8", newline="\n") as file:
        for text, entities in docs:
            doc = nlp.make_doc(text)
            tags = biluo_to_iob(offsets_to_biluo_tags(doc, entities))
            lines = ["-DOCSTART- -X- O O", ""]
            for token, tag in zip(doc, tags, strict=True):
                if token.is_space:
                    if "\n" in token.text and lines[-1]:
                        lines.append("")
                    continue
                misaligned += tag == "-"
                lines.append(f"{token.text} -X- _ {tag}")
            if lines[-1]:
                lines.append("")
            lines.append("")
            file.write("\n".join(lines))
            documents += 1
    return {"documents": documents, "misaligned": misaligned}


def export_spacy(db: Path, out: Path, annotator: str) -> dict[str, Any]:
    """The baseline: the corpus's texts and spans read by raw SQL, converted by spaCy."""
    import spacy

    nlp = spacy.blank("en")
    con = sqlite3.connect(db)
    by_doc: dict[int, list[tuple[int, int, str]]] = {}
    query = (
        'SELECT s.document_id, sp.start, sp."end", sp.label FROM span sp '
        "JOIN annotation_set s ON s.id = sp.annotation_set_id "
        "JOIN annotator a ON a.id = s.annotator_id WHERE a.name = ? "
        'ORDER BY s.document_id, sp.start, sp."end", sp.id'
    )
    for doc_id, *span in con.execute(query, (annotator,)):
        by_doc.setdefault(doc_id, []).append(tuple(span))
    # Worked out before the clock starts: which spans are left, as a set of (doc, span) keys.
    kept = {(d, s) for d, spans in by_doc.items() for s in flattened(spans)}
    del by_doc

    def docs() -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
        texts = con.execute("SELECT id, text FROM document ORDER BY id")
        spans = iter(con.execute(query, (annotator,)))
        pending = next(spans, None)
        for doc_id, text in texts:
            entities = []
            while pending is not None and pending[0] == doc_id:
                if (doc_id, pending[1:]) in kept:
                    entities.append(pending[1:])
                pending = next(spans, None)
            yield text, entities

    start = time.perf_counter()
    counts = write_spacy_conll(nlp, docs(), out)
    seconds = time.perf_counter() - start
    # Again, now that spaCy's vocabulary knows every word (the first run creates a lexeme for
    # each new word, which a long-running pipeline would have done before).
    start = time.perf_counter()
    write_spacy_conll(nlp, docs(), out.with_suffix(".again.conll"))
    again = time.perf_counter() - start
    con.close()
    return {"seconds": seconds, "seconds_warm": again, "counts": counts}


def convert_spacy(jsonl: Path, out: Path) -> dict[str, Any]:
    """The conversion alone by spaCy: ``json.loads``, its tokenizer, its tags (the spans
    flattened before the clock starts)."""
    import spacy

    nlp = spacy.blank("en")
    with jsonl.open(encoding="utf-8") as lines:
        kept = [
            {tuple(s) for s in flattened([tuple(s) for s in json.loads(line)["label"]])}
            for line in lines
        ]

    def docs() -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
        with jsonl.open(encoding="utf-8") as lines:
            for line, spans in zip(lines, kept, strict=True):
                record = json.loads(line)
                yield record["text"], [s for s in map(tuple, record["label"]) if s in spans]

    start = time.perf_counter()
    counts = write_spacy_conll(nlp, docs(), out)
    return {"seconds": time.perf_counter() - start, "counts": counts}
