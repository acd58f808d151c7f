"""Builders of small article files in formats that need a library or a byte layout (PDF, DOCX)."""

from __future__ import annotations

from pathlib import Path

import docx


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(
    path: Path, lines: list[str], title: str | None = None, author: str | None = None
) -> Path:
    """A one-page PDF whose text layer holds ``lines`` (Latin-1 text, Helvetica)."""
    content = (
        "BT /F1 12 Tf 72 720 Td 16 TL "
        + " ".join(f"{_pdf_string(line)} Tj T*" for line in lines)
        + " ET"
    )
    info = " ".join(
        f"/{k} {_pdf_string(v)}" for k, v in (("Title", title), ("Author", author)) if v
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        f"<< {info} >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, paragraphs: list[str], title: str = "", author: str = "") -> Path:
    """A Word document with ``paragraphs`` and the given core properties."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.title = title
    document.core_properties.author = author
    document.save(str(path))
    return path
