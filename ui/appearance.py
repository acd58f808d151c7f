"""Light and dark: the theme follows the system's colour scheme unless the user picks one, and
the choice is remembered (QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPainter
from PySide6.QtWidgets import QApplication, QMenu, QProxyStyle, QStyle, QStyleOption, QWidget

from ui.palette import dark_palette

THEMES = {"system": "Follow the &System", "light": "&Light", "dark": "&Dark"}
SETTING = "appearance/theme"


class VisibleIndicatorStyle(QProxyStyle):
    """Fusion, with check box outlines that show on a dark palette (Fusion derives them from
    the window colour, nearly the colour of the box itself there)."""

    OUTLINED = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """Draw as Fusion does, then outline check boxes when the palette is dark."""
        super().drawPrimitive(element, option, painter, widget)
        if (
            element in self.OUTLINED
            and option.palette.color(option.palette.ColorRole.Window).lightness() < 128
        ):
            painter.save()
            painter.setPen(QColor("#9a9a9a"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(option.rect.adjusted(1, 1, -2, -2), 2.0, 2.0)
            painter.restore()


class Appearance(QObject):
    """Applies the chosen theme to the application and offers the choice as a menu."""

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        theme = str(settings.value(SETTING, "system"))
        self.theme = theme if theme in THEMES else "system"
        self.menu = QMenu("&Theme")
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for name, text in THEMES.items():
            action = QAction(text, self, checkable=True, checked=name == self.theme)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[name] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def set_theme(self, name: str) -> None:
        """Use the theme ``name`` (system, light or dark) from now on."""
        self.theme = name
        self.actions[name].setChecked(True)
        self._settings.setValue(SETTING, name)
        self.apply()

    def is_dark(self) -> bool:
        """Whether the dark palette is the one to use now."""
        if self.theme == "system":
            return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
        return self.theme == "dark"

    def apply(self) -> None:
        """Give the application the palette of the theme (Fusion draws both alike)."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if not isinstance(app.style(), VisibleIndicatorStyle):
            app.setStyle(VisibleIndicatorStyle())
        app.setPalette(dark_palette() if self.is_dark() else app.style().standardPalette())

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system":
            self.apply()
