"""Re-casing ALL-CAPS lines before NER: pure, same length, mixed-case text untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index.ner.casing import is_shouted, restore_case

ARTICLE = (
    "SOCCER - JAPAN GET LUCKY WIN, CHINA IN SURPRISE DEFEAT.\n\n"
    "AL-AIN, United Arab Emirates 1996-12-06\n"
    "Japan began the defence of their title with a lucky 2-1 win against Syria.\n"
    "China suffered a surprise defeat. The NBA said nothing."
)


def test_shouted_lines_take_the_article_casing() -> None:
    restored = restore_case(ARTICLE)
    headline = restored.split("\n")[0]
    # "win", "surprise", "defeat" are written in lower case in the body; "in" is a
    # function word; "Japan" and "China" are capitalised there.
    assert headline == "Soccer - Japan GET lucky win, China in surprise defeat."
    assert restored.split("\n", 1)[1] == ARTICLE.split("\n", 1)[1]


def test_unknown_words_are_capitalised_and_short_ones_kept() -> None:
    assert restore_case("LONDON 1996-08-30\nNothing else here.") == \
        "London 1996-08-30\nNothing else here."
    assert restore_case("UN TALKS IN GENEVA") == "UN Talks in Geneva"
    assert restore_case("THE TALKS FAILED\n\nThe talks failed.") == \
        "The talks failed\n\nThe talks failed."


def test_mixed_case_text_is_unchanged() -> None:
    text = "Moscow on Friday proposed joint air strikes.\nThe Pentagon rejected it."
    assert restore_case(text) is text


def test_is_shouted() -> None:
    assert is_shouted("LONDON 1996-08-30")
    assert not is_shouted("London 1996-08-30")
    assert not is_shouted("1996-08-30")


@given(st.text(alphabet=st.sampled_from("ABCÉßİ abc-'\n.1"), max_size=60))
def test_restoring_keeps_every_offset(text: str) -> None:
    restored = restore_case(text)
    assert len(restored) == len(text)
    assert restored.lower() == text.lower() or restored == text
