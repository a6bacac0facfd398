"""Words: counting, tokens for similarity, stop words, slugs."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all also although am an and any are as at be because been before being
    below between both but by can could did do does doing down during each either even ever few for from further
    had has have having he her here hers herself him himself his how however i if in into is it its itself just
    least less let like many may me might more most much must my myself neither no nor not now of off on once only
    or other others our ours ourselves out over own per perhaps rather same several shall she should since so some
    still such than that the their theirs them themselves then there therefore these they this those though through
    thus to too toward towards under until up upon us very via was we were what whatever when where whether which
    while who whom whose why will with within without would yet you your yours one two also s t""".split()
)


def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens holding at least one letter or digit.

    A lone bullet mark or a stray full stop is not a word.
    """
    return sum(1 for tok in text.split() if _ALNUM.search(tok))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (hyphenated and apostrophe words kept whole)."""
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


@lru_cache(maxsize=1 << 16)  # an essay's words repeat (Zipf): each is stemmed once
def stem(word: str) -> str:
    """A light stemmer: strip a common suffix, then keep at most 7 letters.

    Enough to match 'limitations' with 'limitation', 'asymmetric' with 'asymmetry', 'military' with 'militarily'.
    """
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    return word[:7]


def content_terms(text: str) -> list[str]:
    """Stemmed tokens without stop words or bare numbers: the units of similarity and relevance."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and not t.isdigit() and len(t) > 1]


def slugify(text: str, fallback: str = "section") -> str:
    """A stable ASCII id: 'Trade and Investment Links' -> 'trade-and-investment-links'."""
    text = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda m: m.group().replace(".", ""), text)
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", norm).strip("-")
    return slug[:80].rstrip("-") or fallback
