"""The terminal progress bar of the long commands (tqdm, imported when a command runs: starting
the app needs none of it)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm import tqdm


def progress_bar(iterable: Any = None, *, unit: str, quiet: bool = False, **options: Any) -> tqdm:
    """A bar on stderr that disappears when done and shows only on a terminal (never when
    ``quiet``, e.g. for JSON output)."""
    from tqdm import tqdm

    options.setdefault("leave", False)
    return tqdm(iterable, unit=unit, file=sys.stderr, disable=True if quiet else None, **options)
