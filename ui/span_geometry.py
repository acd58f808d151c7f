"""Where spans go on screen: one rectangle per line fragment, and captions that do not collide.

All geometry is in document coordinates (the text view shifts it by its scroll offsets). A
fragment's rectangle covers its line's text height; captions sit in the room the view reserves
above every line, on the first line a span starts on, in the first caption row where they fit.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QTextBlock

from ui.span_index import IndexedSpan, SpanIndex

CAPTION_ROWS = 2
CAPTION_PADDING = 3.0  # left and right of the caption's text
CAPTION_GAP = 4.0  # between two captions on one row
UNDERLINE_WIDTH = 2.0
UNDERLINE_STEP = 3.0  # from one stacking level's underline to the next
UNDERLINE_LEVELS = 3  # deeper levels share the last underline position


class Fragment(NamedTuple):
    """The part of a span on one line: its rectangle, level, and whether the span starts here."""

    span: IndexedSpan
    rect: QRectF
    level: int
    starts_here: bool
    right_to_left: bool


class Caption(NamedTuple):
    """A span's label drawn above its first fragment."""

    span: IndexedSpan
    rect: QRectF


def underline_room() -> float:
    """The height the stacked underlines take below a line."""
    return UNDERLINE_STEP * (UNDERLINE_LEVELS - 1) + UNDERLINE_WIDTH + 1.0


def caption_height(metrics: QFontMetricsF) -> float:
    """The height of one caption row."""
    return metrics.height() + 1.0


def room_above_lines(metrics: QFontMetricsF) -> float:
    """The room above each line for the previous line's underlines and the caption rows."""
    return underline_room() + CAPTION_ROWS * caption_height(metrics) + 1.0


def underline_y(fragment: Fragment) -> float:
    """The y of the middle of the fragment's underline."""
    level = min(fragment.level, UNDERLINE_LEVELS - 1)
    return fragment.rect.bottom() + 1.0 + UNDERLINE_WIDTH / 2 + level * UNDERLINE_STEP


def block_fragments(
    block: QTextBlock, index: SpanIndex, top: float, bottom: float
) -> list[list[Fragment]]:
    """The fragments of ``block``'s spans, one list per line whose text lies in top..bottom."""
    layout = block.layout()
    start = block.position()
    spans = index.overlapping(start, start + max(block.length() - 1, 0))
    if not spans or layout is None:
        return []
    origin = layout.position()
    lines: list[list[Fragment]] = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        y = origin.y() + line.y()
        if y > bottom or y + line.height() + underline_room() < top:
            continue
        natural = line.naturalTextRect()
        text_left, text_right = natural.left(), natural.right()
        line_start = start + line.textStart()
        line_end = line_start + line.textLength()
        fragments = []
        for span in spans:
            if span.start >= line_end or span.end <= line_start:
                continue
            a = max(span.start, line_start) - start
            b = min(span.end, line_end) - start
            xa = line.cursorToX(a)[0]
            xb = line.cursorToX(b)[0]
            # Clipped to the line's text: not over the space left where a line wraps.
            left, right = max(min(xa, xb), text_left), min(max(xa, xb), text_right)
            if right <= left:
                continue
            rect = QRectF(origin.x() + left, y, right - left, line.height())
            starts_here = span.start >= line_start
            fragments.append(Fragment(span, rect, index.level(span.id), starts_here, xb < xa))
        if fragments:
            lines.append(fragments)
    return lines


def place_captions(
    line: list[Fragment],
    metrics: QFontMetricsF,
    taken: list[list[tuple[float, float]]],
    right: float,
) -> list[Caption]:
    """Captions for the spans starting on ``line``, each in the first row where it fits.

    ``taken`` holds, per caption row, the x ranges already used on this line; a caption that
    fits no row is left out (the tooltip still names the label). A caption that would run past
    ``right`` (the viewport's width) or before 0 is moved in, so it is never cut off.
    """
    height = caption_height(metrics)
    captions = []
    for fragment in line:
        if not fragment.starts_here:
            continue
        width = metrics.horizontalAdvance(fragment.span.label) + 2 * CAPTION_PADDING
        rect = fragment.rect
        left = rect.right() - width if fragment.right_to_left else rect.left()
        left = max(0.0, min(left, right - width))
        for row, used in enumerate(taken):
            if all(left + width + CAPTION_GAP <= a or left >= b + CAPTION_GAP for a, b in used):
                used.append((left, left + width))
                y = rect.top() - (row + 1) * height
                captions.append(Caption(fragment.span, QRectF(left, y, width, height - 1.0)))
                break
    return captions


def new_rows() -> list[list[tuple[float, float]]]:
    """Empty caption rows for one line."""
    return [[] for _ in range(CAPTION_ROWS)]
