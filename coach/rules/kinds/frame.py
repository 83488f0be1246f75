"""Kind ``frame``: an act of the sentence × the topics it is about × what the text gives.

A frame holds in a sentence that has one of its ``acts`` (see ``coach.nlp.acts``) and, within
``window`` sentences either side, a word of every ``topics`` entry (a word class, or a list
of classes any of which will do). ``unless`` voids it where a class occurs in that window
(a free event, say), and ``unless_text_acts`` where the text does one of those acts anywhere
(a request for a favour in a text that also offers help is not take-without-give). A topic
word right after a word of the lexicon's ``denial`` class ("geen lidmaatschap", "no
membership") does not count as that topic; it still voids as an ``unless`` word. The
finding covers the sentence's words from its first topic word to its last.

    - id: en-call-about-offering
      kind: frame
      acts: [request, wish, proposal]
      topics: [meeting, [seller-offering, self-possessive]]
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator

from coach.rules.kinds.base import RuleBase
from coach.nlp.acts import ACTS

Hits = dict[str, list[tuple[int, int]]]

#: The lexicon class of words that deny the class word after them.
DENIAL_CLASS = "denial"


class FrameRule(RuleBase):
    kind: Literal["frame"]
    #: The sentence must do one of these acts; empty means any sentence.
    acts: list[str] = []
    #: Every entry must occur in the window: a class name, or a list of names (any of them).
    topics: list[str | list[str]] = Field(min_length=1)
    #: Sentences either side of the act's sentence in which topics may occur.
    window: int = Field(0, ge=0, le=5)
    #: Classes that void the frame when they occur in the window.
    unless: list[str] = []
    #: Acts that void the frame when the text does them anywhere (give-first texts).
    unless_text_acts: list[str] = []

    @field_validator("acts", "unless_text_acts")
    @classmethod
    def _known_acts(cls, acts: list[str]) -> list[str]:
        for act in acts:
            if act not in ACTS:
                raise ValueError(f"unknown act {act!r}; acts: {', '.join(ACTS)}")
        return acts

    @cached_property
    def topic_groups(self) -> list[list[str]]:
        return [[t] if isinstance(t, str) else list(t) for t in self.topics]

    def classes(self) -> set[str]:
        """Every word class the frame names (checked against the lexicon when packs load)."""
        return {name for group in self.topic_groups for name in group} | set(self.unless)

    def find(self, sentences: list[tuple[int, int]], acts: list[frozenset[str]], hits: Hits,
             topic_hits: Hits | None = None) -> list[tuple[int, int]]:
        """Token spans where the frame holds: one per sentence at most. ``topic_hits`` are
        ``hits`` less the denied class words, which void as ``unless`` words but hold no
        topic (all of ``hits`` when not given)."""
        topic_hits = hits if topic_hits is None else topic_hits
        # Most texts lack some topic altogether: then no sentence can hold the frame.
        if any(not any(topic_hits.get(name) for name in group) for group in self.topic_groups):
            return []
        if self.unless_text_acts and any(set(self.unless_text_acts) & a for a in acts):
            return []
        found = []
        for k, (start, end) in enumerate(sentences):
            if self.acts and not set(self.acts) & acts[k]:
                continue
            if not self.acts and not acts[k] and end - start < 2:
                continue
            low = sentences[max(0, k - self.window)][0]
            high = sentences[min(len(sentences) - 1, k + self.window)][1]
            inside = lambda name, pool=topic_hits: [(s, e) for s, e in pool.get(name, ()) if low <= s and e <= high]  # noqa: E731
            if any(inside(name, hits) for name in self.unless):
                continue
            matched: list[tuple[int, int]] = []
            for group in self.topic_groups:
                spans = [span for name in group for span in inside(name)]
                if not spans:
                    break
                # Prefer the occurrence in the act's own sentence, then the nearest one.
                spans.sort(key=lambda sp: (not (start <= sp[0] < end), abs(sp[0] - start)))
                matched.append(spans[0])
            else:
                # A topic must stand in the act's own sentence; the window only widens the rest.
                own = [sp for sp in matched if start <= sp[0] < end]
                if own:
                    found.append((min(s for s, _ in own), max(e for _, e in own)))
        return sorted(set(found))


def undenied(lowers: list[str], hits: Hits) -> Hits:
    """``hits`` less the class words right after a word of the ``denial`` class, or after it
    and one more word ("geen enkel lidmaatschap"): "no membership" is not about membership.
    These are the ``topic_hits`` of ``FrameRule.find``."""
    ends = {e for _, e in hits.get(DENIAL_CLASS, ())}
    if not ends:
        return hits

    def denied(start: int) -> bool:
        return start in ends or (start - 1 in ends and lowers[start - 1].isalpha())

    return {
        name: spans if name == DENIAL_CLASS else [span for span in spans if not denied(span[0])]
        for name, spans in hits.items()
    }
