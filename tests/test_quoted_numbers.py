"""Every number a lesson's text quotes is one the lesson prints (or sets in its code).

A sentence such as "the loss falls from 0.47 to 0.04" or "about 83% of the test points"
must agree with what the cells under it print; when a lesson is regenerated and a number
moves, the sentence has to move with it. This test reads every lesson's markdown, takes
each number that is quoted as a measurement (one with a decimal point, a percentage, a
ratio such as "36x", or a number of four or more digits), and looks for it, to the quoted
precision, among the numbers of that lesson's saved outputs and code. Small whole numbers
(layer sizes, lesson and equation numbers) and powers of ten (bounds) are not checked.

A number that is a fact of mathematics rather than a measurement (sigma'(0) = 0.25) goes
into FACTS below with the reason; anything else that fails is a sentence to fix.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb"))

# Numbers quoted as facts of mathematics (or of the code's settings), per lesson: {text: why}.
FACTS: dict[str, dict[str, str]] = {
    "01_forward_prop": {
        "0.01": "the leaky ReLU's slope for z < 0, a definition",
    },
    "08_digits": {
        "1998": "the year of the data set's publication, in its citation",
    },
}
FACTS_EVERYWHERE = {
    "0.5": "one half, as in J = 0.5 (a - y)^2 or a probability of one half",
    "0.25": "one quarter: sigma'(0) = 1/4",
}

# 0.47, 36.04, 1.5, 83%, 99.5%, 36x, 1,600x, 2,410, 9127
NUMBER = re.compile(
    r"(?<![\w.^_{])"                       # not inside a word, a longer number, an exponent or a subscript
    r"(\d{1,3}(?:,\d{3})+|\d+)"            # whole part, with or without thousands separators
    r"(?:\.(\d+))?"                        # decimals
    r"(\s*%|x\b|×)?"                       # a percentage or a ratio
)
ANY_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def quoted(markdown: str) -> list[tuple[str, float, int, str]]:
    """The numbers a markdown text quotes as measurements: (as written, value, decimals, context)."""
    found = []
    text = re.sub(r"`[^`]*`", " ", markdown)               # code in backticks is code, not a quote
    text = re.sub(r"\]\([^)]*\)", "]", text)               # link targets
    text = re.sub(r"\[(\d+|\\ell|l)\]", " ", text)         # layer indices [1], [\ell]
    text = re.sub(r"10\^\{?-?\d+\}?|\d+e-?\d+", " ", text)  # powers of ten: bounds, not measurements
    for match in NUMBER.finditer(text):
        whole, decimals, suffix = match.groups()
        written = match.group(0).strip()
        value = _value(whole + ("." + decimals if decimals else ""))
        is_measurement = decimals is not None or suffix is not None or value >= 1000
        if not is_measurement:
            continue
        start = max(0, match.start() - 60)
        found.append((written, value, len(decimals or ""), text[start:match.end() + 30].replace("\n", " ")))
    return found


def printed_numbers(nb) -> list[float]:
    """Every number in the lesson's saved text outputs and in its code."""
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif "data" in output:
                texts.append(output["data"].get("text/plain", ""))
                texts.append(output["data"].get("text/markdown", ""))
    values = []
    for text in texts:
        for token in ANY_NUMBER.findall(text):
            try:
                values.append(abs(_value(token)))
            except ValueError:
                continue
    return values


def matches(value: float, decimals: int, candidates: list[float], percent: bool) -> bool:
    """Is value, written with `decimals` decimals, one of the candidates rounded the same way?

    A percentage may also be printed as a fraction (83% as 0.83).
    """
    half = 0.5 * 10.0 ** -decimals + 1e-12
    for c in candidates:
        if abs(c - value) <= half:
            return True
        if percent and abs(100 * c - value) <= half:
            return True
    return False


def unmatched(nb, facts: dict[str, str]) -> list[str]:
    """The quoted numbers of a lesson that none of its outputs or code backs, with their context."""
    candidates = printed_numbers(nb)
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        # "Try this" suggests settings to try (lr = 0.35, 1000 epochs): nothing there quotes a result
        text = re.split(r"^#+ Try this", cell.source, flags=re.M)[0]
        for written, value, decimals, context in quoted(text):
            bare = written.rstrip("%x× ").strip()
            if bare in facts or bare in FACTS_EVERYWHERE:
                continue
            if not matches(value, decimals, candidates, percent=written.endswith("%")):
                problems.append(f"{written!r} in: ...{context}...")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_number_a_lesson_quotes_is_printed_by_it(path):
    nb = nbformat.read(path, as_version=4)
    problems = unmatched(nb, FACTS.get(path.stem, {}))
    assert not problems, (
        f"{path.name} quotes numbers that none of its outputs (or its code) shows. Make the code print "
        f"the sentence from the measurement, or correct the number, or (for a fact of mathematics) "
        f"list it in FACTS in {Path(__file__).name} with the reason:\n  " + "\n  ".join(problems))


def test_a_wrong_number_in_a_copy_of_a_lesson_is_caught(tmp_path):
    """The check catches what it exists for: a copy of lesson 1 whose text quotes a number
    its outputs do not print."""
    nb = nbformat.read(ROOT / "notebooks" / "01_forward_prop.ipynb", as_version=4)
    assert unmatched(nb, FACTS["01_forward_prop"]) == []
    markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    markdown.source += "\n\nThe output of the hand network is -6.75."   # it prints -6.5
    nbformat.write(nb, tmp_path / "copy.ipynb")
    problems = unmatched(nbformat.read(tmp_path / "copy.ipynb", as_version=4), FACTS["01_forward_prop"])
    assert len(problems) == 1 and "'6.75'" in problems[0]


@pytest.mark.parametrize("text, expected", [
    ("the loss falls to 0.47 and then 2.48", ["0.47", "2.48"]),
    ("about 83% of them, 36x slower, 1,600x, P = 2,410", ["83%", "36x", "1,600x", "2,410"]),
    ("layer 3 of 10, equation 4, $W^{[2]}$, $10^{-9}$, 1e-12, `lr=0.45`", []),
])
def test_what_counts_as_a_quoted_number(text, expected):
    assert [w for w, *_ in quoted(text)] == expected


def test_a_quote_matches_to_its_own_precision():
    assert matches(0.14, 2, [0.1409], percent=False)
    assert not matches(0.14, 2, [0.1459], percent=False)
    assert matches(83, 0, [0.83], percent=True)
    assert matches(36.04, 2, [36.0437], percent=False)
    assert not math.isnan(_value("1,600"))
