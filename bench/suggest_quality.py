"""Precision, recall and F1 of the conflict schema's suggestions on the gold sample of the tests
(:mod:`tests.annotator.suggest.gold_sample`: 44 hand-annotated news paragraphs), per label and
per source, exact match of (start, end, label), with attribute accuracy on the matches.

Every source the schema configures suggests, fitted to the schema and merged as the app does:
the weapon-systems gazetteer, the GeoNames places, the casualty rules and the corpus's own
spans. The corpus source is measured leave-one-out: for each paragraph, the gold spans of the
others stand for what annotators labelled elsewhere. Each source is also scored alone, against
the gold spans of the labels it suggests. These are quality figures, not timings: there is no
baseline; the target is precision at least 0.80 and recall at least 0.70 for each label.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import Context, Result, register

ROOT = Path(__file__).resolve().parent.parent
PRECISION, RECALL = 0.80, 0.70


def _scored(ctx: Context) -> dict[str, Any]:
    """The merged evaluation and each source's own, computed once per run."""
    if "suggest_quality" in ctx.cache:
        return dict(ctx.cache["suggest_quality"])
    from annotator.schema_yaml import load_schema_file
    from annotator.suggest.config import SuggestionSettings, build_suggesters, suggest_text
    from annotator.suggest.evaluation import evaluate, table
    from tests.annotator.suggest.gold_sample import LABELS, documents, learned_elsewhere

    schema = load_schema_file(ROOT / "schemas" / "conflict.yaml")
    settings = SuggestionSettings.of(schema)
    docs = documents()
    merged, by_source = [], {}
    for i, doc in enumerate(docs):
        suggesters = build_suggesters(settings, schema, learned_elsewhere(docs, i))
        merged.append((doc.spans, suggest_text(suggesters, doc.text)))
        for suggester in suggesters:
            by_source.setdefault(suggester.name, []).append(
                (doc.spans, suggester.suggest(doc.text))
            )
    result = evaluate(merged, LABELS)
    print(f"All sources merged, on {len(docs)} paragraphs:\n\n{table(result)}\n")
    for name, pairs in by_source.items():
        labels = sorted({s.label for _, suggested in pairs for s in suggested} & set(LABELS))
        print(f"{name} alone:\n\n{table(evaluate(pairs, labels), 'Label')}\n")
    state = {"result": result, "paragraphs": len(docs)}
    ctx.cache["suggest_quality"] = state
    return dict(state)


def _result(ctx: Context, label: str) -> Result:
    state = _scored(ctx)
    result = state["result"]
    s = result.overall if label == "overall" else result.labels[label]
    precision, recall, f1 = s.precision or 0.0, s.recall or 0.0, s.f1 or 0.0
    accuracies = ", ".join(
        f"{of + '.' if label == 'overall' else ''}{name} {a.accuracy:.2f}"
        for (of, name), a in result.attributes.items()
        if (of == label or label == "overall") and a.accuracy is not None
    )
    return Result(
        name=f"suggest_quality.{label}",
        figure=round(f1, 2),
        unit="F1",
        target=f"precision >= {PRECISION:.2f}, recall >= {RECALL:.2f}",
        baseline=None,
        ratio=None,
        met=precision >= PRECISION and recall >= RECALL,
        notes=(
            f"precision {precision:.2f}, recall {recall:.2f}; {s.true_positives} of "
            f"{s.true_positives + s.false_positives} suggestions match one of "
            f"{s.true_positives + s.false_negatives} gold spans in {state['paragraphs']} "
            f"paragraphs" + (f"; attributes on matches: {accuracies}" if accuracies else "")
        ),
    )


@register("suggest_quality.Casualty")
def casualty(ctx: Context) -> Result:
    """Casualty phrases (the casualty rules, and the corpus)."""
    return _result(ctx, "Casualty")


@register("suggest_quality.Location")
def location(ctx: Context) -> Result:
    """Places (GeoNames, and the corpus)."""
    return _result(ctx, "Location")


@register("suggest_quality.WeaponSystem")
def weapon_system(ctx: Context) -> Result:
    """Weapon systems (the shipped gazetteer, and the corpus)."""
    return _result(ctx, "WeaponSystem")


@register("suggest_quality.overall")
def overall(ctx: Context) -> Result:
    """The three labels together (micro-averaged)."""
    return _result(ctx, "overall")
