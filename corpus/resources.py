"""Where the shipped schemas and seed articles are, in a source tree or an installed wheel."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.schema import Schema
from annotator.schema_yaml import load_schema_text

DEFAULT_SCHEMA = "conflict"


def shipped_schema_names() -> list[str]:
    """Names of the schemas that ship with the app (conflict, conll-ner, ...)."""
    return sorted(
        p.name.removesuffix(".yaml") for p in files("schemas").iterdir() if p.name.endswith(".yaml")
    )


def shipped_schema_text(name: str = DEFAULT_SCHEMA) -> str:
    """The YAML text of a shipped schema."""
    resource = files("schemas") / f"{name}.yaml"
    if not resource.is_file():
        raise AnnotatorError(
            f"no shipped schema '{name}' (there are: {', '.join(shipped_schema_names())})"
        )
    return resource.read_text(encoding="utf-8")


def shipped_schema(name: str = DEFAULT_SCHEMA) -> Schema:
    """A shipped schema, validated."""
    return load_schema_text(shipped_schema_text(name), f"schemas/{name}.yaml")


def seed_files() -> list[Path]:
    """The seed articles imported into a new default corpus."""
    paths = []
    for entry in sorted(files("seeds").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".txt"):
            with as_file(entry) as path:
                paths.append(Path(path))
    return paths
