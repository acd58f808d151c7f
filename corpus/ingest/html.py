"""Articles from web pages: trafilatura extracts the main text, title, author and date, dropping
navigation, cookie banners, scripts and footers. Nothing is fetched and nothing runs."""

from __future__ import annotations

import re

from annotator.document import Document
from annotator.errors import InputError
from annotator.offsets import normalize_text
from corpus.ingest.dates import iso_date
from corpus.ingest.decode import looks_binary

_LANG = re.compile(
    rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)", re.IGNORECASE
)


def article_from_html(data: bytes, source: str) -> Document:
    """The article in an HTML page's bytes."""
    if looks_binary(data):
        raise InputError(source, "binary file, not HTML")
    # Imported on first use, like the other format libraries: commands that read no HTML start
    # faster and smaller without them.
    import trafilatura
    from trafilatura.settings import Document as Extracted

    extracted = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_tables=True,
    )
    text = normalize_text(extracted.text or "") if isinstance(extracted, Extracted) else ""
    if not isinstance(extracted, Extracted) or not text.strip():
        raise InputError(source, "no article text found in the page")
    lang = _LANG.search(data[:4096])
    metadata = {
        k: v for k in ("sitename", "url", "description") if (v := getattr(extracted, k, None))
    }
    return Document(
        text=text,
        title=(extracted.title or "").strip(),
        author=(extracted.author or None),
        published=iso_date(extracted.date),
        language=lang.group(1).decode("ascii").lower() if lang else None,
        source=extracted.url or source,
        metadata=metadata,
    )
