"""Painting links (relations and event roles) as labelled arcs between the spans they join.

An arc leaves the top of its head span's first visible fragment, rises above the line and comes
down with an arrow on its tail span; its caption (the relation type or role) sits at the top of
the arc on a small plate. When one end is scrolled out of view, the arc runs to the viewport's
top or bottom edge instead, so the annotator sees that the link goes on. The links of the
selected span are drawn stronger and captioned (the others stay faint, so that the text stays
readable), and the spans at their other ends get a dashed outline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

ARROW = 6.0
RISE_MIN = 14.0
RISE_MAX = 40.0
PLATE_PADDING = 3.0


class DrawnLink(NamedTuple):
    """A link as the view draws it: an id, the spans it joins (head to tail) and its caption."""

    key: str
    head: int
    tail: int
    caption: str


def linked_spans(links: Iterable[DrawnLink], span_id: int | None) -> set[int]:
    """The spans joined to ``span_id`` by ``links``."""
    if span_id is None:
        return set()
    return {
        other
        for link in links
        for end, other in ((link.head, link.tail), (link.tail, link.head))
        if end == span_id
    }


def paint_links(
    painter: QPainter,
    links: Iterable[DrawnLink],
    anchors: Mapping[int, QRectF],
    side: Callable[[int], int],
    height: float,
    colour: QColor,
    plate: QColor,
    font: QFont,
    selected: int | None,
    lift: float = 0.0,
) -> None:
    """Paint the ``links`` that have at least one end in ``anchors`` (visible first fragments,
    viewport coordinates); ``side(span)`` is -1 for a span above the view and 1 below it. Arcs
    meet a span ``lift`` above its fragment, over its caption."""
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for link in links:
        head, tail = anchors.get(link.head), anchors.get(link.tail)
        if head is None and tail is None:
            continue
        strong = selected in (link.head, link.tail)
        pen = QPen(colour, 1.8 if strong else 1.0)
        if not strong:
            pen.setColor(_faded(colour))
        start = _end_point(head, link.head, side, height, lift)
        end = _end_point(tail, link.tail, side, height, lift)
        path, top = _arc(start, end)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if tail is not None:
            _arrow(painter, path, pen.color())
        if strong:  # other arcs stay faint and unlabelled, so the text stays readable
            _caption(painter, link.caption, top, metrics, pen.color(), plate)
    for span_id in linked_spans(links, selected):
        rect = anchors.get(span_id)
        if rect is not None:
            outline = QPen(colour, 1.2, Qt.PenStyle.DashLine)
            painter.setPen(outline)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-2, -2, 2, 2))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _faded(colour: QColor) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(110)
    return faded


def _end_point(
    rect: QRectF | None, span_id: int, side: Callable[[int], int], height: float, lift: float
) -> QPointF:
    """Where an arc meets a span: above the middle of its fragment, or the view's edge."""
    if rect is not None:
        return QPointF(rect.center().x(), rect.top() - lift)
    return QPointF(math.nan, 0.0 if side(span_id) < 0 else height)


def _arc(start: QPointF, end: QPointF) -> tuple[QPainterPath, QPointF]:
    """A curve from ``start`` to ``end`` rising above both; also its highest middle point.

    An end at the view's edge (its x unknown) is put straight above or below the other end.
    """
    if math.isnan(start.x()):
        start = QPointF(end.x() - 30.0, start.y())
    if math.isnan(end.x()):
        end = QPointF(start.x() + 30.0, end.y())
    rise = min(max(RISE_MIN, abs(end.x() - start.x()) * 0.15), RISE_MAX)
    top_y = min(start.y(), end.y()) - rise
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x(), top_y), QPointF(end.x(), top_y), end)
    return path, path.pointAtPercent(0.5)


def _arrow(painter: QPainter, path: QPainterPath, colour: QColor) -> None:
    tip = path.pointAtPercent(1.0)
    angle = math.radians(-path.angleAtPercent(0.98))
    back = QPointF(math.cos(angle), math.sin(angle)) * ARROW
    normal = QPointF(-back.y(), back.x()) * 0.5
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QPolygonF([tip, tip - back + normal, tip - back - normal]))


def _caption(
    painter: QPainter,
    text: str,
    centre: QPointF,
    metrics: QFontMetricsF,
    colour: QColor,
    plate: QColor,
) -> None:
    width = metrics.horizontalAdvance(text) + 2 * PLATE_PADDING
    rect = QRectF(
        centre.x() - width / 2, centre.y() - metrics.height() / 2, width, metrics.height()
    )
    painter.setPen(QPen(colour, 1.0))
    painter.setBrush(plate)
    painter.drawRoundedRect(rect, 3.0, 3.0)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
