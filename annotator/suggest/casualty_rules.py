"""Casualty phrases found by patterns: "nine civilians were killed", "killing 9", "at least 23
wounded", "the death toll rose to 40", with their ``count``, ``kind`` and ``group``.

What a suggested span covers, as an annotator would mark the phrase (and as the gold sample in
the tests is annotated):

- subject form: from the count, with its qualifier ("at least", "more than", "some"), through
  the group noun and the words that say what happened: "at least nine civilians were killed",
  "23 wounded", "three children among the dead", "5,000 residents fled their homes";
- object form: from the verb through the count and the group noun: "killing 9", "killed at
  least 12 soldiers", "forcing 2,300 people from their homes";
- a death toll: from "death toll" (or "civilian death toll") to the count;
- a count with a casualty noun: "40 deaths", "12 civilian casualties" (``kind`` left empty for
  casualties, which mixes the dead and the wounded).

A vague quantity ("dozens", "thousands", "tens of thousands", "several") stands where a count
would and leaves ``count`` empty. "a"/"an" counts one only before a group noun ("a civilian was
killed"). Figures with a scale word count in full ("1.2 million displaced" is 1,200,000); a
figure that is no whole number ("2.5 killed") and a year ("in 2014 killed") are no count.
``group`` is civilian or combatant when the noun (or, for a neutral noun such as "people" or
"officers", a word before it such as "civilian" or "army") says so, and unknown otherwise,
police included: their status differs from one conflict to the next, so the annotator decides.
Matching ignores case and works on whole words; offsets are code points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from annotator.document import AttributeValue
from annotator.suggest.model import Suggestion
from annotator.suggest.number_words import (
    NUMBER_DIGITS,
    NUMBER_WORDS,
    TENS,
    UNITS,
    alternation,
    parse_number,
)

LABEL = "Casualty"

CIVILIAN = (
    "civilian civilians children child kids kid boys boy girls girl women woman residents "
    "resident villagers villager worshippers worshipper worshipers worshiper students student "
    "schoolchildren pupils pupil journalists journalist reporters reporter workers worker "
    "medics medic paramedics paramedic doctors doctor nurses nurse farmers farmer fishermen "
    "fisherman shepherds shepherd passengers passenger pilgrims pilgrim shoppers shopper "
    "refugees refugee infants infant babies baby toddlers toddler teenagers teenager teens "
    "mourners mourner protesters protester protestors demonstrators demonstrator bystanders "
    "bystander pedestrians pedestrian patients patient relatives teachers teacher employees "
    "volunteers volunteer minors"
).split()
COMBATANT = (
    "soldiers soldier troops fighters fighter militants militant servicemen serviceman "
    "servicewomen servicewoman servicemembers rebels rebel insurgents insurgent militiamen "
    "militiaman gunmen gunman jihadists jihadist combatants combatant marines marine "
    "paratroopers paratrooper guerrillas guerrilla commanders commander snipers sniper "
    "mercenaries mercenary conscripts conscript recruits attackers attacker"
).split()
# Nouns that say nothing of the group themselves: a word before them may ("army officers").
NEUTRAL = (
    "people persons person individuals others men man victims members personnel officers "
    "officer staff policemen policeman policewomen police guards guard"
).split()
_GROUP_OF_NOUN = {
    **dict.fromkeys(CIVILIAN, "civilian"),
    **dict.fromkeys(COMBATANT, "combatant"),
    **dict.fromkeys(NEUTRAL, "unknown"),
}
_GROUP_OF_MODIFIER = {
    **dict.fromkeys(
        "army military navy security government militia rebel enemy".split(), "combatant"
    ),
    "civilian": "civilian",
    "police": "unknown",
}

# What ends the subject form, by kind ("were killed", "among the dead", "fled their homes").
_SUBJECT_VERBS = {
    "killed": ["killed", "dead", "died", "slain", "perished", "shot dead", "among the dead"],
    "injured": ["wounded", "injured", "hurt", "among the wounded", "among the injured"],
    "missing": ["missing", "unaccounted for", "among the missing"],
    "captured": [
        *["captured", "kidnapped", "abducted", "seized", "taken prisoner", "taken hostage"],
        *["taken captive", "held hostage"],
    ],
    "displaced": [
        *["displaced", "homeless", "uprooted", "fled", "fled their homes", "forced to flee"],
        *["forced from their homes", "forced out of their homes"],
    ],
}
# Participles that are also active verbs: with no auxiliary and an object after them, the
# subject did the killing ("12 soldiers killed three civilians").
_TRANSITIVE = "killed wounded injured hurt captured kidnapped abducted seized displaced".split()
_INTRANSITIVE = [v for verbs in _SUBJECT_VERBS.values() for v in verbs if v not in _TRANSITIVE]
_OBJECT_VERBS = (
    "killing killed kills kill wounding wounded injuring injured injures hurting kidnapping "
    "kidnapped abducting abducted capturing captured seizing seized displacing displaced"
).split()
# Nouns that end a phrase themselves ("40 deaths"); casualties mixes the dead and the wounded.
_KIND_OF_NOUN = {
    "casualties": None,
    "deaths": "killed",
    "fatalities": "killed",
    "injuries": "injured",
}
# The kind a verb says, by the start of its first telling word ("killing", "taken prisoner").
_KIND_OF_STEM = (
    (("kill", "dead", "died", "slain", "perish"), "killed"),
    (("wound", "injur", "hurt"), "injured"),
    (("missing", "unaccounted"), "missing"),
    (("captur", "kidnap", "abduct", "seiz", "taken", "held"), "captured"),
    (("displac", "homeless", "uproot", "fled", "forc"), "displaced"),
)
_AUXILIARIES = (
    "were was are is be been being have has had remain remains remained went got reportedly "
    "also later all both still now allegedly confirmed found left believed feared reported "
    "said thought presumed to seriously critically badly severely fatally lightly slightly "
    "mortally gravely"
).split()
_QUALIFIERS = [
    *"over nearly almost about around some roughly approximately".split(),
    *["at least", "more than", "up to", "as many as", "an estimated", "at most"],
    *["fewer than", "less than", "close to", "upwards of", "well over", "just over"],
]
_VAGUE = ["tens of thousands", "hundreds of thousands"]
_VAGUE += "dozens scores hundreds thousands millions several".split()
_STOP = (
    "and or but of in on at by the a an to from with for as who which that when while after "
    "before were was are is have has had been be being died dead"
).split() + _TRANSITIVE
_TOLL_VERBS = (
    "has had have now already is was stands stood rose risen rises climbed climbs reached "
    "reaches jumped jumps hit hits mounted increased grew passed surpassed exceeded topped"
).split()
# What may follow a bare count in the object form ("killing 9, ...", "wounding two in ...").
_AFTER_BARE_COUNT = (
    "and in on at near when while including as during across after before since overnight "
    "yesterday today last this inside outside among with who"
).split()


def _words(phrases: list[str]) -> str:
    """Any of the phrases, as whole words."""
    return rf"{alternation(phrases)}\b"


_QUALIFIER = rf"(?:\b{_words(_QUALIFIERS)}\s+)?"
# A count: not after "no" or "not" ("no one was killed", "not a single civilian").
_COUNT = (
    r"(?<![\w\-])(?<!\bno\s)(?<!\bnot\s)"
    rf"(?:(?P<count>{NUMBER_DIGITS}|{NUMBER_WORDS}|an?\b)|(?P<vague>{_words(_VAGUE)}))"
    r"(?:\s+(?:more|other)\b)?"
)
_MODIFIERS = rf"(?P<modifiers>(?:(?!{_words(_STOP)})\w[\w'’\-]*\s+){{0,2}})"
# A group noun, or a demonym ("Palestinians", "Ukrainians").
_NOUN = rf"(?P<noun>{_words(list(_GROUP_OF_NOUN))}|(?-i:[A-Z][a-z]+s)\b)"
_ACTIVE_OBJECT = (
    rf"\s+(?:{_words(['the', 'a', 'an', 'his', 'her', 'their', 'its', 'at least', 'more than'])}"
    rf"|{_words(_VAGUE)}|{NUMBER_WORDS}|\d)"
)

_SUBJECT = re.compile(
    rf"{_QUALIFIER}{_COUNT}(?:\s+(?:of\s+)?{_MODIFIERS}{_NOUN})?"
    rf"(?P<aux>(?:\s+{_words(_AUXILIARIES)}){{1,4}})?"
    rf"\s+(?P<verb>{_words(_TRANSITIVE)}(?(aux)|(?!{_ACTIVE_OBJECT}))|{_words(_INTRANSITIVE)})",
    re.IGNORECASE,
)
_OBJECT = re.compile(
    rf"(?P<verb>{_words(_OBJECT_VERBS)})\s+{_QUALIFIER}{_COUNT}"
    rf"(?:\s+(?:of\s+)?{_MODIFIERS}{_NOUN}"
    rf"|(?=\s*(?:[,.;:!?)\]\"”’]|$)|\s+{_words(_AFTER_BARE_COUNT)}))",
    re.IGNORECASE,
)
_FORCED = re.compile(
    rf"(?P<verb>forcing|forced)\s+{_QUALIFIER}{_COUNT}(?:\s+(?:of\s+)?{_MODIFIERS}{_NOUN})?"
    rf"\s+{_words(['from their homes', 'out of their homes', 'to flee'])}",
    re.IGNORECASE,
)
_TOLL = re.compile(
    r"\b(?:(?P<modifiers>civilian|military)\s+)?death\s+toll\b\s*"
    rf"(?:{_words(_TOLL_VERBS)}\s+){{0,3}}(?:(?:to|at|of)\s+)?{_QUALIFIER}{_COUNT}",
    re.IGNORECASE,
)
_CASUALTY_NOUN = re.compile(
    rf"{_QUALIFIER}{_COUNT}\s+{_MODIFIERS}(?P<noun>{_words(list(_KIND_OF_NOUN))})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_BEFORE_YEAR = re.compile(
    rf"\b{_words('in since of by from until till before after during early late mid and to'.split())}"
    r"\s*$",
    re.IGNORECASE,
)

# Where to look. A trigger is a word every phrase holds: the subject form and a casualty noun
# end with one, the object form starts with one, a death toll has "toll". Counts are looked
# for only within reach before a trigger, and the patterns tried only where they can start.
_SUBJECT_ENDS = {v.split()[0] for verbs in _SUBJECT_VERBS.values() for v in verbs}
_SUBJECT_ENDS = (_SUBJECT_ENDS - {"among", "shot"}) | {*_KIND_OF_NOUN, "dead"}
_OBJECT_STARTS = {*_OBJECT_VERBS, "forcing", "forced"}
_TRIGGER = rf"(?<!\w){_words(sorted({*_SUBJECT_ENDS, *_OBJECT_STARTS, 'toll'}))}"
_COUNT_HINT = rf"(?<!\w)(?:{_words([*_QUALIFIERS, *_VAGUE, *UNITS, *TENS, 'a', 'an'])}|\d)"
# Both run over the lower-cased text, or over the text itself, ignoring case, when lowering
# changed its length (a few letters such as "İ" lower to two code points).
_FINDERS = {
    folded: (re.compile(_TRIGGER, flags), re.compile(_COUNT_HINT, flags))
    for folded, flags in ((True, 0), (False, re.IGNORECASE))
}
_REACH = 250  # characters: longer than any phrase's stretch before or after its trigger


class CasualtyRules:
    """Suggests Casualty spans with ``count``, ``kind`` and ``group`` from patterns."""

    name = "rules:casualties"

    def suggest(self, text: str) -> list[Suggestion]:
        """Every casualty phrase of ``text``; of overlapping ones, the longest (the earliest
        of equally long ones)."""
        found = sorted(self._candidates(text), key=lambda s: (s.start, -s.end))
        taken: list[Suggestion] = []
        cluster: list[Suggestion] = []  # candidates that overlap one another, in a chain
        cluster_end = 0
        for s in found:
            if s.start >= cluster_end:
                taken += _longest(cluster)
                cluster = []
            cluster.append(s)
            cluster_end = max(cluster_end, s.end)
        return taken + _longest(cluster)

    def _candidates(self, text: str) -> Iterator[Suggestion]:
        """The phrases of every form, overlapping ones included."""
        lowered = text.lower()
        folded = len(lowered) == len(text)
        trigger, count_hint = _FINDERS[folded]
        scan = lowered if folded else text
        scanned = [0, 0]  # where counts were last looked for: for subjects, casualty nouns
        for t in trigger.finditer(scan):
            at, word = t.start(), t.group().lower()
            if word in _OBJECT_STARTS:
                pattern = _FORCED if word.startswith("forc") else _OBJECT
                yield from self._suggestions(text, pattern, pattern.match(text, at))
            if word == "toll":
                m = _TOLL.search(text, max(0, at - 40), t.end() + _REACH)
                yield from self._suggestions(text, _TOLL, m if m and m.start() <= at else None)
            if word in _SUBJECT_ENDS:
                noun = word in _KIND_OF_NOUN
                pattern = _CASUALTY_NOUN if noun else _SUBJECT
                for count in count_hint.finditer(scan, max(scanned[noun], at - _REACH), at):
                    yield from self._suggestions(text, pattern, pattern.match(text, count.start()))
                scanned[noun] = at

    def _suggestions(
        self, text: str, pattern: re.Pattern[str], m: re.Match[str] | None
    ) -> Iterator[Suggestion]:
        """The suggestion of a match, if any and if its count is a count after all."""
        if m is None:
            return
        raw_count, noun = _group_text(m, "count"), _group_text(m, "noun")
        count: int | None = None
        if raw_count is not None:
            if raw_count.lower() in ("a", "an"):
                if noun is None:
                    return
                count = 1
            else:
                count = parse_number(raw_count)
                start = m.start("count")
                if count is None or (
                    _YEAR.fullmatch(raw_count)
                    and (noun is None or _BEFORE_YEAR.search(text, max(0, start - 12), start))
                ):
                    return
        if pattern is _TOLL:
            kind: str | None = "killed"
        elif pattern is _CASUALTY_NOUN:
            kind = _KIND_OF_NOUN[(noun or "").lower()]
        else:
            kind = _kind(m["verb"].lower())
        attributes: dict[str, AttributeValue] = {}
        if count is not None:
            attributes["count"] = count
        if kind is not None:
            attributes["kind"] = kind
        attributes["group"] = _group(noun, _group_text(m, "modifiers") or "")
        yield Suggestion(m.start(), m.end(), LABEL, attributes, self.name)


def _group_text(m: re.Match[str], name: str) -> str | None:
    return m[name] if name in m.re.groupindex else None


def _longest(overlapping: list[Suggestion]) -> list[Suggestion]:
    """Of overlapping suggestions, the longest, then the longest of those left that overlap
    none taken, and so on; in text order."""
    taken: list[Suggestion] = []
    for s in sorted(overlapping, key=lambda s: (s.start - s.end, s.start)):
        if all(s.end <= t.start or t.end <= s.start for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: s.start)


@lru_cache(maxsize=256)
def _kind(verb: str) -> str | None:
    """The kind of casualty that the verb's first telling word says."""
    for word in verb.split():
        for stems, kind in _KIND_OF_STEM:
            if word.startswith(stems):
                return kind
    return None


def _group(noun: str | None, modifiers: str) -> str:
    """civilian, combatant or unknown, from the noun or, for a neutral noun, its modifiers."""
    group = _GROUP_OF_NOUN.get((noun or "").lower(), "unknown")
    if group != "unknown":
        return group
    for word in reversed(modifiers.lower().split()):
        if word in _GROUP_OF_MODIFIER:
            return _GROUP_OF_MODIFIER[word]
    return "unknown"
