"""JSON (``.json``): one object, a list of objects, or ``{"articles": [...]}``.

A list is streamed element by element, so a file of any size is read in the memory of
its largest record, and a bad record is that record's failure. Anything else (one
object, or an object whose ``articles`` key is not first) is read whole, up to
:data:`MAX_WHOLE_JSON_BYTES`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from index.ingest.decode import Undecodable, decode_text
from index.ingest.formats import Format
from index.ingest.records import ReadItem, ReadProblem, SourceFile, record_article
from index.ingest.streams import MAX_LINE_BYTES, read_capped

#: A JSON document that is not a list is parsed whole up to this size.
MAX_WHOLE_JSON_BYTES = 64 * 2**20
#: One element of a streamed list may be this large (the same bound as a JSONL line).
MAX_RECORD_BYTES = MAX_LINE_BYTES
_CHUNK = 1 << 20
_LIST_START = re.compile(r'\s*(?:\{\s*"articles"\s*:\s*)?\[')
_SEPARATOR = re.compile(r"\s*,?\s*")
_DECODER = json.JSONDecoder()


def read_json(source: SourceFile, stream: BinaryIO) -> Iterator[ReadItem]:
    """The records of a JSON file, streamed when it is a list."""
    head = stream.read(_CHUNK)
    if not head.strip():
        yield ReadProblem(source.shown, "empty file")
        return
    try:
        text, encoding = decode_text(head, cut=True)
    except Undecodable as exc:
        yield ReadProblem(source.shown, str(exc))
        return
    match = _LIST_START.match(text)
    if match:
        yield from _stream_list(source, stream, text[match.end():], head, encoding)
        return
    rest, more = read_capped(stream, MAX_WHOLE_JSON_BYTES - len(head))
    if more:
        yield ReadProblem(source.shown, f"JSON object larger than {MAX_WHOLE_JSON_BYTES:,} "
                          "bytes; give a list of records or JSON Lines (.jsonl)")
        return
    try:
        whole, _ = decode_text(head + rest)
        data = json.loads(whole)
    except json.JSONDecodeError as exc:
        yield ReadProblem(source.shown, f"bad JSON: {exc.msg} (column {exc.colno})",
                          line=exc.lineno)
        return
    except RecursionError:
        yield ReadProblem(source.shown, "JSON nested too deeply")
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    for number, record in enumerate(data if isinstance(data, list) else [data], start=1):
        yield from record_article(source, record, number)


def _stream_list(source: SourceFile, stream: BinaryIO, buffer: str, head: bytes,
                 encoding: str) -> Iterator[ReadItem]:
    """Decode list elements one at a time, reading more text when one is incomplete.

    Problems carry the element's number in the list as their ``line``.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    decoder.decode(head)  # the decoder's state after the head (an incomplete character)
    number, ended = 0, False
    while True:
        buffer = buffer[_SEPARATOR.match(buffer).end():]  # type: ignore[union-attr]
        if buffer.startswith("]"):
            return
        if not buffer and ended:
            yield ReadProblem(source.shown, "bad JSON: the list is not closed with ']'",
                              line=number + 1)
            return
        try:
            record, end = _DECODER.raw_decode(buffer)
        except json.JSONDecodeError as exc:
            if ended or len(buffer) > MAX_RECORD_BYTES:
                why = f"record larger than {MAX_RECORD_BYTES:,} bytes" if not ended else \
                    f"bad JSON: {exc.msg}"
                yield ReadProblem(source.shown, f"{why}; the rest of the file is not read",
                                  line=number + 1)
                return
            chunk = stream.read(_CHUNK)
            ended = not chunk
            buffer += decoder.decode(chunk, final=ended)
            continue
        except RecursionError:
            yield ReadProblem(source.shown, "JSON nested too deeply; the rest of the file is "
                              "not read", line=number + 1)
            return
        number += 1
        buffer = buffer[end:]
        yield from record_article(source, record, number)
        if len(buffer) < _CHUNK and not ended:
            chunk = stream.read(_CHUNK)
            ended = not chunk
            buffer += decoder.decode(chunk, final=ended)


FORMAT = Format("JSON", (".json",), read_json)
