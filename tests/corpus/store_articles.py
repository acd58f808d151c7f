"""What the store tests share: a wire article, an edited copy of it, another article, and spans
over their words."""

from __future__ import annotations

from annotator.document import Document, Span

ARTICLE = (
    "Russia said its air force had joined Turkish jets for the first time on Wednesday to "
    "target militants holding the town of al-Bab in northern Syria, evidence of increasingly "
    "close co-operation between Moscow and Ankara. Russia and Turkey are the main organisers of "
    "a new round of peace talks due to take place in Kazakhstan later this month and have set "
    "aside their differences over the political fate of the president to try to forge a wider "
    "deal. A senior defence ministry official said nine Russian and eight Turkish jets had "
    "together struck targets in al-Bab, which is located about forty kilometres northeast of "
    "Aleppo. The official said the assessment of the initial results of the strikes showed the "
    "joint activity of the air groups was highly effective. Turkish officials said three "
    "civilians were killed and eleven were wounded when shells hit a market in the town on "
    "Tuesday, and that the army would press on until the town was taken."
)
# The same wire copy, lightly edited by another outlet.
EDITED = (
    ARTICLE.replace("Wednesday", "Thursday")
    .replace("highly effective", "very effective")
    .replace("eleven", "twelve")
)
OTHER = (
    "Heavy rain flooded the lower valley overnight, and farmers said the harvest of apples and "
    "pears would be late this year. The regional council opened two schools as shelters and "
    "asked residents to boil drinking water until the pumping station is repaired next week."
)


def doc(text: str, **meta: object) -> Document:
    return Document(text=text, **meta)  # type: ignore[arg-type]


def span_at(text: str, needle: str, label: str, **attributes: object) -> Span:
    """A ``label`` span over the first ``needle`` in ``text``."""
    start = text.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]
