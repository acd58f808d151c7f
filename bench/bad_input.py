"""``python -m bench.bad_input [--rounds N] [--seed S]``: the long run of bad input. Every
importer (articles of each type, every annotation format's sample from ../shared/samples) is
fed N mutated copies of its file (byte flips, truncation, duplicated or removed lines, wrong
encodings, spliced bytes); prints a count per importer and outcome, and every crash (an
exception other than the project's one-line errors, or a refused record that left a trace)."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.safety import harness


def main(argv: list[str] | None = None) -> int:
    """Run the rounds; exit code 1 if any import crashed."""
    parser = argparse.ArgumentParser(prog="python -m bench.bad_input", description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="mutations per importer")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", metavar="NAME", help="one importer (.txt, brat, ...)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    counts: Counter[tuple[str, str]] = Counter()
    crashes: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        articles = harness.write_articles(root / "seed")
        seeds = {suffix: ("articles", p) for suffix, p in articles.items()}
        if harness.SAMPLES.is_dir():
            seeds |= {n: (n, harness.SAMPLES / s) for n, s in harness.FORMAT_SAMPLES.items()}
        else:
            print(f"{harness.SAMPLES} is absent: annotation formats not fuzzed", file=sys.stderr)
        for name, (kind, source) in seeds.items():
            if args.only and name != args.only:
                continue
            store = harness.open_corpus(root / f"{name.strip('.')}.db")
            for i in range(args.rounds):
                mutation = rng.choice(list(harness.MUTATIONS))
                dest = root / "m" / f"{i}" / source.name
                path = harness.mutated_copy(source, dest, rng, mutation)
                outcome = harness.run_import(kind, path, store)
                counts[name, outcome.kind] += 1
                if outcome.kind == "crash":
                    crashes.append(f"{name} [{mutation}] {path.name}: {outcome.detail}")
                    keep = Path("bench/results/bad_input") / name.strip(".") / f"{i}"
                    keep.parent.mkdir(parents=True, exist_ok=True)
                    if path.is_file():
                        keep.with_suffix(path.suffix).write_bytes(path.read_bytes())
            store.close()
    print(f"{'importer':<14}{'imported':>10}{'refused':>10}{'crash':>8}")
    for name in dict.fromkeys(n for n, _ in counts):
        row = [counts[name, k] for k in ("imported", "refused", "crash")]
        print(f"{name:<14}{row[0]:>10}{row[1]:>10}{row[2]:>8}")
    print(f"{sum(counts.values())} imports in {time.monotonic() - started:.0f} s")
    for line in crashes:
        print("CRASH", line)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
