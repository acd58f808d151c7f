"""Painting spans over text: tinted boxes, stacked underlines, the selection and captions;
and suggestions under them: dashed outlines, a faint tint, dashed captions.

Calls are batched per label (``drawRects``, ``drawLines``): fewer calls paint faster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from ui import span_geometry as geo

TINT_ALPHA = 70
FAINT_ALPHA = 28  # a suggestion's tint: there, but fainter than any span's
UNKNOWN_LABEL_COLOR = "#808080"
DASH_WIDTH, CURRENT_DASH_WIDTH = 1.2, 2.6
NESTED_INSET = 2.0  # a suggestion inside another is drawn this much lower and higher per level
NESTED_LEVELS = 2
CAPTION_CONTRAST = 4.5  # WCAG AA: a suggestion's caption text on the text's background


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

    def faint(self, label: str) -> QColor:
        """The label's colour, barely there, for a suggestion's box."""
        colour = QColor(self.solid(label))
        colour.setAlpha(FAINT_ALPHA)
        return colour

    def on(self, label: str, base: QColor) -> QColor:
        """The label's colour, darkened (on a light ``base``) or lightened (on a dark one)
        until text in it reads on ``base``."""
        colour = QColor(self.solid(label))
        dark_base = base.lightness() < 128
        for _ in range(12):
            if _contrast(colour, base) >= CAPTION_CONTRAST:
                break
            colour = colour.lighter(115) if dark_base else colour.darker(115)
        return colour


def _relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def paint_spans(
    painter: QPainter,
    lines: list[list[geo.Fragment]],
    captions: list[geo.Caption],
    colours: LabelColours,
    selected: int | None,
    caption_font: QFont,
) -> None:
    """Paint the fragments of ``lines`` (viewport coordinates) and ``captions``."""
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
    _fill(painter, boxes, colours.tint)
    for label, segments in underlines.items():
        pen = QPen(colours.solid(label), geo.UNDERLINE_WIDTH, c=Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLines(segments)
    if chosen:
        painter.setPen(QPen(colours.solid(chosen[0].span.label).darker(140), 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects([f.rect.adjusted(-1, -1, 1, 1) for f in chosen])
    _paint_captions(painter, captions, colours, selected, caption_font)


def _fill(
    painter: QPainter, boxes: Mapping[str, list[QRectF]], colour: Callable[[str], QColor]
) -> None:
    """Fill each label's boxes, unoutlined, in ``colour(label)``."""
    painter.setPen(Qt.PenStyle.NoPen)
    for label, rects in boxes.items():
        painter.setBrush(colour(label))
        painter.drawRects(rects)


def _paint_captions(
    painter: QPainter,
    captions: list[geo.Caption],
    colours: LabelColours,
    selected: int | None,
    font: QFont,
) -> None:
    by_label: dict[str, list[geo.Caption]] = defaultdict(list)
    for caption in captions:
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


def paint_suggestions(
    painter: QPainter,
    lines: list[list[geo.Fragment]],
    captions: list[geo.Caption],
    colours: LabelColours,
    current: int | None,
    caption_font: QFont,
    base: QColor,
) -> None:
    """Paint suggestions: a faint box and a dashed outline per fragment (nested ones inset), a
    thicker outline for the ``current`` one, and dashed captions on the ``base`` colour."""
    boxes: dict[str, list[QRectF]] = defaultdict(list)
    chosen: list[QRectF] = []
    for line in lines:
        for f in line:
            inset = NESTED_INSET * min(f.level, NESTED_LEVELS)
            rect = f.rect.adjusted(0.5, 0.5 + inset, -0.5, -0.5 - inset)
            boxes[f.span.label].append(rect)
            if f.span.id == current:
                chosen.append(rect)
    _fill(painter, boxes, colours.faint)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for label, rects in boxes.items():
        painter.setPen(_dashed(colours.solid(label), DASH_WIDTH))
        painter.drawRects(rects)
    if chosen:
        label = next(f.span.label for line in lines for f in line if f.span.id == current)
        painter.setPen(_dashed(colours.solid(label), CURRENT_DASH_WIDTH))
        painter.drawRects(chosen)
    bold = QFont(caption_font)
    bold.setBold(True)
    for caption in captions:
        label = caption.span.label
        painter.setPen(_dashed(colours.solid(label), DASH_WIDTH))
        painter.setBrush(base)
        painter.drawRect(caption.rect.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.setPen(colours.on(label, base))
        painter.setFont(bold if caption.span.id == current else caption_font)
        painter.drawText(caption.rect, Qt.AlignmentFlag.AlignCenter, label)


def _dashed(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width, Qt.PenStyle.CustomDashLine, Qt.PenCapStyle.FlatCap)
    pen.setDashPattern([3.0, 2.0])  # in pen widths: short dashes, even when thick
    return pen
