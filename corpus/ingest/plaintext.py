"""Articles from plain text and Markdown: the title is the first meaningful line, and a
"By Reuters" style byline gives the author. The text itself is kept as it is."""

from __future__ import annotations

import re

from annotator.document import Document

# Lines that page scrapes and copy-paste bring along before the headline.
_BOILERPLATE = re.compile(
    r"^(skip to (main )?content|jump to (main )?(content|navigation)|toggle navigation|menu|"
    r"main menu|search|sign in|log in|login|register|subscribe( now)?|advertisement|"
    r"cookies?( policy| settings)?|accept( all)?( cookies)?|home|share( this)?( article)?|print|"
    r"close|breaking news|live|watch live|newsletter|follow us|more)\W*$",
    re.IGNORECASE,
)
_URL = re.compile(r"^\w+://\S+$")
_BYLINE = re.compile(r"^by\s+(\S.{0,98}?)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
TITLE_MAX = 200


def is_meaningful(line: str) -> bool:
    """Whether a stripped line could be a headline (not navigation, a URL or a stray symbol)."""
    return (
        len(line) > 1
        and any(ch.isalnum() for ch in line)
        and not _BOILERPLATE.match(line)
        and not _URL.match(line)
    )


def guess_title(text: str, markdown: bool = False) -> str:
    """The article's title: a Markdown heading, else the first meaningful line (shortened)."""
    lines = [line.strip() for line in text.split("\n")]
    if markdown:
        for line in lines:
            heading = _HEADING.match(line)
            if heading and is_meaningful(heading.group(1)):
                return _shorten(heading.group(1))
    for line in lines:
        if markdown:
            line = line.lstrip("#>*- ").strip()
        if is_meaningful(line) and not _BYLINE.match(line):
            return _shorten(line)
    return ""


def guess_author(text: str) -> str | None:
    """The author named in a byline ("By Reuters") among the article's first lines, if any."""
    for line in text.split("\n")[:25]:
        match = _BYLINE.match(line.strip().strip("*_"))
        if match:
            return match.group(1).strip().strip("*_").strip()
    return None


def _shorten(line: str) -> str:
    if len(line) <= TITLE_MAX:
        return line
    cut = line.rfind(" ", 0, TITLE_MAX)
    return line[: cut if cut > 0 else TITLE_MAX].rstrip(" ,;:") + "…"


def article_from_text(text: str, source: str, markdown: bool = False) -> Document:
    """An article from normalised plain text or Markdown."""
    return Document(
        text=text, title=guess_title(text, markdown), author=guess_author(text), source=source
    )
