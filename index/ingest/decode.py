"""Bytes to text: UTF-8, else an encoding guessed with ``charset-normalizer`` when the
guess is confident, else a one-line reason.

Western news saved outside UTF-8 is nearly always Windows-1252 (Latin-1 plus curly quotes
and the euro sign). On short texts charset-normalizer cannot tell it from its neighbours
(cp1250, cp775 decode the same bytes with the same "chaos"), so Windows-1252 wins when it
reads the bytes with no more mess than the best guess.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

#: charset-normalizer's "chaos" (share of odd characters) up to which a guess is trusted.
MAX_CHAOS = 0.2
#: Bytes a guess looks at; enough to tell, cheap to test.
SAMPLE_BYTES = 64 * 1024
_WESTERN = "cp1252"
_WESTERN_MARGIN = 0.1


class Undecodable(ValueError):
    """Bytes that are neither UTF-8 nor confidently another encoding."""


def decode_text(data: bytes, *, cut: bool = False) -> tuple[str, str]:
    """Decode ``data`` and say how: ``(text, encoding)``.

    ``cut`` says the bytes were cut short, so an incomplete last UTF-8 character is
    dropped rather than taken for another encoding.

    Raises:
        Undecodable: not UTF-8 and no confident guess; the message names the first bad
            byte and the fix.
    """
    if b"\x00" in data[:8192]:
        raise Undecodable("binary file, not text; only text files can be indexed")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if cut and exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode("utf-8-sig"), "utf-8"
            except UnicodeDecodeError:
                pass
        first_bad = exc.start
    encoding = guess_encoding(data)
    if encoding is None:
        raise Undecodable(f"not valid UTF-8 (byte 0x{data[first_bad]:02x} at offset "
                          f"{first_bad}) and its encoding cannot be told; convert the file "
                          "to UTF-8")
    return data.decode(encoding, errors="replace"), encoding


def guess_encoding(data: bytes) -> str | None:
    """The encoding of ``data`` when charset-normalizer (or the Windows-1252 rule) is
    confident, else None."""
    sample = data[:SAMPLE_BYTES]
    best = from_bytes(sample).best()
    try:
        western = mess_ratio(sample.decode(_WESTERN), 1.0)
    except UnicodeDecodeError:
        western = None
    if western is not None and western <= MAX_CHAOS and (
            best is None or western <= best.chaos + _WESTERN_MARGIN):
        return _WESTERN
    if best is not None and best.chaos <= MAX_CHAOS:
        return str(best.encoding)
    return None
