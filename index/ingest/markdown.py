"""Markdown markup out of article text: ``.md`` files are read as the words a reader sees.

Not a Markdown renderer: the markup that would otherwise be indexed, shown in titles and
snippets, and matched by searches (``**bold**``, ``[a link](url)``, ``# headings``) is
reduced to its text; everything else is left as written.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"```[^\n]*\n?|~~~[^\n]*\n?"), ""),                   # code fences
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),                    # images: alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),                     # links: their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),                    # reference links
    (re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]+\S+.*$", re.M), ""),           # link definitions
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),     # headings
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),                           # quotes
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),              # rules
    (re.compile(r"^([ \t]*)[-*+][ \t]+", re.M), r"\1"),                      # bullets
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),             # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),                    # strike-through
    (re.compile(r"`([^`\n]+)`"), r"\1"),                               # inline code
    (re.compile(r"<[^>\n]+>"), ""),                                     # inline HTML tags
)


def strip_markdown(text: str) -> str:
    """``text`` without Markdown markup: ``**Bold** [link](http://x)`` -> ``Bold link``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
