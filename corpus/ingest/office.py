"""Articles from PDF (pypdf) and Word .docx (python-docx) files, with their document properties."""

from __future__ import annotations

import logging
import zipfile
import zlib
from pathlib import Path

from annotator.document import Document
from annotator.errors import InputError
from annotator.offsets import normalize_text
from corpus.ingest.dates import iso_date
from corpus.ingest.plaintext import guess_author, guess_title


def article_from_pdf(path: Path) -> Document:
    """The text of every page of a PDF, pages separated by a blank line."""
    import pypdf  # imported on first use, like the other format libraries
    import pypdf.errors

    # pypdf logs each repair of a damaged file; the user gets the one-line outcome instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(str(path), "the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except InputError:
        raise
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(str(path), f"not a readable PDF ({exc})") from None
    text = normalize_text("\n\n".join(p.strip("\n") for p in pages)).strip("\n")
    if not text.strip():
        raise InputError(str(path), "the PDF has no text layer (scanned pages need OCR first)")
    title = (info.title if info else None) or guess_title(text)
    author = (info.author if info else None) or guess_author(text)
    # A file's creation date is not the article's publication date: it goes to the metadata.
    created = iso_date(info.creation_date) if info and info.get("/CreationDate") else None
    metadata = {"created": created} if created else {}
    return Document(
        text=text, title=str(title).strip(), author=author, source=str(path), metadata=metadata
    )


def article_from_docx(path: Path) -> Document:
    """The paragraphs of a Word document, one per line."""
    import docx  # imported on first use, like the other format libraries
    import docx.opc.exceptions

    try:
        document = docx.Document(str(path))
    except (
        docx.opc.exceptions.PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,  # a damaged member
        EOFError,
        SyntaxError,  # lxml's XMLSyntaxError: a damaged XML part
        KeyError,
        ValueError,
    ) as exc:
        raise InputError(str(path), f"not a readable .docx file ({exc})") from None
    text = normalize_text("\n".join(p.text for p in document.paragraphs)).strip("\n")
    if not text.strip():
        raise InputError(str(path), "the document has no text")
    props = document.core_properties
    return Document(
        text=text,
        title=(props.title or guess_title(text)).strip(),
        author=props.author or guess_author(text),
        language=props.language or None,
        source=str(path),
        metadata={"created": iso_date(props.created)} if props.created else {},
    )
