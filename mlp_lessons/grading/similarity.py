"""Pairs of notebooks whose code is nearly identical: a report a teacher can act on.

A student's code is every code cell that is not the handout's (the handout's
own cells are left out: that is what everyone was given; where the handout is
not at hand, as in an installed package, code that at least half of a class of
five or more share stands for it).  It is read as Python tokens with
the names of variables replaced by one placeholder, comments dropped and
strings blanked, so renaming variables, re-spacing or re-commenting a copy
changes nothing.  Each notebook becomes the set of its runs of K tokens; two
notebooks' similarity is the share of those runs they have in common
(|A & B| / |A | B|, from 0 to 1).  A pair is listed when it is at least the
teacher's threshold and they share at least MIN_SHARED runs, so two short,
right answers (there is only one way to write W @ A + b) are not accused.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from collections import Counter
from itertools import combinations
from typing import NamedTuple

K = 8  # tokens in one run
MIN_SHARED = 20  # runs two notebooks must share before they are compared at all
THRESHOLD = 0.8


class Pair(NamedTuple):
    a: str
    b: str
    notebook: str
    similarity: float
    shared: int


def tokens(source: str) -> list:
    """The cell's tokens, normalised: names -> "v" (attributes and keywords kept), strings -> "s"."""
    out, previous = [], ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
                continue
            if tok.type == tokenize.NAME:
                text = tok.string if keyword.iskeyword(tok.string) or previous == "." else "v"
            elif tok.type == tokenize.STRING:
                text = "s"
            elif tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                text = tokenize.tok_name[tok.type]
            else:
                text = tok.string
            out.append(text)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = [w if keyword.iskeyword(w) or not w.isidentifier() else "v"
               for w in re.findall(r"\w+|[^\s\w]", source)]
    return out


def runs(sources: list) -> set:
    found = set()
    for source in sources:
        t = tokens(source)
        found |= {tuple(t[i:i + K]) for i in range(len(t) - K + 1)}
    return found


def similar_pairs(notebooks: dict, handouts: dict, threshold: float = THRESHOLD) -> list:
    """notebooks: {student: (exercise notebook, [code cell sources])}; handouts: {exercise notebook: [its
    code cell sources]}.  Returns the Pairs at or above threshold, most similar first."""
    groups: dict = {}
    for student, (notebook, sources) in notebooks.items():
        given = set(handouts.get(notebook, []))
        groups.setdefault(notebook, {})[student] = runs([s for s in sources if s not in given])
    pairs = []
    for notebook, members in groups.items():
        common = runs(handouts.get(notebook, []))
        if notebook not in handouts and len(members) >= 5:  # no handout at hand: what most share stands for it
            counts = Counter(r for found in members.values() for r in found)
            common |= {r for r, n in counts.items() if n >= len(members) / 2}
        own = {s: found - common for s, found in members.items()}
        for a, b in combinations(sorted(own), 2):
            shared = len(own[a] & own[b])
            if shared < MIN_SHARED:
                continue
            score = shared / len(own[a] | own[b])
            if score >= threshold:
                pairs.append(Pair(a, b, notebook, score, shared))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))
