"""Exchange formats, by name: each module ``annotator.formats.<name>`` defines ``FORMAT`` (a
:class:`annotator.formats.model.Format`). Modules are imported on first use, so a format whose
library is missing (spaCy) costs nothing until it is asked for, and then says what to install.
"""

from __future__ import annotations

import importlib

from annotator.errors import AnnotatorError
from annotator.formats.model import Format

MODULES = {
    "brat": "annotator.formats.brat",
    "conll": "annotator.formats.conll",
    "jsonl": "annotator.formats.doccano",
    "labelstudio": "annotator.formats.labelstudio",
    "xmi": "annotator.formats.xmi",
    "webanno-tsv": "annotator.formats.webanno_tsv",
    "w3c": "annotator.formats.w3c",
    "spacy": "annotator.formats.spacy_docbin",
    "hf": "annotator.formats.hf",
    "csv": "annotator.formats.csv_spans",
}
"""Every format's CLI name and the module that implements it."""


def names() -> list[str]:
    """The formats' names, in the order the documentation lists them."""
    return list(MODULES)


def get(name: str) -> Format:
    """The format called ``name``; a one-line error for an unknown name or a missing library."""
    module_name = MODULES.get(name)
    if module_name is None:
        raise AnnotatorError(f"unknown format '{name}' (expected one of {', '.join(MODULES)})")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AnnotatorError(f"the {name} format needs a library that is missing: {exc}") from None
    fmt: Format = module.FORMAT
    return fmt
