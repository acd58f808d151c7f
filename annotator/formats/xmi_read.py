"""Reading UIMA CAS XMI: .xmi files with a type system beside them, zips of both (INCEpTION's
export), or folders of either; each XMI is read by :mod:`annotator.formats.xmi_cas`.

The type system of an XMI is, in its folder (or its folder in the zip, then the zip's top):
``TypeSystem.xml``, else the type system file named like the XMI, else the first one; without
any, DKPro Core's types as cassis ships them. A type system passes defusedxml before cassis.
Zip members are checked against path traversal and sizes; nothing is unpacked to disk.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.errors import InputError
from annotator.formats.model import AnnotatedDocument, ImportOptions, Report
from annotator.formats.xmi_cas import read_xmi
from annotator.formats.xmi_typesystem import (
    check_xml,
    fallback_typesystem,
    load_checked_typesystem,
)

SUFFIXES = (".xmi", ".zip")
ZIP_FACTOR = 10
"""A zip may unpack to at most this many times the per-file limit in all."""
_PEEK = 4096


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Yield the documents of the XMI files, zips and folders given."""
    reader = _Reader(options, report)
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix.lower() in SUFFIXES or zipfile.is_zipfile(p))
            )
            for file in files:
                if file.is_file():
                    yield from reader.file(file)
        elif path.is_file():
            yield from reader.file(path)
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


Candidates = dict[str, Callable[[], bytes]]
"""Type system files beside an XMI: their names, and how to read each."""


@dataclass
class _Reader:
    options: ImportOptions
    report: Report
    typesystems: dict[str, Any] = field(default_factory=dict)  # by file name
    beside: dict[str, Candidates] = field(default_factory=dict)  # by folder

    def file(self, path: Path) -> Iterator[AnnotatedDocument]:
        try:
            if path.stat().st_size > self.options.max_bytes:
                reason = f"larger than {self.options.max_bytes} bytes"
                self.report.refuse(InputError(str(path), reason))
                return
            if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
                yield from self.zip(path)  # an export saved without its .zip suffix, too
                return
            data = path.read_bytes()
            if path.suffix.lower() == ".xml" and _looks_like_typesystem(data):
                self.report.note(f"{path}: a type system, no documents")
                return
            candidates = self.folder(path.parent)
        except OSError as exc:
            self.report.refuse(InputError(str(path), f"cannot read: {exc.strerror or exc}"))
            return
        typesystem = self.typesystem(str(path), path.stem, candidates)
        doc = read_xmi(data, str(path), path.stem, typesystem, self.report)
        if doc is not None:
            yield doc

    def folder(self, folder: Path) -> Candidates:
        """The type system files in ``folder``."""
        key = str(folder)
        if key not in self.beside:
            files = [p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file()]
            found: Candidates = {}
            for file in files:
                if _looks_like_typesystem(_head(file)):
                    found[str(file)] = file.read_bytes
            self.beside[key] = found
        return self.beside[key]

    def zip(self, path: Path) -> Iterator[AnnotatedDocument]:
        try:
            with zipfile.ZipFile(path) as zf:
                members = self._safe_members(path, zf)
                for info in members or []:
                    if info.filename.lower().endswith(".xmi"):
                        yield from self._zip_member(path, zf, info, members or [])
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            self.report.refuse(InputError(str(path), f"not a readable zip: {exc}"))

    def _safe_members(self, path: Path, zf: zipfile.ZipFile) -> list[zipfile.ZipInfo] | None:
        """The zip's files with safe names; None (refused) when it unpacks to too much."""
        total = sum(info.file_size for info in zf.infolist())
        if total > ZIP_FACTOR * self.options.max_bytes:
            reason = f"unpacks to {total} bytes, over {ZIP_FACTOR} times the size limit"
            self.report.refuse(InputError(str(path), reason))
            return None
        members = []
        for info in zf.infolist():
            pure = PurePosixPath(info.filename.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in info.filename:
                self.report.refuse(InputError(f"{path}:{info.filename}", "unsafe path in zip"))
            elif not info.is_dir():
                members.append(info)
        return members

    def _zip_member(
        self,
        path: Path,
        zf: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        members: list[zipfile.ZipInfo],
    ) -> Iterator[AnnotatedDocument]:
        file = f"{path}:{info.filename}"
        data = self._member_bytes(zf, info, file)
        if data is None:
            return
        folder = str(PurePosixPath(info.filename).parent)
        candidates = self._zip_folder(path, zf, members, folder) or self._zip_folder(
            path, zf, members, "."
        )
        stem = PurePosixPath(info.filename).stem
        doc = read_xmi(data, file, stem, self.typesystem(file, stem, candidates), self.report)
        if doc is not None:
            yield doc

    def _zip_folder(
        self, path: Path, zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: str
    ) -> Candidates:
        """The type system members in ``folder`` of the zip."""
        key = f"{path}:{folder}"
        if key not in self.beside:
            found: Candidates = {}
            for m in members:
                pure = PurePosixPath(m.filename)
                if pure.suffix.lower() != ".xml" or str(pure.parent) != folder:
                    continue
                name = f"{path}:{m.filename}"
                head = self._member_bytes(zf, m, name, _PEEK)
                if head is not None and _looks_like_typesystem(head):
                    found[name] = partial(self._member_data, zf, m, name)
            self.beside[key] = found
        return self.beside[key]

    def _member_data(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
        return self._member_bytes(zf, info, file) or b""

    def _member_bytes(
        self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limit: int | None = None
    ) -> bytes | None:
        """The member's bytes (the first ``limit`` ones), or None when it is over the size
        limit (refused)."""
        most = self.options.max_bytes if limit is None else limit
        try:
            with zf.open(info) as f:
                data = f.read(most + 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
            self.report.refuse(InputError(file, f"cannot unpack: {exc}"))
            return None
        if limit is None and len(data) > most:
            self.report.refuse(InputError(file, f"larger than {most} bytes"))
            return None
        return data[:most]

    def typesystem(self, file: str, stem: str, candidates: Candidates) -> Any:
        """The type system for the XMI ``file`` among the ``candidates`` beside it:
        TypeSystem.xml, else one named like the XMI, else the first."""
        names = sorted(candidates)
        base = {n: n.replace("\\", "/").rsplit("/", 1)[-1].lower() for n in names}
        chosen = next((n for n in names if base[n] == "typesystem.xml"), None)
        chosen = chosen or next((n for n in names if base[n].startswith(stem.lower())), None)
        chosen = chosen or (names[0] if names else None)
        if chosen is None:
            if "" not in self.typesystems:
                self.report.note(f"{file}: no type system beside it, read with DKPro Core's types")
            return self._load("", bytes)
        return self._load(chosen, candidates[chosen])

    def _load(self, name: str, data: Callable[[], bytes]) -> Any:
        """The type system read from ``name`` (cached); DKPro Core's when ``name`` is empty or
        the file is refused."""
        if name not in self.typesystems:
            typesystem = None
            if name:
                try:
                    raw = data()
                    check_xml(raw)
                    typesystem = load_checked_typesystem(raw)
                except Exception as exc:  # defusedxml, lxml and cassis raise many kinds
                    reason = f"not a usable type system ({exc}); DKPro Core's types used instead"
                    self.report.refuse(InputError(name, reason))
            self.typesystems[name] = typesystem or fallback_typesystem()
        return self.typesystems[name]


def _looks_like_typesystem(data: bytes) -> bool:
    return b"typeSystemDescription" in data[:_PEEK]


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(_PEEK)
