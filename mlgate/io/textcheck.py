"""Byte-level checks of a text table before parsing: NUL bytes and invalid UTF-8, with the line number.

pyarrow's CSV reader keeps a column with invalid UTF-8 as binary and keeps NUL bytes inside strings,
silently; pandas replaces or truncates depending on the engine. Both are data corruption, so they are
errors here. Line numbers are physical lines (1-based), as an editor shows them.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mlgate.errors import InputError

_CHUNK = 1 << 24


def line_of(data: bytes, offset: int) -> int:
    """1-based physical line holding byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1


def check_text(data: bytes, where: str) -> None:
    """Raise :class:`InputError` naming the line of the first NUL byte or invalid UTF-8 sequence."""
    nul = data.find(b"\x00")
    bad_utf8 = -1 if data.isascii() else _first_invalid_utf8(data)
    if nul >= 0 and (bad_utf8 < 0 or nul < bad_utf8):
        raise InputError(
            f"{where}: line {line_of(data, nul)}: NUL byte (\\x00) in the data",
            hint="the file is binary or corrupted; re-export it as UTF-8 text",
        )
    if bad_utf8 >= 0:
        snippet = data[max(0, bad_utf8 - 10) : bad_utf8 + 4]
        raise InputError(
            f"{where}: line {line_of(data, bad_utf8)}: invalid UTF-8 bytes near {snippet!r}",
            hint="re-save the file as UTF-8 (it may be Latin-1/Windows-1252: iconv -f cp1252 -t UTF-8)",
        )


def _first_invalid_utf8(data: bytes) -> int:
    """Offset of the first invalid UTF-8 byte, or -1; decodes in chunks to bound the memory used."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        chunk = view[start : start + _CHUNK]
        final = start + _CHUNK >= len(data)
        # The decoder keeps up to 3 bytes of an unfinished sequence from the previous chunk and
        # reports offsets into (those bytes + this chunk).
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            return max(0, start - pending + exc.start)
    return -1


@dataclass(frozen=True)
class TextSource:
    """The bytes of a CSV or JSON Lines table, checked as text (:func:`check_text`) before any reader
    sees them. ``where`` names the file in messages; ``columns`` limits what is converted and
    ``missing`` says whether an absent one is an error (see ``mlgate.io.tables.read_table``)."""

    data: bytes
    where: str
    columns: Sequence[str] | None
    null_values: Sequence[str]
    missing: Literal["error", "ignore"] = "error"

    def __post_init__(self) -> None:
        check_text(self.data, self.where)
