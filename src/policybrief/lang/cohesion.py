"""How a sentence leans on what comes before it: the rule that keeps a brief from quoting half an argument.

A sentence *leans* when it cannot be read alone:
- `connective`: it opens by answering or continuing the sentence before ("However,", "Nonetheless,", "Thus,",
  "For example,", "In this context,", "On the other hand,");
- `referential`: it points back ("This", "These motivations", "It" as a pronoun, "They", "Such", "The latter",
  "as mentioned above"), sometimes naming what it points at (`noun`: "the sum total of these *motivations*");
- `additive`: it adds one more of something already said ("Another limitation is...", "Also,", "In addition,",
  "Similarly,"), so it needs an earlier sentence of the same kind, not a particular one;
- `outside`: it points at what a brief never shows ("the table above", "Figure 2 shows", "in the next chapter"),
  so it is never quoted.

"It is possible that..." and "It is also likely to..." are not pronoun references: that "it" points forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from policybrief.lang.sentences import ends_sentence

LeanKind = Literal["none", "connective", "referential", "additive", "outside"]

_CONNECTIVE = re.compile(
    r"^(however|nonetheless|nevertheless|yet|still|but|and|or|so|thus|therefore|hence|consequently|accordingly|"
    r"as a result|instead|indeed|in essence|in particular|in short|in sum|in turn|in contrast|by contrast|"
    r"conversely|on the other hand|on the contrary|at the very least|that said|even so|for example|for instance|"
    r"in this (context|case|regard|respect|sense|way)|to this end|then|specifically|fundamentally|interestingly|"
    r"rather|otherwise|meanwhile|after all|of course|as such|again|in other words|that is|even then|"
    r"for (similar|the same|these|those|this|such|both|all these) reasons?|(in|by) doing so|to do so|if so|"
    r"in (both|either|each|such|that|neither) cases?|not so|apart from (this|that|these|those|being)|"
    r"the (one|only|main) exceptions? (is|are|was|were|being)|together with)\b",
    re.I,
)
_ADDITIVE = re.compile(
    r"^(another|also|additionally|in addition|moreover|furthermore|further|likewise|similarly|besides|"
    r"a (second|third|further|final)|the (second|third|fourth|other|final) (one|reason|limitation|risk|concern|"
    r"problem|issue|factor|driver|motivation))\b"
    r"|^(\w+ ){0,6}(is|are|was|were|could|can|may|might|would|will|has|have|had) also\b"
    r"|^([\w’'-]+ ){1,3}also [a-z]+(s|ed)\b",
    re.I,
)
_EXPLETIVE_IT = re.compile(
    r"^it (is|was|would be|will be|may be|might be|could be|seems|seemed|appears|appeared|remains|became)"
    r"( also| not| now| still| equally| therefore| thus)? (possible|likely|unlikely|clear|unclear|important|"
    r"worth|necessary|difficult|easy|hard|true|essential|notable|noteworthy|critical|plausible|conceivable|"
    r"evident|apparent|certain|uncertain|probable|expected|reasonable|useful|helpful|to|that)\b",
    re.I,
)
_PRONOUN = re.compile(
    r"^(it|its|they|them|their|theirs|he|she|his|her|this|these|those|that|such|the latter|"
    r"the former|the same|the upshot|the answer|the question|the result|the rest|the other|"
    r"both (sides|countries|parties|men|women|leaders|of them|are|were|have|had|will|would|can|could|may)|"
    r"others|neither|(none|each|all|some|many|most|several|few|one|two|either) of (these|them|those|"
    r"the above))\b",
    re.I,
)
_BACK = re.compile(
    r"\b(as (mentioned|noted|discussed|described|shown|explained|stated|seen) (above|earlier|before|previously)|"
    r"above-mentioned|aforementioned|the latter|the former)\b",
    re.I,
)
_BARE_DEMONSTRATIVE = re.compile(r"\b(this|these|those)\s*[,;:)]", re.I)
""""To prevent this, ...", "Because of these; ...": a demonstrative standing alone points back."""
_OUTSIDE = re.compile(
    r"\b((the|this|that) (table|figure|chart|graph|diagram|map|box|graphic|image)s? (above|below)|"
    r"(the )?(above|below|following|preceding) (table|figure|chart|graph|diagram|map|graphic|image)s?\b(?! of)|"
    r"(as )?(shown|illustrated|depicted|summari[sz]ed|presented|listed|set out|displayed) (in|by|on) "
    r"(the )?(fig(ure)?|table|chart|graph|diagram|map|exhibit|box)\.? ?\d|"
    r"^(as )?(fig(ure)?|table|chart|graph|exhibit)\.? ?\d+[a-z]?( and (fig(ure)?|table|chart|graph|exhibit)\.? ?\d+[a-z]?)? "
    r"(shows?|illustrates?|depicts?|presents?|summari[sz]es|lists?|compares?|provides?|explores?|gives?|displays?|"
    r"describes?|outlines?)|"
    r"^as (previously |already |earlier )?(mentioned|noted|discussed|described|shown|explained|stated|outlined)\b"
    r"(?! (by|in|on|at|for|under|with|from|during)\b)|"
    r"(the |in the )?(next|previous|following|preceding|last|subsequent) (chapter|section|part)s?\b|"
    r"^(see|cf\.) |^for (a |an |the )?(summary|discussion|overview|more|further|details?|additional|analysis|"
    r"background|information)\b[^.;]{0,160}?,\s*see\b)",  # "See GAO-12-762SU.", "For more on X, see IF12762."
    re.I,
)
"""Pointers at what a brief never shows: a figure or table of the essay, or another chapter. "(see fig. 3)" in
passing is allowed: the sentence reads without it."""
_OUTSIDE_WORDS = (
    *("table", "fig", "chart", "graph", "diagram", "map", "box", "image", "exhibit", "chapter", "section", "part"),
    *("mentioned", "noted", "discussed", "described", "shown", "explained", "stated", "outlined", "see ", "cf."),
)
_DEMONSTRATIVE = re.compile(r"\b(this|these|those|such)\s+(?:an?\s+)?([a-z]+)(?:[- ]([a-z]+))?", re.I)
_ANOTHER = re.compile(
    r"^(another|a (?:second|third|further|final)|the (?:second|third|fourth|other|final))\s+"
    r"(?:(?:[a-z]+)\s+)?(limitation|risk|concern|problem|issue|factor|driver|motivation|reason|"
    r"challenge|constraint|drawback|difficulty|obstacle|threat|benefit|advantage|option|example|"
    r"finding|lesson|step|point|dimension|area|source|way)s?\b",
    re.I,
)
_MODIFIER = re.compile(
    r"(ive|ous|ed|ing|ful|less|able|ible)$|^(new|same|other|two|three|four|kind|type|sort|latter|"
    r"former|particular|specific|broader|wider|key|main|major|minor|recent|current|different|"
    r"significant|important|relevant|emerging|growing|economic|political|military|strategic|"
    r"national|international|regional|global|federal|local|additional|potential|general|special)$"
)
_NOT_NOUNS = frozenset(
    "is was are were be been and or but has have had will would may might can could should must "
    "does do did that which who as of to in on for".split()
)
SELF_REFERENCE = frozenset(
    """report paper document section essay brief chapter study proposal rfc kep feature enhancement guide analysis
    review memo article book year month week day time testimony statement letter appendix table figure page part
    series discussion framework approach""".split()
)
"""Nouns after "this" that point at the document itself or at time, not at the sentence before."""
_SELF = re.compile(r"^(this|these|that)\s+(?:[a-z]+\s+)?(" + "|".join(sorted(SELF_REFERENCE)) + r")s?\b", re.I)
_DEMONSTRATIVE_REACH = 8
"""A demonstrative this far into a sentence ("The sum total of these motivations...") points back."""


@dataclass(frozen=True)
class Lean:
    kind: LeanKind = "none"
    noun: str = ""
    """For a referential lean that names its subject ("these motivations"): that noun, to find the antecedent."""

    @property
    def leans(self) -> bool:
        return self.kind != "none"


def lean(text: str) -> Lean:
    """How `text` leans on the text before it."""
    t = text.lstrip(" \t\"'“‘(")
    low = t.lower()
    if any(w in low for w in _OUTSIDE_WORDS) and _OUTSIDE.search(t):  # the cheap test first: most sentences pass
        return Lean("outside")
    if _EXPLETIVE_IT.match(t):
        return Lean("additive") if _ADDITIVE.search(t) else Lean()
    if _CONNECTIVE.match(t):
        # "Nonetheless, such investment...": the sentence before, and the one that named the investment.
        return Lean("connective", _demonstrative(t) or "")
    another = _ANOTHER.match(t)
    if another:
        return Lean("additive", another.group(2).lower())
    if _ADDITIVE.match(t):
        return Lean("additive")
    noun = _demonstrative(t)
    if noun is not None:
        return Lean("referential", noun)
    if _SELF.match(t):  # "This KEP proposes...", "This report examines...": the document itself
        return Lean()
    if _PRONOUN.match(t) or _BACK.search(t) or _BARE_DEMONSTRATIVE.search(" ".join(t.split()[:_DEMONSTRATIVE_REACH])):
        return Lean("referential")
    return Lean()


_DANGLING_END = re.compile(
    r"\b(the|a|an|of|to|and|or|but|with|for|from|in|on|at|by|as|into|between|among|including|include|includes|such as|"
    r"that|which|whose|than|is|are|was|were|be|its|their|our|his|her|these|those|this|e\.g|i\.e|via|per|versus|vs)\s*$",
    re.I,
)


def unfinished(text: str) -> bool:
    """A sentence cut off mid-phrase ("...in areas including", "...the difference between"): the text that
    finishes it follows (often a list, or the next paragraph after a page break), so it is never quoted alone."""
    t = text.rstrip()
    if not t or ends_sentence(t, ":;"):
        return False
    return bool(_DANGLING_END.search(" " + " ".join(t.split()[-2:])))  # the last two words: "such as", "e.g"


def cut_off(text: str, following: str) -> bool:
    """A sentence a page break cut in two: no sentence end, and the text after it goes on in lower case
    ("...information that leads to an SEC" / "enforcement action ..."). Quoted only with its other half."""
    t, f = text.rstrip(), following.lstrip(" \t\"'“‘(")
    return bool(t) and not ends_sentence(t, ":;") and f[:1].islower() and len(f.split()) >= 3  # not a note's label ("a.")


def _demonstrative(t: str) -> str | None:
    """The noun of a back-pointing "this/these/those/such NOUN" early in the sentence ("" when it names none);
    None when there is no such phrase."""
    head = " ".join(t.split()[:_DEMONSTRATIVE_REACH])
    for m in _DEMONSTRATIVE.finditer(head):
        first, second = m.group(2).lower(), (m.group(3) or "").lower()
        if first in SELF_REFERENCE or (second in SELF_REFERENCE and _MODIFIER.search(first)):
            continue
        noun = second if second and _MODIFIER.search(first) and second not in _NOT_NOUNS else first
        return "" if noun in _NOT_NOUNS else noun
    return None


def is_hypothetical(text: str) -> bool:
    """A premise or an open question ("If ..., then this could...", "The question is whether..."): a summary
    must not end on it when the essay goes on to answer it."""
    t = text.lower()
    return bool(re.match(r"^(if|whether|suppose|assuming)\b", t)) or bool(
        re.search(r"\b(the (natural |open |key |obvious )?question (is|that arises is|remains)|it remains to be seen)\b", t)
    )


ANSWERS = re.compile(
    r"^(on the other hand|however|but|yet|instead|conversely|on the contrary|nonetheless|"
    r"nevertheless|in fact|rather)\b",
    re.I,
)
"""Openers of a sentence that answers the premise before it."""
