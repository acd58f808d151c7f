"""Painting links (relations and event roles) as labelled arcs between the spans they join.

An arc leaves the top of its head span's first visible fragment, rises into the room above the
line of its upper end (the rows where the spans' captions sit) and comes down with an arrow on
its tail span. Its caption (the relation type or role) sits on a small plate at the top of the
arc, the arc running through it: in that room, so that it never covers text, clear of the
spans' captions where there is space, and inside the viewport. When that room is scrolled out
of view, the room above the lower end's line, or else below the upper end's line, takes the
caption. The arcs that meet one span share out its top, each on the side of its other end, and
meet it where no caption covers it (or on the captions over it), so that arrows stay apart and
off the captions' text.

An arc between two lines crosses no text either: from each end it rises into the room above
that end's line and runs along it to the margin beside the text, where it goes up or down to
the other end's room (in a lane of its own, when several do). When one end is scrolled out of
view, the arc runs along the margin on to the viewport's top or bottom edge, so the annotator
sees that the link goes on. When no end's room is in view (its line at the view's top), the
runs keep to the sliver above the spans, and a captioned arc reaches its caption, below the
line, by a spur from the margin. The links of the selected span are drawn stronger and captioned
(the others stay faint, so that the text stays readable), and the spans at their other ends get
a dashed outline.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QRegion,
)

from ui import span_geometry as geo

ARROW = 6.0
EDGE_RUN = 30.0  # how far aside an arc runs to the viewport's edge for an end out of view
PLATE_PADDING = 3.0
PLATE_GAP = 4.0  # between a link's caption and a span's caption beside it
FOOT = 8.0  # the narrowest stretch of a span's top, clear of captions, that arcs land on
LANE_STEP = 3.0  # between the lanes of arcs that run along one margin
CORNER = 6.0  # the radius of an arc's corners on its way along the margin
SLIVER = 2.5  # how far above a span's top a run goes where the room above its line is not in view


class DrawnLink(NamedTuple):
    """A link as the view draws it: an id, the spans it joins (head to tail) and its caption."""

    key: str
    head: int
    tail: int
    caption: str


class LinkShape(NamedTuple):
    """Where a link is drawn: its arc, whether the arc ends in an arrow (its tail is in view),
    and the plate of its caption (None for a faint link, which has none)."""

    link: DrawnLink
    path: QPainterPath
    arrow: bool
    plate: QRectF | None


class _Landing(NamedTuple):
    """Where arcs may meet a span: the stretch ``left``..``right`` of its top, at ``text`` (the
    y of its top) or, when captions cover the span, at ``captions`` (the y of their top)."""

    left: float
    right: float
    text: float
    captions: float | None


class _End(NamedTuple):
    """A link's end in view: ``which`` (0 its head, 1 its tail), where arcs may meet the span,
    the end's share of that (its place, and the number of ends there) and the span's fragment."""

    which: int
    landing: _Landing
    share: tuple[int, int]
    rect: QRectF


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


def link_shapes(
    links: Sequence[DrawnLink],
    anchors: Mapping[int, QRectF],
    side: Callable[[int], int],
    size: QSizeF,
    metrics: QFontMetricsF,
    selected: int | None,
    tags: Iterable[QRectF],
    margin: float = 0.0,
) -> list[LinkShape]:
    """The shapes of the ``links`` that have at least one end in ``anchors`` (visible first
    fragments, viewport coordinates of a viewport of ``size``, whose text keeps ``margin``
    from its sides); ``side(span)`` is -1 for a span above the view and 1 below it. The links
    of ``selected`` are captioned, each caption clear of the ``tags`` (the spans' captions) and
    of the others where there is space."""
    row = geo.caption_height(metrics)
    links = [link for link in links if link.head in anchors or link.tail in anchors]
    tags = list(tags)
    sides = [_margin_side(link, anchors, size.width()) for link in links]
    toward = [None if s is None else (0.0 if s < 0 else size.width()) for s in sides]
    ends = _arc_ends(links, anchors, side, size.height(), row, tags, toward)
    lanes = _lanes(links, anchors, ends, sides, size.width(), margin, row)
    # Captions keep clear of the spans' captions, of the arcs' ends and of each other.
    taken = tags + [_foot(point) for start, end, _ in ends for point in (start, end)]
    shapes = []
    for link, (start, end, tops), lane in zip(links, ends, lanes, strict=True):
        strong = selected in (link.head, link.tail)
        width = metrics.horizontalAdvance(link.caption) + 2 * PLATE_PADDING if strong else 0.0
        if lane is None:
            reach = (min(start.x(), end.x()) - width, max(start.x(), end.x()) + width)
            centre = (start.x() + end.x()) / 2
        else:  # on the way from the end whose room the rows are in to the margin
            x = (start, end)[lane.which].x()
            direction = 1.0 if lane.x > x else -1.0
            reach = (min(x, lane.x), max(x, lane.x))
            centre = x + direction * (width / 2 + PLATE_GAP)
        rows = tops if lane is None else lane.rows
        plate = _plate(width, row - 1.0, centre, reach, rows, size.width(), taken if strong else [])
        if strong:
            taken.append(plate)
        if lane is None:
            path = _arc(start, plate.center(), end)
        else:
            caption = plate.center() if strong or not lane.spur else None  # no faint spurs
            path = _along_margin(start, end, lane, caption, size.height())
        shapes.append(LinkShape(link, path, link.tail in anchors, plate if strong else None))
    return shapes


class _Lane(NamedTuple):
    """The way of an arc between two lines along a margin: the lane's ``x``, the level of the
    run above each end's line (None for an end out of view, which is at the view's edge), and
    the end (0 its start, 1 its end) whose room the caption's ``rows`` are in. With ``spur``,
    no end's room is in view (its line is at the view's top): the runs keep to the sliver
    above the lines, and the caption, in ``rows`` below the line, is reached from the lane by
    a spur of its own."""

    x: float
    levels: tuple[float | None, float | None]
    rows: list[float]
    which: int
    spur: bool = False


def _margin_side(link: DrawnLink, anchors: Mapping[int, QRectF], width: float) -> int | None:
    """The margin the arc of ``link`` goes along: -1 the left one, 1 the right one (the one
    nearer its ends in view), None for an arc over one line."""
    rects = [r for r in (anchors.get(link.head), anchors.get(link.tail)) if r is not None]
    if len(rects) == 2 and abs(rects[0].center().y() - rects[1].center().y()) < (
        rects[0].height() / 2
    ):
        return None
    x = sum(rect.center().x() for rect in rects) / len(rects)
    return -1 if x < width / 2 else 1


def _lanes(
    links: list[DrawnLink],
    anchors: Mapping[int, QRectF],
    ends: list[tuple[QPointF, QPointF, list[float]]],
    sides: list[int | None],
    width: float,
    margin: float,
    row: float,
) -> list[_Lane | None]:
    """Each link's way along the margin on its side, or None for an arc over one line (or
    one whose room above its ends is out of view, which arcs as over one line), each in a
    lane of its own there: the first in the middle of the margin, the next ones nearer the
    view's edge."""
    lanes: list[_Lane | None] = []
    taken = {-1: 0, 1: 0}
    for link, (_, _, tops), side in zip(links, ends, sides, strict=True):
        if side is None:
            lanes.append(None)
            continue
        rects = [anchors.get(link.head), anchors.get(link.tail)]
        rooms = {
            which: [y for y in tops if rect.top() - geo.CAPTION_ROWS * row - 0.5 <= y < rect.top()]
            for which, rect in enumerate(rects)
            if rect is not None
        }
        owned = [which for which, rows in rooms.items() if rows]
        which = owned[0] if owned else min(rooms)
        index = taken[side]
        taken[side] += 1
        lane_x = max(1.5, margin / 2 - index * LANE_STEP)
        lane_x = lane_x if side < 0 else width - lane_x
        # in the middle of the upper caption row, or a lane's step above or below it, so that
        # the runs of arcs to one line lie apart
        level = (0.0, -1.0, 1.0)[index % 3] * LANE_STEP - 1.5 * row
        levels = tuple(None if rect is None else _run_level(rect, level) for rect in rects)
        rows = rooms[which] if owned else tops
        lanes.append(_Lane(lane_x, (levels[0], levels[1]), rows, which, spur=not owned))
    return lanes


def _run_level(rect: QRectF, level: float) -> float:
    """Where the run from a span's top to the margin goes: ``level`` above its line, kept in
    view; or, with less than a few pixels of room in view, just above the span (out of view
    when the line is cut at the view's top), so that the run crosses no text."""
    if rect.top() - SLIVER < 1.0:
        return rect.top() - SLIVER
    return max(1.0, rect.top() + level)


def _along_margin(
    start: QPointF, end: QPointF, lane: _Lane, caption: QPointF | None, height: float
) -> QPainterPath:
    """The arc from ``start`` to ``end`` along ``lane``: up from each end in view to its run
    (the one of the end whose room holds the ``caption`` through its middle), along it to the
    lane, and along the lane between them (or on to the view's top or bottom edge, where an end
    out of view is), corners rounded. A spur lane goes out to its caption and back between."""
    levels = list(lane.levels)
    if not lane.spur and caption is not None:
        levels[lane.which] = caption.y()
    halves: list[list[QPointF]] = []
    for which, point in enumerate((start, end)):
        y = levels[which]
        if y is None:
            halves.append([QPointF(lane.x, 0.0 if point.y() <= 0.0 else height)])
            continue
        run = [point, QPointF(point.x(), y), QPointF(lane.x, y)]
        halves.append(run if which == 0 else run[::-1])
    spur = []
    if lane.spur and caption is not None:
        spur = [QPointF(lane.x, caption.y()), caption, QPointF(lane.x, caption.y())]
    return _rounded(halves[0] + spur + halves[1])


def _rounded(points: list[QPointF]) -> QPainterPath:
    """A path through ``points`` with its corners rounded (upright at the ends as they are)."""
    path = QPainterPath(points[0])
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        into, out = corner - before, after - corner
        r = min(CORNER, math.hypot(into.x(), into.y()) / 2, math.hypot(out.x(), out.y()) / 2)
        if r < 0.5:
            path.lineTo(corner)
            continue
        path.lineTo(corner - into * (r / math.hypot(into.x(), into.y())))
        path.quadTo(corner, corner + out * (r / math.hypot(out.x(), out.y())))
    path.lineTo(points[-1])
    return path


def paint_links(
    painter: QPainter,
    shapes: Iterable[LinkShape],
    anchors: Mapping[int, QRectF],
    colour: QColor,
    plate: QColor,
    font: QFont,
    selected: int | None,
    tags: Iterable[QRectF] = (),
) -> None:
    """Paint the links' ``shapes`` (the captioned ones stronger, their captions over every arc)
    and a dashed outline round the spans in ``anchors`` that ``selected`` is linked to. An arc
    passes behind the spans' captions (``tags``), which stay readable; arrows are drawn over."""
    shapes = list(shapes)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.save()
    hidden = QRegion()
    for tag in tags:
        hidden = hidden.united(tag.toAlignedRect())
    if not hidden.isEmpty():
        visible = QRegion(painter.window()).subtracted(hidden)
        painter.setClipRegion(visible, Qt.ClipOperation.IntersectClip)
    for shape in shapes:
        painter.setPen(_pen(shape, colour))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(shape.path)
    painter.restore()
    for shape in shapes:
        if shape.arrow:
            _arrow(painter, shape.path, _pen(shape, colour).color())
    painter.setFont(font)
    for shape in shapes:
        if shape.plate is not None:
            painter.setPen(QPen(colour, 1.0))
            painter.setBrush(plate)
            painter.drawRoundedRect(shape.plate, 3.0, 3.0)
            painter.drawText(shape.plate, Qt.AlignmentFlag.AlignCenter, shape.link.caption)
    for span_id in linked_spans((shape.link for shape in shapes), selected):
        rect = anchors.get(span_id)
        if rect is not None:
            painter.setPen(QPen(colour, 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-2, -2, 2, 2))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _pen(shape: LinkShape, colour: QColor) -> QPen:
    """A captioned link's pen, stronger; a faint link's, faded."""
    return QPen(colour, 1.8) if shape.plate is not None else QPen(_faded(colour), 1.0)


def _arc_ends(
    links: list[DrawnLink],
    anchors: Mapping[int, QRectF],
    side: Callable[[int], int],
    height: float,
    row: float,
    tags: list[QRectF],
    toward: list[float | None],
) -> list[tuple[QPointF, QPointF, list[float]]]:
    """Each link's start and end, and the tops of the caption rows its caption may take;
    ``toward`` is the x an arc along a margin leaves its ends toward (None for the others)."""
    tags = sorted(tags, key=QRectF.bottom)
    bottoms = [tag.bottom() for tag in tags]
    room = geo.CAPTION_ROWS * row
    in_view = {span for link in links for span in (link.head, link.tail) if span in anchors}
    landings = {
        span: _landing(anchors[span], _over(anchors[span], tags, bottoms, room)) for span in in_view
    }
    slots = _slots(links, anchors, toward)
    return [
        _ends(
            [
                _End(which, landings[span], slots[n, which], anchors[span])
                for which, span in enumerate((link.head, link.tail))
                if span in anchors
            ],
            link,
            side,
            height,
            row,
        )
        for n, link in enumerate(links)
    ]


def _faded(colour: QColor) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(110)
    return faded


def _over(rect: QRectF, tags: list[QRectF], bottoms: list[float], room: float) -> list[QRectF]:
    """The ``tags`` (sorted by their ``bottoms``) in the ``room`` above the fragment ``rect``."""
    low = bisect.bisect_right(bottoms, rect.top() - room)
    high = bisect.bisect_right(bottoms, rect.top() + 0.5)
    return [r for r in tags[low:high] if r.left() < rect.right() and r.right() > rect.left()]


def _landing(rect: QRectF, over: list[QRectF]) -> _Landing:
    """Where arcs may meet a span's fragment: the widest stretch of its top that none of the
    captions ``over`` it covers; if they cover it all, the stretch under the captions over its
    middle, on their top (so that an arrow does not hide a caption's text) or on the text."""
    stretches = [(rect.left(), rect.right())]
    for r in over:
        stretches = [
            piece
            for a, b in stretches
            for piece in ((a, min(b, r.left() - 1.0)), (max(a, r.right() + 1.0), b))
            if piece[1] - piece[0] > 0.0
        ]
    a, b = max(stretches, key=lambda s: s[1] - s[0], default=(0.0, 0.0))
    text = rect.top() - 2.0  # on the dashed outline
    if b - a >= FOOT:
        return _Landing(a, b, text, None)
    middle = rect.center().x()
    covering = [r for r in over if r.left() <= middle <= r.right()]
    left = max([rect.left()] + [r.left() for r in covering])
    right = min([rect.right()] + [r.right() for r in covering])
    return _Landing(left, right, text, min((r.top() - 2.0 for r in covering), default=None))


def _slots(
    links: list[DrawnLink], anchors: Mapping[int, QRectF], toward: list[float | None]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Each link end's share of its span's top, by (the link's index, 0 for its head or 1 for
    its tail): its place and the number of ends there, in the order of where the arcs go (the
    other end, or the margin an arc goes along), so that they cross less."""
    ends: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for n, link in enumerate(links):
        pair = (link.head, link.tail)
        for which, span_id in enumerate(pair):
            rect = anchors.get(span_id)
            if rect is None:
                continue
            other = anchors.get(pair[1 - which])
            aside = EDGE_RUN if which == 0 else -EDGE_RUN  # to the edge: see _ends
            x = other.center().x() if other is not None else rect.center().x() + aside
            x = x if toward[n] is None else toward[n]
            ends[span_id].append((x, n, which))
    return {
        (n, which): (place, len(meeting))
        for meeting in ends.values()
        for place, (_, n, which) in enumerate(sorted(meeting))
    }


def _ends(
    ends: list[_End], link: DrawnLink, side: Callable[[int], int], height: float, row: float
) -> tuple[QPointF, QPointF, list[float]]:
    """Where the arc of ``link`` with these ``ends`` in view starts and ends, and the tops of
    the caption rows its caption may take.

    An arc meets a span that captions cover on their top if its caption can go higher, else on
    the text behind them. An end out of view is at the view's edge, beside the other end."""
    visible = [end.rect for end in ends]
    ceiling = min(
        (end.landing.captions for end in ends if end.landing.captions is not None),
        default=math.inf,
    )
    tops = _caption_rows(visible, row, height, ceiling)
    on_captions = bool(tops)
    if not on_captions:
        tops = _caption_rows(visible, row, height, math.inf) or [max(0.0, visible[0].top() - row)]
    points = []
    for end in ends:
        land, (place, count) = end.landing, end.share
        x = land.left + (land.right - land.left) * (place + 0.5) / count
        y = land.captions if on_captions and land.captions is not None else land.text
        points.append(QPointF(x, y))
    if len(points) == 2:
        return points[0], points[1], tops
    [point] = points
    if ends[0].which == 1:  # the head is out of view
        edge = QPointF(point.x() - EDGE_RUN, 0.0 if side(link.head) < 0 else height)
        return edge, point, tops
    edge = QPointF(point.x() + EDGE_RUN, 0.0 if side(link.tail) < 0 else height)
    return point, edge, tops


def _foot(point: QPointF) -> QRectF:
    """The end of an arc at ``point`` (an arrow's head, if any), which no caption covers."""
    return QRectF(point.x() - ARROW / 2 - 1.0, point.y() - ARROW - 1.0, ARROW + 2.0, ARROW + 1.0)


def _caption_rows(visible: list[QRectF], row: float, height: float, ceiling: float) -> list[float]:
    """The tops of the caption rows in view, with their middles above ``ceiling``, where a
    link's caption may go, upper row first: in the room above the line of the link's upper
    end, else above its lower end's line, else below the upper end's line (a room scrolled
    partly out of view offers the rows in view)."""
    upper, lower = min(visible, key=QRectF.top), max(visible, key=QRectF.top)
    rows = range(geo.CAPTION_ROWS - 1, -1, -1)
    rooms = [[upper.top() - (r + 1) * row for r in rows]]
    if lower.top() > upper.top():
        rooms.append([lower.top() - (r + 1) * row for r in rows])
    below = upper.bottom() + geo.underline_room() + 1.0
    rooms.append([below + r * row for r in range(geo.CAPTION_ROWS)])
    for tops in rooms:
        shown = [y for y in tops if y >= 0.0 and y + row <= height and y + row / 2 < ceiling]
        if shown:
            return shown
    return []


def _plate(
    width: float,
    height: float,
    centre: float,
    reach: tuple[float, float],
    tops: list[float],
    right: float,
    taken: list[QRectF],
) -> QRectF:
    """A caption's plate in one of the rows at ``tops`` (earlier ones preferred), inside
    0..``right``: centred on ``centre``, or as near it as it is clear of ``taken`` with its
    middle within ``reach``; centred in the first row where no place is clear."""

    def at(x: float, y: float) -> QRectF:
        return QRectF(max(0.0, min(x, right - width)), y, width, height)

    candidates = []
    for rank, y in enumerate(tops):
        near = [r for r in taken if r.top() < y + height and r.bottom() > y]
        lefts = [centre - width / 2]
        lefts += [r.left() - PLATE_GAP - width for r in near]
        lefts += [r.right() + PLATE_GAP for r in near]
        for left in lefts:
            rect = at(left, y)
            middle = rect.center().x()
            if reach[0] <= middle <= reach[1] and not any(rect.intersects(r) for r in near):
                candidates.append((abs(middle - centre), rank, rect))
    if not candidates:
        return at(centre - width / 2, tops[0])
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _arc(start: QPointF, apex: QPointF, end: QPointF) -> QPainterPath:
    """A curve from ``start`` through ``apex`` (level there) to ``end``, upright at its ends."""
    path = QPainterPath(start)
    y = apex.y()
    path.cubicTo(QPointF(start.x(), y), QPointF((start.x() + apex.x()) / 2, y), apex)
    path.cubicTo(QPointF((apex.x() + end.x()) / 2, y), QPointF(end.x(), y), end)
    return path


def _arrow(painter: QPainter, path: QPainterPath, colour: QColor) -> None:
    """An arrow's head at the end of ``path``, along its last control line (upright: see
    :func:`_arc`), so that it points at the span however short the arc's last stretch is."""
    tip = path.pointAtPercent(1.0)
    control = path.elementAt(path.elementCount() - 2)
    back = QPointF(control.x, control.y) - tip
    length = math.hypot(back.x(), back.y())
    if length < 1e-6:
        angle = math.radians(-path.angleAtPercent(0.98))
        back, length = QPointF(-math.cos(angle), -math.sin(angle)), 1.0
    back *= ARROW / length
    normal = QPointF(-back.y(), back.x()) * 0.5
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QPolygonF([tip, tip + back + normal, tip + back - normal]))
