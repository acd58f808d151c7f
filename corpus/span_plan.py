"""Sorting the spans given to an annotation set before they are stored: those there already,
those the schema or the set refuses (with ``add_span``'s messages), and the new ones. Used by
:meth:`corpus.annotation_bulk.AnnotationBulkMixin.merge_spans` and by an import's batch of new
documents (:mod:`corpus.import_batch`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from corpus.edit_rows import repeated


class Refusal(NamedTuple):
    """Something of a set that was not stored: its kind ("span", "relation" or "event"), its
    position in the sequence given, and why (the message ``add_span`` and the others give)."""

    kind: str
    position: int
    reason: str


OnRefusal = Callable[[Refusal], None]
"""Told about each refused span, relation or event (which is then left out)."""
SpanKey = tuple[int, int, str]
"""A span's offsets and label: a set holds one span of each."""


def refuse(refusal: Refusal, refused: OnRefusal | None) -> None:
    if refused is None:
        raise AnnotatorError(refusal.reason)
    refused(refusal)


class SpanPlan(NamedTuple):
    """Which of the spans given to a set are stored already and which are new."""

    ids: list[int | None]
    """The stored id of each span there already (None for the others)."""
    new: dict[SpanKey, list[int]]
    """For each new span, by offsets and label, the indexes of it and its identical copies."""
    spans: list[dom.Span]
    """The new spans, one per key of ``new``, in its order."""


def plan_spans(
    spans: Sequence[dom.Span],
    taken: dict[SpanKey, tuple[int | None, dom.Span]],
    length: int,
    checks: SpanChecks,
    blocked: str | None,
    refused: OnRefusal | None,
) -> SpanPlan:
    """Sort ``spans`` for a set holding ``taken`` (its spans by offsets and label, with their
    ids) on a text of ``length``: a span identical to one there is not added again, and one
    that ``add_span`` would refuse (``blocked`` says why the set takes none) is passed to
    ``refused`` and left out, or raises without ``refused``. ``taken`` gets the new spans."""
    ids: list[int | None] = [None] * len(spans)
    new: dict[SpanKey, list[int]] = {}
    stored_as, problem = taken.get, checks.problem
    for index, span in enumerate(spans):
        key = (span.start, span.end, span.label)
        stored = stored_as(key)
        if stored is not None and stored[1] == span:  # there already: not again
            if stored[0] is None:
                new[key].append(index)
            else:
                ids[index] = stored[0]
            continue
        # add_span's checks, in its order
        if span.end > length:
            reason: str | None = (
                f"span {span.start}..{span.end} runs past the end of the text ({length})"
            )
        else:
            reason = problem(span) or blocked
        if reason is None and stored is not None:
            reason = repeated(span)
        if reason is not None:
            refuse(Refusal("span", index, reason), refused)
            continue
        taken[key] = (None, span)
        new[key] = [index]
    return SpanPlan(ids, new, [taken[key][1] for key in new])


class SpanChecks:
    """A schema's verdicts on spans' labels and attributes, kept by label and attributes (an
    import meets the same few again and again)."""

    def __init__(self, version: int, schema: Schema) -> None:
        self.version = version
        self.schema = schema
        self._verdicts: dict[tuple[str, tuple[tuple[str, Any], ...]], str | None] = {}

    def problem(self, span: dom.Span) -> str | None:
        """Why ``add_span`` would refuse ``span`` for its label or attributes, or None."""
        key = (span.label, tuple(sorted(span.attributes.items())) if span.attributes else ())
        try:
            return self._verdicts[key]
        except KeyError:
            pass
        except TypeError:  # an attribute value that cannot be a key: not kept
            return "; ".join(self.schema.check_attributes(span.label, span.attributes)) or None
        if len(self._verdicts) > 10_000:
            self._verdicts.clear()
        verdict = "; ".join(self.schema.check_attributes(span.label, span.attributes)) or None
        self._verdicts[key] = verdict
        return verdict
