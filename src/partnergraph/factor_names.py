"""Which factor a passage names: the quote lint's test of a list item in a quote.

A quote that runs across a bullet list is wrong when another item is about another
factor: that factor's finding then hides inside this claim. An item names a factor
when its words cover the factor's label or an alternative label: a one-word name by
the word itself (a common stem would let 'government' name 'governance'), a longer one
by more than half its stems ('staff who work across boundaries' names 'Skilled staff
who work across boundaries').
"""

from __future__ import annotations

from dataclasses import dataclass

from .concept_matcher import stems, words
from .corpus import Concept

FACTOR_CLASSES = (
    "SuccessFactor", "Barrier", "Benefit", "Driver", "SupportNeed", "Risk", "Outcome", "Principle",
)  # fmt: skip
"""What an item names when it is another factor; a partnership type, theory, category
or assumption named in passing ('cross-sector partnerships') is not one."""
TOPIC = "partners partnership working cross-sector organisations collaboration"
"""Every passage of this literature names its topic, so an item that says 'partnership
working' names no factor by it: these words are left out of the labels ('Partnership
skills and knowledge' is named by its skills and knowledge)."""


def word_forms(text: str) -> frozenset[str]:
    """The text's content words, lower case, a plural's s dropped."""
    return frozenset(w.replace("’", "'").removesuffix("'s").removesuffix("s") for w in words(text))


TOPIC_STEMS = frozenset(stems(TOPIC))
TOPIC_FORMS = word_forms(TOPIC)


@dataclass(frozen=True)
class Name:
    """One label of a factor, less the topic's words."""

    stems: frozenset[str]
    forms: frozenset[str]

    @classmethod
    def of(cls, label: str) -> Name:
        return cls(frozenset(stems(label)) - TOPIC_STEMS, word_forms(label) - TOPIC_FORMS)

    def named_by(self, found: frozenset[str], forms: frozenset[str]) -> bool:
        if len(self.stems) == 1:
            return self.forms <= forms
        return 2 * len(self.stems & found) > len(self.stems)


class FactorNames:
    """The vocabulary's factors by name, and each concept's kin (broader, narrower,
    counterpart), which an item may name without being another factor."""

    def __init__(self, concepts: tuple[Concept, ...]) -> None:
        self.labels = {c.slug: (c.label, *c.alt) for c in concepts}
        self.factors = [
            (c, [name for label in self.labels[c.slug] if (name := Name.of(label)).stems])
            for c in concepts
            if c.cls in FACTOR_CLASSES
        ]
        self.kin: dict[str, set[str]] = {c.slug: {c.slug, *c.broader} for c in concepts}
        for concept in concepts:
            for other in (*concept.broader, *((concept.counterpart,) if concept.counterpart else ())):
                self.kin.setdefault(other, {other}).add(concept.slug)
                self.kin[concept.slug].add(other)

    def names_own(self, passage: str, slug: str) -> bool:
        """Whether the passage names the concept: half the stems of one of its labels."""
        found = set(stems(passage))
        own = [set(stems(label)) for label in self.labels.get(slug, ())]
        return any(2 * len(name & found) >= len(name) for name in own if name)

    def other_factor(self, passage: str, slug: str) -> Concept | None:
        """The first factor other than the concept and its kin that the passage names."""
        found, forms = frozenset(stems(passage)), word_forms(passage)
        kin = self.kin.get(slug, {slug})
        for concept, names in self.factors:
            if concept.slug not in kin and any(name.named_by(found, forms) for name in names):
                return concept
        return None
