"""Round 1's text counts (index/entities/textstats.py) against plain definitions.

The counting is written for speed (one pass per line, counters updated in bulk, lines
measured with string methods); these tests hold it to the character-by-character
definitions it replaces, over random text.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from index.entities import textstats
from index.entities.textstats import TextCounts, figure_share
from index.ner.casing import is_shouted

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_FIGURE = re.compile(r"[$£€¥]?\d[\d.,:/]*%?")

#: Text made of what the counting looks at: words in both cases, figures, currencies,
#: quotes and brackets, sentence ends, dashes, other scripts' digits and letters, spaces.
_PIECES = st.sampled_from([
    "the", "Bank", "of", "IBM", "cts", "mln", "dlrs", "Shr", "said", "Ölz", "étude",
    "12", "45.6", "1,250", "3-2", "$5", "£2.5", "€", "5%", "١٢", "²", "1.", "10/3",
    '"', "'", "“", "‘", "(", "[", ".", ",", ";", ":", "!", "?", "-", "--", "’s",
    " ", "  ", "\t", "\u00a0", "\u2003", "ǅ", "ß", "ĸ",
])
_LINES = st.lists(_PIECES, max_size=40).map(lambda parts: "".join(
    part if part.strip() == "" or i == 0 else " " + part for i, part in enumerate(parts)))


def _reference_words(line: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Word counts of one line as first defined: token by token, figures re-tested."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    after: Counter[str] = Counter()

    def figure(token: str) -> bool:
        return bool(_FIGURE.fullmatch(token.rstrip(",;"))) and not token.endswith(".")

    previous = before = ""
    start = True
    for token in line.split():
        found = _WORD.match(token.strip("\"'“‘(["))
        if found:
            word = found.group(0).rstrip(".,;:!?'’")
            key = word.lower()
            if word[:1].islower():
                lower[key] += 1
                if figure(previous) or (previous[:1].islower() and figure(before)):
                    after[key] += 1
            elif not start:
                capital[key] += 1
        start = token.endswith((".", "!", "?", ":")) or token in ("-", "--")
        previous, before = token, previous
    return lower, capital, after


@settings(max_examples=300)
@given(_LINES)
def test_word_counts_match_their_definition(line: str) -> None:
    counts = TextCounts()
    textstats._count_words(counts, line)  # noqa: SLF001 - the counting under test
    lower, capital, after = _reference_words(line)
    assert counts.lower == lower
    assert counts.capital == capital
    assert counts.after_figure == after
    assert list(counts.lower) == list(lower)  # first seen first, as before


@settings(max_examples=300)
@given(_LINES)
def test_figure_share_and_shouting_match_their_definitions(line: str) -> None:
    visible = [c for c in line if not c.isspace()]
    digits = sum(c.isdigit() or c in ".,-/%" for c in visible)
    assert figure_share(line) == (digits / len(visible) if visible else 0.0)
    assert is_shouted(line) == (not any(c.islower() for c in line)
                                and sum(c.isupper() for c in line) >= 2)
    assert is_shouted(line.upper()) == (not any(c.islower() for c in line.upper())
                                        and sum(c.isupper() for c in line.upper()) >= 2)


@given(st.lists(_LINES, max_size=6))
def test_line_table_finds_each_position_in_its_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    for position in range(len(text) + 1):
        number = text.count("\n", 0, position)
        assert textstats.line_of(text, position) == text.split("\n")[number]
        assert textstats.shouted_at(text, position) == is_shouted(text.split("\n")[number])


def test_a_table_row_opens_with_its_label() -> None:
    text = "Results of the year\nShr 12 cts vs 10 cts\nNet 1,250,000 vs 980,000"
    assert textstats.line_of(text, text.index("Shr")) == "Shr 12 cts vs 10 cts"
    assert figure_share("Net 1,250,000 vs 980,000") > textstats.FIGURE_LINE_SHARE
    assert figure_share("Results of the year") == 0.0
