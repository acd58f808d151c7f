"""Links drawn as arcs in the text view: a caption sits in the room above a line, where no text
is, clear of the spans' captions and inside the view, and its arc runs through it; in
left-to-right and right-to-left text, and with the room above a line scrolled out of view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont

from tests.ui.test_annotated_text_view import ARABIC, LONG, mark, view  # noqa: F401  (fixture)
from ui.annotated_text_view import AnnotatedTextView
from ui.link_painter import DrawnLink, LinkShape
from ui.screenshots import ARABIC_TEXT

# Links of span 4 (غارة, on the Arabic line) to spans on other lines, one on the line above.
LINKS = [
    DrawnLink("up", 4, 3, "located_at"),
    DrawnLink("down", 4, 5, "place"),
    DrawnLink("in", 1, 4, "instrument"),
    DrawnLink("far", 4, 6, "target"),
]

ARABIC_SPANS = [
    mark(1, "ثمانية مدنيين على الأقل", "Casualty", ARABIC_TEXT),
    mark(2, "غارة جوية", "Attack", ARABIC_TEXT),
    mark(3, "سوقاً شعبية", "Location", ARABIC_TEXT),
    mark(4, "صواريخ", "WeaponSystem", ARABIC_TEXT),
]
# As in the Arabic screenshot: the attack's place a line below, its casualties a line above.
ARABIC_LINKS = [
    DrawnLink("r", 2, 3, "located_at"),
    DrawnLink("casualty", 2, 1, "casualty"),
    DrawnLink("instrument", 2, 4, "instrument"),
]


def text_rects(view: AnnotatedTextView) -> list[QRectF]:
    """The viewport rectangles of the text of every laid-out line."""
    rects = []
    scroll = QPointF(0.0, view.verticalScrollBar().value())
    block = view.document().firstBlock()
    while block.isValid():
        layout = block.layout()
        for n in range(layout.lineCount()):
            rect = layout.lineAt(n).naturalTextRect().translated(layout.position())
            rects.append(rect.translated(-scroll))
        block = block.next()
    return rects


def captioned(view: AnnotatedTextView) -> list[LinkShape]:
    """The links drawn with a caption (the selected span's)."""
    return [shape for shape in view.visible_links() if shape.plate is not None]


def check_captions(view: AnnotatedTextView, expected: int) -> None:
    """The selected span's ``expected`` link captions are in view, off every line's text and
    every span's caption, apart from each other, and each on its arc."""
    shapes = captioned(view)
    assert len(shapes) == expected
    plates = [shape.plate for shape in shapes if shape.plate is not None]
    viewport = QRectF(view.viewport().rect())
    lines, tags = text_rects(view), [c.rect for c in view.visible_captions()]
    for shape, plate in zip(shapes, plates, strict=True):
        assert viewport.contains(plate), shape.link
        assert not any(plate.intersects(line) for line in lines), shape.link
        assert not any(plate.intersects(tag) for tag in tags), shape.link
        assert sum(plate.intersects(other) for other in plates) == 1, shape.link  # itself
        on_arc = [shape.path.pointAtPercent(i / 200) for i in range(201)]
        assert any(plate.contains(point) for point in on_arc), shape.link


def test_link_captions_across_lines_cover_no_text(view):
    view.set_links(LINKS)
    view.select_span(4)
    check_captions(view, len(LINKS))
    view.select_span(1)  # one link, from the first line to the Arabic one
    check_captions(view, 1)


@pytest.fixture
def arabic_view(qtbot) -> AnnotatedTextView:
    """The Arabic screenshot's article, its attack selected with its three links."""
    v = AnnotatedTextView()
    v.setFont(QFont("DejaVu Sans", 11))
    v.resize(440, 600)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    v.set_document(ARABIC_TEXT, ARABIC_SPANS, {"Attack": "#ff7f0e"})
    v.set_links(ARABIC_LINKS)
    v.select_span(2)
    qtbot.waitUntil(lambda: len(captioned(v)) == len(ARABIC_LINKS))
    return v


def test_arabic_captions_of_links_to_the_lines_above_and_below_cover_no_text(arabic_view):
    casualties, attack = arabic_view.span_rects(1)[0], arabic_view.span_rects(2)[0]
    assert casualties.bottom() < attack.top()  # the case of the screenshot: a line above
    check_captions(arabic_view, len(ARABIC_LINKS))


def test_arcs_meet_a_span_apart_and_off_its_caption(arabic_view):
    tags = [c.rect for c in arabic_view.visible_captions()]
    shapes = arabic_view.visible_links()
    starts = [shape.path.pointAtPercent(0.0) for shape in shapes]  # all three on the attack
    assert len({round(point.x()) for point in starts}) == len(shapes)
    ends = [shape.path.pointAtPercent(1.0) for shape in shapes]  # the arrows' tips
    for point in starts + ends:
        assert not any(tag.contains(point) for tag in tags), point


def crossings(view: AnnotatedTextView) -> list[tuple[str, QPointF]]:
    """The points of the drawn arcs (their ends aside) that lie on a line's text."""
    lines = text_rects(view)
    found = []
    for shape in view.visible_links():
        for i in range(1, 400):
            point = shape.path.pointAtPercent(i / 400)
            if any(line.contains(point) for line in lines):
                found.append((shape.link.key, point))
    return found


def test_arcs_between_lines_go_round_the_text_by_the_margin(view, arabic_view):
    """The arcs of links to other lines (a line or several away, above and below, in
    left-to-right and right-to-left text) cross no line's text, captioned or faint."""
    view.set_links(LINKS)
    view.select_span(4)
    assert crossings(view) == []
    view.set_all_links_shown(True)
    view.select_span(1)  # its link drawn strong, the others faint
    assert crossings(view) == []
    assert crossings(arabic_view) == []
    # the attack's instrument, five lines down, goes down the margin
    instrument = next(s for s in arabic_view.visible_links() if s.link.key == "instrument")
    margin = arabic_view.document().documentMargin()
    width = arabic_view.viewport().width()
    lane = [instrument.path.pointAtPercent(i / 100).x() for i in range(101)]
    assert any(x <= margin or x >= width - margin for x in lane)


@pytest.mark.parametrize("step", [0, 5, 10, 20, 35])
def test_captions_stay_in_view_and_off_text_when_their_room_is_scrolled_away(view, step):
    """With the line's room above out of view, a caption goes below the line, reached from
    the margin by a spur of its arc, and the arcs still cross no text."""
    view.resize(520, 300)  # short enough to scroll the first lines away
    view.set_links(LINKS)
    view.select_span(4)
    arabic_line = view.span_rects(4)[0].top() + view.verticalScrollBar().value()
    view.verticalScrollBar().setValue(int(arabic_line) - step)  # its room above: out of view
    assert view.verticalScrollBar().value() == int(arabic_line) - step
    assert view.span_rects(4) and not view.span_rects(1)
    check_captions(view, len(LINKS))  # each has its Arabic end in view
    assert crossings(view) == []
    view.set_all_links_shown(True)
    view.select_span(None)  # all faint, none captioned
    assert crossings(view) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [(LONG, ("Delegations", "met")), (ARABIC, ("قال", "مصدر"))],
    ids=["left-to-right", "right-to-left"],
)
def test_a_long_caption_at_the_start_of_a_line_stays_inside_the_view(qtbot, text, words):
    # Two short spans at the edge the line starts at, joined by a link with a long caption.
    v = AnnotatedTextView()
    v.resize(300, 300)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    v.set_document(text, [mark(1, words[0], "Actor", text), mark(2, words[1], "Actor", text)])
    v.set_links([DrawnLink("long", 1, 2, "a rather long relation type")])
    v.select_span(1)
    qtbot.waitUntil(lambda: len(captioned(v)) == 1)
    check_captions(v, 1)


def test_arcs_pass_behind_the_spans_captions(qtbot):
    """An arc that crosses a span's caption leaves it as painted (readable); arrows and the
    arc elsewhere are drawn."""
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath

    from ui.link_painter import paint_links

    tag = QRectF(40, 40, 60, 14)
    path = QPainterPath(QPointF(10, 90))
    path.cubicTo(QPointF(10, 20), QPointF(130, 20), QPointF(130, 90))  # through the tag
    assert path.intersects(tag)
    shape = LinkShape(DrawnLink("k", 1, 2, "uses"), path, True, None)

    def painted(tags: list[QRectF]) -> QImage:
        image = QImage(150, 100, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.fillRect(tag, QColor("#ff7f0e"))
        paint_links(painter, [shape], {}, QColor("black"), QColor("white"), QFont(), None, tags)
        painter.end()
        return image

    over, behind = painted([]), painted([tag])
    inside = tag.toAlignedRect()
    tag_pixels = {
        behind.pixelColor(x, y).name()
        for x in range(inside.left(), inside.right())
        for y in range(inside.top(), inside.bottom())
    }
    assert tag_pixels == {"#ff7f0e"}
    assert over.copy(inside) != behind.copy(inside)  # without the tags, the arc strikes through
    start = path.pointAtPercent(0.1).toPoint()
    assert behind.pixelColor(start).lightness() < 240  # the arc is drawn outside the tag
