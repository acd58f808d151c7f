"""Running a screenshot script in a UI test, and the pictures it wrote."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication


def picture_sizes(
    qapp: QApplication, main: Callable[[list[str]], int], folder: Path, names: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """Run a screenshot script's ``main`` into ``folder`` (the app's style and palette put back
    afterwards) and check that it succeeded; the width and height of each picture ``names``."""
    style, palette = qapp.style().name(), QApplication.palette()
    try:
        assert main([str(folder)]) == 0
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)
    images = {name: QImage(str(folder / f"{name}.png")) for name in names}
    return {name: (image.width(), image.height()) for name, image in images.items()}
