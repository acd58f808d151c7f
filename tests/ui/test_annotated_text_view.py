"""The annotated text view: spans drawn where their text is, found, clicked, added, removed."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QImage
from PySide6.QtWidgets import QToolTip

from ui.annotated_text_view import AnnotatedTextView

RED, GREEN, BLUE = "#d62728", "#2ca02c", "#1f77b4"
COLORS = {"WeaponSystem": RED, "Location": GREEN, "Actor": BLUE}
EMOJI = "👍🏽🇸🇾 𝐀 Cafe\u0301: Russian Su-34 jets struck al-Bab on Wednesday.\n"
ARABIC = "قال مصدر طبي إن ثمانية مدنيين قُتلوا في غارة جوية على سوق في ريف إدلب الجنوبي.\n"
LONG = "Delegations met in Astana " + "to discuss a ceasefire and more " * 12 + "today.\n"
TEXT = EMOJI + ARABIC + LONG


def mark(span_id: int, phrase: str, label: str, text: str = TEXT) -> tuple[int, int, int, str]:
    """A span over the first ``phrase`` in ``text``."""
    start = text.index(phrase)
    return (span_id, start, start + len(phrase), label)


SPANS = [
    mark(1, "Russian Su-34 jets", "WeaponSystem"),
    mark(2, "Su-34", "WeaponSystem"),
    mark(3, "al-Bab", "Location"),
    mark(4, "غارة", "Actor"),
    mark(5, "إدلب", "Location"),
    (6, TEXT.index("to discuss"), TEXT.index("today"), "Actor"),  # wraps over several lines
]


@pytest.fixture
def view(qtbot) -> AnnotatedTextView:
    """A shown view of TEXT with SPANS."""
    v = AnnotatedTextView()
    font = QFont("DejaVu Serif")
    font.setPointSize(12)
    v.setFont(font)
    v.resize(520, 700)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    v.set_document(TEXT, SPANS, COLORS)
    qtbot.waitUntil(lambda: bool(v.span_rects(6)))
    return v


def code_point_at(view: AnnotatedTextView, point: QPoint) -> int:
    """The code point Qt's own hit test puts under a viewport point."""
    return view.offsets().from_qt(view.cursorForPosition(point).position())


def centre(view: AnnotatedTextView, span_id: int, fragment: int = 0) -> QPoint:
    """The viewport point at the centre of one of the span's rectangles."""
    return view.span_rects(span_id)[fragment].center().toPoint()


@pytest.mark.parametrize("span_id", [2, 3, 4, 5, 6])  # 1 holds 2 at its centre
def test_each_span_is_found_at_the_centre_of_its_rectangles(view, span_id):
    _, start, end, _ = SPANS[span_id - 1]
    rects = view.span_rects(span_id)
    assert rects
    for rect in rects:
        point = rect.center().toPoint()
        assert view.span_at(point) == span_id
        # Qt's hit test agrees the rectangle covers the span's own characters.
        assert start <= code_point_at(view, point) < end


def test_a_wrapped_span_has_one_rectangle_per_line(view):
    rects = view.span_rects(6)
    assert len(rects) >= 3
    tops = [r.top() for r in rects]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)


def test_arabic_spans_and_their_captions_start_at_the_right(view):
    nearer, farther = view.span_rects(4)[0], view.span_rects(5)[0]
    # إدلب follows غارة in reading order: to its left on the same line, or on a later line.
    assert farther.top() > nearer.top() or farther.right() < nearer.left()
    captions = {c.span.id: c.rect for c in view.visible_captions()}
    for span_id, rect in ((4, nearer), (5, farther)):
        assert captions[span_id].right() == pytest.approx(rect.right())
        assert captions[span_id].bottom() <= rect.top()
    english = view.span_rects(3)[0]
    assert captions[3].left() == pytest.approx(english.left())


def test_clicking_a_span_reports_its_id(qtbot, view):
    with qtbot.waitSignal(view.sig_span_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre(view, 3))
    assert blocker.args == [3]
    assert view.selected_span() == 3
    with qtbot.assertNotEmitted(view.sig_span_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 690))
    assert view.selected_span() is None


def test_nested_spans_are_both_clickable(qtbot, view):
    inner = centre(view, 2)
    with qtbot.waitSignal(view.sig_span_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=inner)
    assert blocker.args == [2]
    outer_rect = view.span_rects(1)[0]
    on_russian = QPoint(int(outer_rect.left()) + 4, int(outer_rect.center().y()))
    assert TEXT.index("Russian") <= code_point_at(view, on_russian) < TEXT.index(" Su-34")
    with qtbot.waitSignal(view.sig_span_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=on_russian)
    assert blocker.args == [1]


def test_captions_overlap_neither_each_other_nor_the_text(view):
    captions = view.visible_captions()
    assert {c.span.id for c in captions} >= {1, 2, 3, 4, 5, 6}
    for i, a in enumerate(captions):
        for b in captions[i + 1 :]:
            assert not a.rect.intersects(b.rect), (a.span, b.span)
    scroll = view.verticalScrollBar().value()
    block = view.document().firstBlock()
    while block.isValid():
        layout = block.layout()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            text_rect = line.naturalTextRect().translated(layout.position())
            text_rect.translate(0, -scroll)
            for caption in captions:
                assert not caption.rect.intersects(text_rect), caption.span
        block = block.next()


@pytest.mark.parametrize("text", [LONG, ARABIC * 3], ids=["left-to-right", "right-to-left"])
def test_captions_at_the_ends_of_lines_stay_inside_the_view(qtbot, text):
    # Every word a span with a long label: some end a line, where the caption would run out.
    v = AnnotatedTextView()
    v.resize(300, 500)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    v.set_document(text, [(i, a, b, "WeaponSystem") for i, (a, b) in enumerate(words)], COLORS)
    qtbot.waitUntil(lambda: bool(v.span_rects(len(words) - 1)))
    captions = v.visible_captions()
    assert captions
    for caption in captions:
        assert caption.rect.left() >= 0 and caption.rect.right() <= v.viewport().width()


def pixel(view: AnnotatedTextView, point: QPoint) -> QColor:
    """The colour the viewport shows at ``point``, from a fresh grab."""
    image: QImage = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def test_spans_are_painted_in_their_label_colour(qtbot, view):
    rect = view.span_rects(3)[0]
    corner = QPoint(int(rect.left()) + 1, int(rect.top()) + 1)  # above the glyphs
    tinted = pixel(view, corner)
    underline = pixel(view, QPoint(int(rect.center().x()), int(rect.bottom()) + 2))
    view.remove_span(3)
    qtbot.waitUntil(lambda: not view.span_rects(3))
    plain = pixel(view, corner)
    assert plain == view.palette().base().color()
    assert tinted != plain
    assert tinted.green() > tinted.red() and tinted.green() > tinted.blue()  # green, tinted
    assert abs(underline.green() - QColor(GREEN).green()) < 10
    assert abs(underline.red() - QColor(GREEN).red()) < 10


def test_a_long_article_shows_its_spans_while_qt_is_still_laying_it_out(qtbot):
    # Qt lays a long document out in the background, from its start: the first paint comes
    # before it is done, and must already draw the spans on show.
    filler = "Shelling resumed near the front line overnight, officials said.\n" * 5000
    v = AnnotatedTextView()
    v.resize(520, 700)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    v.set_document(TEXT + filler, SPANS, COLORS)
    rect = v.span_rects(3)[0]
    assert pixel(v, QPoint(int(rect.left()) + 1, int(rect.top()) + 1)) != v.palette().base().color()


class PaintSpy(QObject):
    """Records the regions the viewport repaints."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note a paint event's rectangle; let the event through."""
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_adding_and_removing_repaint_only_the_affected_blocks(qtbot, view):
    spy = PaintSpy()
    view.viewport().installEventFilter(spy)
    qtbot.wait(50)
    spy.rects.clear()
    start = TEXT.index("Wednesday")
    view.add_span(7, start, start + len("Wednesday"), "Actor")
    qtbot.waitUntil(lambda: bool(spy.rects))
    assert view.span_at(centre(view, 7)) == 7
    assert 7 in view.span_ids()
    height = view.viewport().height()
    assert all(r.height() < height / 2 for r in spy.rects), spy.rects
    spy.rects.clear()
    point = centre(view, 7)
    view.remove_span(7)
    qtbot.waitUntil(lambda: bool(spy.rects))
    assert view.span_at(point) is None
    assert 7 not in view.span_ids()
    assert all(r.height() < height / 2 for r in spy.rects), spy.rects


def test_set_spans_replaces_them_and_keeps_the_text(view):
    view.set_spans([mark(9, "al-Bab", "Location")])
    assert view.span_ids() == [9]
    assert view.toPlainText() == TEXT
    assert view.document().isUndoRedoEnabled() is False


def test_hovering_shows_label_text_and_attributes(qtbot, view):
    start = TEXT.index("al-Bab")
    view.add_span(3, start, start + 6, "Location", {"type": "town"})
    assert view.span_tooltip(3) == "Location: al-Bab\ntype: town"
    point = centre(view, 3)
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    view.viewportEvent(event)
    assert QToolTip.text() == "Location: al-Bab\ntype: town"
    QToolTip.hideText()


def test_no_formats_enter_the_document(view):
    block = view.document().firstBlock()
    while block.isValid():
        assert all(not r.format.background().style() for r in block.layout().formats())
        assert len(block.textFormats()) <= 1
        block = block.next()
