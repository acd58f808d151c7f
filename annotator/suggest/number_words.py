"""English cardinal numbers written as words, from "one" to the millions: "twenty-three", "one
hundred and five", "a thousand", "two dozen", "1.2 million" (digits with a scale word).

A module of its own rather than a package: the casualty rules need the words' pattern to find
them in a sentence anyway, and what is left, the arithmetic, is a few lines. word2number has
had no release since 2017; text2num is maintained, but it converts a string given whole (it
finds no number inside a sentence) and reads neither "a dozen" nor "1.2 million". The tests
check this parser against num2words' spelling of the numbers below a billion.
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def alternation(phrases: list[str]) -> str:
    """A regular expression (no group captured) for any of ``phrases``, a space in them
    standing for any whitespace, factored by their first letters so that it fails fast where
    none starts: Python's re tries the branches of a plain ``a|b|c`` one by one."""
    heads: dict[str, list[str]] = {}
    for phrase in phrases:
        if phrase:
            heads.setdefault(phrase[0], []).append(phrase[1:])
    parts = []
    for head, tails in sorted(heads.items()):
        if len(tails) == 1:
            parts.append(_literal(head + tails[0]))
        else:
            optional = "?" if "" in tails else ""
            parts.append(_literal(head) + alternation(tails) + optional)
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _literal(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in phrase.split(" "))


_WORD = alternation([*UNITS, *TENS, "hundred", *SCALES, "dozen"]) + r"\b"

# Number words joined by spaces, hyphens or "and", optionally after "a"/"an" before a scale
# word ("a hundred", "a dozen"); sixteen words at most, enough for any number below a billion.
# What it finds may still be no number ("one two"): parse it.
NUMBER_WORDS = (
    rf"\b(?:an?[ \t]+(?=(?:hundred|thousand|million|billion|dozen)\b))?{_WORD}"
    rf"(?:(?:[ \t]+and[ \t]+|[ \t]*-[ \t]*|[ \t]+){_WORD}){{0,15}}"
)

# Digits with or without thousands separators, or a decimal, then an optional scale word.
NUMBER_DIGITS = (
    r"(?<![\w.,\-])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w\-]|[.,]\d)"
    r"(?:[ \t]+(?:thousand|million|billion)\b)?"
)

_SEPARATOR = re.compile(r"[\s\-]+")


def parse_number_words(words: str) -> int | None:
    """The value of an English cardinal in words ("one hundred and five" -> 105), or None when
    the words are not one well-formed number ("one two", "hundred", "five and six")."""
    tokens = [t for t in _SEPARATOR.split(words.strip().lower()) if t]
    if len(tokens) > 1 and tokens[0] in ("a", "an") and tokens[1] in ("hundred", "dozen", *SCALES):
        tokens[0] = "one"
    if tokens == ["zero"]:
        return 0
    total, group = 0, 0  # the finished thousands/millions, and the part below them
    has_unit = has_tens = has_hundred = False
    last_scale = None
    for i, token in enumerate(tokens):
        if token == "and":
            before, after = tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""
            if before not in ("hundred", *SCALES) or after not in (*UNITS, *TENS):
                return None
        elif token in UNITS and token != "zero":
            value = UNITS[token]
            if has_unit or (has_tens and value >= 10):
                return None
            group += value
            has_unit = True
        elif token in TENS:
            if has_tens or has_unit:
                return None
            group += TENS[token]
            has_tens = True
        elif token == "hundred":
            if has_hundred or has_tens or not 1 <= group <= 9:
                return None
            group *= 100
            has_hundred, has_unit = True, False
        elif token in SCALES:
            scale = SCALES[token]
            if group == 0 or (last_scale is not None and scale >= last_scale):
                return None
            total += group * scale
            group, last_scale = 0, scale
            has_unit = has_tens = has_hundred = False
        elif token == "dozen":
            if i != len(tokens) - 1 or not 1 <= group <= 9 or total:
                return None
            group *= 12
        else:
            return None
    value = total + group
    return value or None


def parse_number(text: str) -> int | None:
    """The whole number that digits or words say ("2,300", "1.2 million", "twenty-three"), or
    None when they say none (a fraction such as "2.5", or ill-formed words)."""
    text = text.strip()
    if not text[:1].isdigit():
        return parse_number_words(text)
    figure, *scale = text.split(maxsplit=1)
    figure = figure.replace(",", "")
    multiplier = SCALES.get(scale[0].lower(), 0) if scale else 1
    whole, point, fraction = figure.partition(".")
    if not multiplier or not whole.isdecimal() or (point and not fraction.isdecimal()):
        return None
    if point and multiplier == 1:
        return None
    numerator = int(whole + fraction) * multiplier
    denominator = 10 ** len(fraction)
    return numerator // denominator if numerator % denominator == 0 else None
