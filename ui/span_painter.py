"""Painting spans over text: tinted boxes, stacked underlines, the selection and captions.

Calls are batched per label (``drawRects``, ``drawLines``): fewer calls paint faster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from ui import span_geometry as geo

TINT_ALPHA = 70
UNKNOWN_LABEL_COLOR = "#808080"


class LabelColours:
    """Each label's solid colour, its tint for boxes and a text colour that reads on it."""

    def __init__(self, colors: Mapping[str, str] | None = None) -> None:
        self._solid: dict[str, QColor] = {}
        self._tint: dict[str, QColor] = {}
        self._text: dict[str, QColor] = {}
        for label, hex_color in (colors or {}).items():
            self._add(label, hex_color)

    def _add(self, label: str, hex_color: str) -> None:
        solid = QColor(hex_color)
        self._solid[label] = solid
        self._tint[label] = QColor(solid.red(), solid.green(), solid.blue(), TINT_ALPHA)
        # WCAG contrast: white text reads better when 1.05 / (L + 0.05) > (L + 0.05) / 0.05.
        luminance = _relative_luminance(solid)
        white_is_better = 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05
        self._text[label] = QColor("#ffffff" if white_is_better else "#000000")

    def solid(self, label: str) -> QColor:
        """The label's colour (grey for a label the schema does not know)."""
        if label not in self._solid:
            self._add(label, UNKNOWN_LABEL_COLOR)
        return self._solid[label]

    def tint(self, label: str) -> QColor:
        """The label's colour, translucent, for the box behind the text."""
        self.solid(label)
        return self._tint[label]

    def text(self, label: str) -> QColor:
        """Black or white, whichever reads better on the label's colour."""
        self.solid(label)
        return self._text[label]


def _relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def paint_spans(
    painter: QPainter,
    lines: list[list[geo.Fragment]],
    colours: LabelColours,
    selected: int | None,
    caption_font: QFont,
) -> None:
    """Paint the fragments of ``lines`` (viewport coordinates) and their captions."""
    boxes: dict[str, list[QRectF]] = defaultdict(list)
    underlines: dict[str, list[QLineF]] = defaultdict(list)
    chosen: list[geo.Fragment] = []
    for line in lines:
        for f in line:
            boxes[f.span.label].append(f.rect)
            y = geo.underline_y(f)
            underlines[f.span.label].append(QLineF(f.rect.left(), y, f.rect.right(), y))
            if f.span.id == selected:
                chosen.append(f)
    painter.setPen(Qt.PenStyle.NoPen)
    for label, rects in boxes.items():
        painter.setBrush(colours.tint(label))
        painter.drawRects(rects)
    for label, segments in underlines.items():
        pen = QPen(colours.solid(label), geo.UNDERLINE_WIDTH, c=Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLines(segments)
    if chosen:
        painter.setPen(QPen(colours.solid(chosen[0].span.label).darker(140), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects([f.rect.adjusted(-1, -1, 1, 1) for f in chosen])
    _paint_captions(painter, lines, colours, selected, caption_font)


def _paint_captions(
    painter: QPainter,
    lines: list[list[geo.Fragment]],
    colours: LabelColours,
    selected: int | None,
    font: QFont,
) -> None:
    metrics = QFontMetricsF(font)
    by_label: dict[str, list[geo.Caption]] = defaultdict(list)
    for line in lines:
        for caption in geo.place_captions(line, metrics, geo.new_rows()):
            by_label[caption.span.label].append(caption)
    painter.setFont(font)
    for label, captions in by_label.items():
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.solid(label))
        painter.drawRects([c.rect for c in captions])
        painter.setPen(colours.text(label))
        for caption in captions:
            if caption.span.id == selected:
                bold = QFont(font)
                bold.setBold(True)
                painter.setFont(bold)
            painter.drawText(caption.rect, Qt.AlignmentFlag.AlignCenter, label)
            if caption.span.id == selected:
                painter.setFont(font)
