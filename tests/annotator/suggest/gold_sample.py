"""A gold-annotated sample of short conflict-news paragraphs, to measure the suggestions against.

The paragraphs were written the way wire copy is written, before the suggestion rules were, and
annotated by hand after this guideline (the casualty part is also the rules' own, documented in
:mod:`annotator.suggest.casualty_rules`):

- Casualty: the phrase that reports people killed, injured, missing, captured or displaced. In
  the subject form it runs from the count (with a qualifier such as "at least" or "some") to the
  word that says what happened: "nine civilians were killed", "at least 23 wounded", "three
  children among the dead", "2,300 residents have fled their homes". In the object form it runs
  from the verb to the count, or to the group noun when there is one: "killing 9", "killed at
  least 12 soldiers". A death toll runs from "death toll" to its count. A subset ("including
  five children") is its own span: the count and the noun. A vague quantity ("dozens",
  "thousands") starts the span and leaves ``count`` empty. ``count``, ``kind`` and ``group`` are
  what the phrase itself says; ``group`` is ``unknown`` for people, police and nouns that say
  no more. The article "the" is never part of a span; "a" or "an" is when it is the count.
- Location: a named place, the name alone ("northern Syria" gives "Syria", "the Kharkiv region"
  gives "Kharkiv"), wherever it is named, also when it stands for its government ("Turkey
  said"); demonyms ("Syrian") are not places. ``type`` as the place is.
- WeaponSystem: a weapon, platform or munition as the text names it, with its model and its
  type noun when written ("Shahed-136 drones", "Grad rockets", "artillery"), without articles
  or counts. ``category`` from the schema.

Markup: ``[covered text]{Label name=value ...}``; values are integers when they look like one,
otherwise strings. Spans may nest. :func:`parse` turns a paragraph into its text and spans, so no
offset is written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.document import AttributeValue, Span
from annotator.suggest.gazetteer import GazetteerEntry

LABELS = ("Casualty", "Location", "WeaponSystem")

PARAGRAPHS = [
    "Russian forces launched waves of [Shahed drones]{WeaponSystem category=drone} at "
    "[Odesa]{Location type=city} overnight, and [two people were killed]{Casualty count=2 "
    "kind=killed group=unknown} when debris struck an apartment block, the regional governor said.",
    #
    "An airstrike on a school sheltering displaced families in [Gaza City]{Location type=city} "
    "[killed at least 23 people]{Casualty count=23 kind=killed group=unknown}, including "
    "[eight children]{Casualty count=8 kind=killed group=civilian}, according to the territory's "
    "civil defence agency.",
    #
    "[Nine civilians were killed]{Casualty count=9 kind=killed group=civilian} and "
    "[14 wounded]{Casualty count=14 kind=injured group=unknown} when [artillery shells]"
    "{WeaponSystem category=artillery} hit a crowded market in [Donetsk]{Location type=city} on "
    "Saturday morning.",
    #
    "The [death toll rose to 40]{Casualty count=40 kind=killed group=unknown} on Monday after "
    "rescuers pulled more bodies from the rubble of a building in [Dnipro]{Location type=city} "
    "that was hit by a [Kh-22 missile]{WeaponSystem category=missile}.",
    #
    "Gunmen on motorbikes attacked a village in [Burkina Faso]{Location type=country}'s north, "
    "[killing 35 villagers]{Casualty count=35 kind=killed group=civilian} and burning "
    "granaries, a local official told reporters by phone from [Ouagadougou]{Location type=city}.",
    #
    "[Dozens injured]{Casualty kind=injured group=unknown} as police fired tear gas at "
    "protesters outside parliament in [Nairobi]{Location type=city}; no deaths were reported.",
    #
    "[Ukraine]{Location type=country}'s air force said it shot down 11 of 14 [Iskander missiles]{WeaponSystem "
    "category=missile} fired at [Kyiv]{Location type=city}. [A civilian was killed]{Casualty "
    "count=1 kind=killed group=civilian} in the [Darnytskyi]{Location type=other} district and "
    "[seven people were injured]{Casualty count=7 kind=injured group=unknown}.",
    #
    "The army said [twenty-three soldiers were killed]{Casualty count=23 kind=killed "
    "group=combatant} in an ambush near the border with [Niger]{Location type=country}, the "
    "deadliest attack on troops in [Mali]{Location type=country} this year.",
    #
    "More than two years of war in [Sudan]{Location type=country} have "
    "[forced more than 12 million people from their homes]{Casualty count=12000000 "
    "kind=displaced group=unknown}, the United Nations refugee agency said in "
    "[Geneva]{Location type=city}.",
    #
    "Paramilitary fighters shelled the [Zamzam]{Location type=site} camp outside [El Fasher]{Location type=city} for "
    "a third day. Medics said [one hundred and five people had died]{Casualty count=105 "
    "kind=killed group=unknown} since Friday, among them [three children]{Casualty count=3 "
    "kind=killed group=civilian}.",
    #
    "Israeli troops raided the [Jenin]{Location type=city} refugee camp backed by "
    "[drones]{WeaponSystem category=drone} and [armoured bulldozers]{WeaponSystem "
    "category=armoured_vehicle}. [Three Palestinian fighters were killed]{Casualty count=3 "
    "kind=killed group=combatant} and [an Israeli soldier was wounded]{Casualty count=1 "
    "kind=injured group=combatant}, both sides said.",
    #
    "A [car bomb]{WeaponSystem category=explosive} exploded near a busy junction in "
    "[Mogadishu]{Location type=city} on Sunday, [killing at least nine people]{Casualty count=9 "
    "kind=killed group=unknown}. Al-Shabaab said it carried out the attack.",
    #
    "Nice weather and calm seas drew crowds to the beaches of [Beirut]{Location type=city} on "
    "the first weekend since the ceasefire, after months in which residents killed time in "
    "shelters and listened for [drones]{WeaponSystem category=drone}.",
    #
    "The Mobile unit of the Red Cross reached the town late on Tuesday. Its staff found "
    "[14 people dead]{Casualty count=14 kind=killed group=unknown} and "
    "[about 30 missing]{Casualty count=30 kind=missing group=unknown} after the floodwater "
    "receded.",
    #
    "Houthi forces said they fired [ballistic missiles]{WeaponSystem category=missile} and "
    "[drone boats]{WeaponSystem category=naval} at a cargo ship in the [Red Sea]{Location "
    "type=other} off [Hodeidah]{Location type=city}. [Three crew members are missing]{Casualty "
    "count=3 kind=missing group=unknown}, the ship's operator said.",
    #
    "Ukrainian forces struck a Russian command post in occupied [Kherson]{Location type=region} "
    "region with [HIMARS rockets]{WeaponSystem category=rocket}, [killing 12 servicemen]"
    "{Casualty count=12 kind=killed group=combatant}, [Kyiv]{Location type=city}'s military "
    "intelligence said.",
    #
    "Militants stormed a mosque during Friday prayers in northern "
    "[Nigeria]{Location type=country}'s [Katsina]{Location type=region} state; "
    "[17 worshippers were killed]{Casualty count=17 kind=killed group=civilian} and "
    "[dozens more were abducted]{Casualty kind=captured group=unknown}.",
    #
    "[Fourteen aid workers were kidnapped]{Casualty count=14 kind=captured group=civilian} on "
    "the road between [Goma]{Location type=city} and [Rutshuru]{Location type=city}, the "
    "charity said, the third such abduction in [North Kivu]{Location type=region} this year.",
    #
    "Heavy rain slowed the offensive. Both sides used [FPV drones]{WeaponSystem "
    "category=drone} and [mortars]{WeaponSystem category=artillery} along the front near "
    "[Bakhmut]{Location type=city}, where [two Ukrainian soldiers were taken prisoner]{Casualty "
    "count=2 kind=captured group=combatant} in a night raid.",
    #
    "An [F-16]{WeaponSystem category=aircraft} crashed during a training flight over "
    "[Arizona]{Location type=region}; the pilot ejected safely and nobody on the ground was "
    "hurt, the Air Force said.",
    #
    "Government [helicopters]{WeaponSystem category=aircraft} dropped [barrel bombs]"
    "{WeaponSystem category=explosive} on villages south of [Idlib]{Location type=city}. "
    "A rescue group said [11 civilians died]{Casualty count=11 kind=killed group=civilian}, "
    "[four of them children]{Casualty count=4 kind=killed group=civilian}.",
    #
    "Fighting between rival militias in [Tripoli]{Location type=city} left "
    "[55 people dead]{Casualty count=55 kind=killed group=unknown} and [146 injured]{Casualty "
    "count=146 kind=injured group=unknown}, [Libya]{Location type=country}'s health ministry "
    "said.",
    #
    "An [improvised explosive device]{WeaponSystem category=explosive} hit a police patrol "
    "in [Khyber Pakhtunkhwa]{Location type=region} province, [killing four officers]{Casualty "
    "count=4 kind=killed group=unknown} and [wounding two]{Casualty count=2 kind=injured "
    "group=unknown}.",
    #
    "Reading the report in [Brussels]{Location type=city}, the envoy said the conflict in "
    "[Ethiopia]{Location type=country}'s [Tigray]{Location type=region} region had "
    "[displaced 2.1 million people]{Casualty count=2100000 kind=displaced group=unknown} "
    "at its height.",
    #
    "The military junta's [jets]{WeaponSystem category=aircraft} bombed a village in the "
    "[Sagaing]{Location type=region} region of [Myanmar]{Location type=country}, "
    "[killing more than 100 people]{Casualty count=100 kind=killed group=unknown} who had "
    "gathered for the opening of a local office.",
    #
    "Police in [Port-au-Prince]{Location type=city} said gangs armed with "
    "[assault rifles]{WeaponSystem category=small_arms} torched homes in two districts. "
    "[Some 5,000 residents fled]{Casualty count=5000 kind=displaced group=civilian} over the "
    "weekend.",
    #
    "A [Qassam rocket]{WeaponSystem category=rocket} landed in an open field near "
    "[Sderot]{Location type=city}. There were no injuries, the army said, and "
    "[Iron Dome]{WeaponSystem category=missile} intercepted two others.",
    #
    "Security forces in [Colombia]{Location type=country}'s [Cauca]{Location type=region} "
    "province said dissident rebels flew explosive-laden [drones]{WeaponSystem "
    "category=drone} into a police station, [wounding five policemen]{Casualty count=5 "
    "kind=injured group=unknown} and [a teenage girl]{Casualty count=1 kind=injured "
    "group=civilian}.",
    #
    "A [glide bomb]{WeaponSystem category=explosive} hit a supermarket in "
    "[Kharkiv]{Location type=city} on Saturday afternoon. [Eighteen people were killed]"
    "{Casualty count=18 kind=killed group=unknown} and [more than 40 were wounded]{Casualty "
    "count=40 kind=injured group=unknown}, the mayor said.",
    #
    "Clashes over [Nagorno-Karabakh]{Location type=region} flared again. "
    "[Armenia]{Location type=country} said [four soldiers had been killed]{Casualty count=4 "
    "kind=killed group=combatant} by [sniper fire]{WeaponSystem category=small_arms} and "
    "[Azerbaijan]{Location type=country} reported [two servicemen wounded]{Casualty count=2 "
    "kind=injured group=combatant}.",
    #
    "[Turkey]{Location type=country} said its [Bayraktar TB2 drones]{WeaponSystem "
    "category=drone} struck Kurdish militant positions in northern [Iraq]{Location "
    "type=country}, [killing 13 fighters]{Casualty count=13 kind=killed group=combatant}. "
    "The claim could not be independently verified.",
    #
    "[Thousands have fled]{Casualty kind=displaced group=unknown} the fighting in "
    "[Lebanon]{Location type=country}'s south, crossing into [Syria]{Location type=country} on "
    "foot, aid agencies said, many of them families who had fled [Aleppo]{Location type=city} "
    "a decade ago.",
    #
    "A suicide bomber detonated an [explosive vest]{WeaponSystem category=explosive} at a "
    "wedding in [Kabul]{Location type=city}; [at least 63 guests were killed]{Casualty count=63 "
    "kind=killed group=civilian} and [more than 180 injured]{Casualty count=180 kind=injured "
    "group=unknown}.",
    #
    "Rebels of the M23 movement shelled the outskirts of [Goma]{Location type=city} with "
    "[122mm rockets]{WeaponSystem category=rocket}; [five children]{Casualty count=5 "
    "kind=killed group=civilian} were among [nine people killed]{Casualty count=9 kind=killed "
    "group=unknown} in a displacement camp.",
    #
    "[Israel]{Location type=country}'s military said it had intercepted a [drone]{WeaponSystem category=drone} launched "
    "from [Yemen]{Location type=country} over [Eilat]{Location type=city}. Separately, "
    "[a 19-year-old soldier was killed]{Casualty count=1 kind=killed group=combatant} in "
    "southern [Gaza]{Location type=region}.",
    #
    "A [Storm Shadow]{WeaponSystem category=missile} strike on the port of "
    "[Sevastopol]{Location type=city} damaged a [submarine]{WeaponSystem category=naval} and a "
    "[landing ship]{WeaponSystem category=naval}. [Moscow]{Location type=city} said "
    "[24 people were hurt]{Casualty count=24 kind=injured group=unknown}.",
    #
    "Jihadists ambushed a convoy of supply trucks near [Djibo]{Location type=city}, "
    "[killing dozens of soldiers]{Casualty kind=killed group=combatant} and volunteer "
    "militiamen, security sources said. [Twenty civilians were also abducted]{Casualty "
    "count=20 kind=captured group=civilian}.",
    #
    "Cholera is spreading in camps near [Sanaa]{Location type=city}, where "
    "[some 4.5 million people displaced]{Casualty count=4500000 kind=displaced group=unknown} "
    "by the war live in tents, the World Health Organization warned.",
    #
    "The fighting in [Mosul]{Location type=city} was the fiercest since 2017. "
    "[Three Iraqi soldiers died]{Casualty count=3 kind=killed group=combatant} when an "
    "[RPG]{WeaponSystem category=small_arms} hit their [Humvee]{WeaponSystem "
    "category=armoured_vehicle}, and [11 Islamic State militants were captured]{Casualty "
    "count=11 kind=captured group=combatant}.",
    #
    "Frost, not war, worries the tea growers of [Georgia]{Location type=country}'s western "
    "hills. “We killed time waiting for the rain,” a farmer near [Batumi]{Location type=city} "
    "said over turkey sandwiches at the harvest festival.",
    #
    "[Two journalists were killed]{Casualty count=2 kind=killed group=civilian} and "
    "[a cameraman was seriously injured]{Casualty count=1 kind=injured group=civilian} when a "
    "[tank]{WeaponSystem category=armoured_vehicle} fired on a hilltop in southern "
    "[Lebanon]{Location type=country} where they were filming.",
    #
    "The strike on the [Zaporizhzhia]{Location type=city} railway station with "
    "[cluster munitions]{WeaponSystem category=explosive} [claimed the lives of seven people]"
    "{Casualty count=7 kind=killed group=unknown}, regional officials said.",
    #
    "Officials in [Sumy]{Location type=region} region said shelling had left "
    "[2,300 displaced]{Casualty count=2300 kind=displaced group=unknown} and "
    "[at least 23 wounded]{Casualty count=23 kind=injured group=unknown} since the start of the "
    "month; [three children were among the dead]{Casualty count=3 kind=killed group=civilian}.",
    #
    "The separatists said they had [killed at least 12 soldiers]{Casualty count=12 kind=killed "
    "group=combatant} and seized two [armoured vehicles]{WeaponSystem "
    "category=armoured_vehicle} in an attack on an army base near [Kidal]{Location type=city}.",
]

_OPEN = "["
_MARK = re.compile(r"\[|\]\{([^}]*)\}")


@dataclass(frozen=True)
class GoldDocument:
    """One paragraph of the sample: its plain text and its gold spans."""

    text: str
    spans: tuple[Span, ...]


def _value(raw: str) -> AttributeValue:
    return int(raw) if re.fullmatch(r"-?\d+", raw) else raw


def parse(marked: str) -> GoldDocument:
    """The text and spans of one marked-up paragraph; ValueError names what is wrong."""
    text: list[str] = []
    length = 0
    opened: list[int] = []
    spans: list[Span] = []
    pos = 0
    for m in _MARK.finditer(marked):
        piece = marked[pos : m.start()]
        if any(c in piece for c in "[]{}"):
            raise ValueError(f"stray bracket in {piece!r}")
        text.append(piece)
        length += len(piece)
        pos = m.end()
        if m.group(0) == _OPEN:
            opened.append(length)
            continue
        if not opened:
            raise ValueError(f"']{{' without '[' before {marked[pos : pos + 30]!r}")
        if not m.group(1).split():
            raise ValueError(f"a span without a label before {marked[pos : pos + 30]!r}")
        label, *pairs = m.group(1).split()
        attributes = {}
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            if not sep:
                raise ValueError(f"attribute {pair!r} of {label} has no '='")
            attributes[name] = _value(raw)
        spans.append(Span(opened.pop(), length, label, attributes))
    rest = marked[pos:]
    if opened or any(c in rest for c in "[]{}"):
        raise ValueError(f"unclosed or stray bracket in {marked[:60]!r}...")
    text.append(rest)
    return GoldDocument("".join(text), tuple(sorted(spans, key=lambda s: (s.start, -s.end))))


def documents() -> list[GoldDocument]:
    """Every paragraph of the sample, parsed."""
    return [parse(p) for p in PARAGRAPHS]


def learned_elsewhere(docs: list[GoldDocument], i: int) -> list[GazetteerEntry]:
    """The gold spans of every paragraph but the ``i``-th, as the corpus source would learn
    them from annotators' work in other documents (for a leave-one-out measure)."""
    return [
        GazetteerEntry(d.text[s.start : s.end], s.label, s.attributes)
        for j, d in enumerate(docs)
        if j != i
        for s in d.spans
    ]
