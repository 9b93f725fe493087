"""Check a table file's content against its name before parsing it.

The extension chooses the format; the first bytes confirm it. Gzip is unwrapped whatever the name says
(a ``.csv`` that is really gzip is common when a pipeline forgets the suffix). Everything else that
does not match is rejected with the reason, never guessed: a Parquet file named ``.csv``, a ZIP or
Excel workbook, UTF-16/UTF-32 text. Magic numbers: gzip RFC 1952 section 2.3.1, Parquet format spec
("PAR1"), ZIP APPNOTE 4.3.7, OLE2 compound file, Unicode byte order marks (Unicode 15, section 23.8).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import InputError
from mlgate.paths import refuse_special

SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_BY_SUFFIX = (
    (".csv.gz", "csv"),
    (".csv", "csv"),
    (".parquet", "parquet"),
    (".pq", "parquet"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
)
GZIP = b"\x1f\x8b"
PARQUET = b"PAR1"
# Containers and encodings we refuse, with the reason shown to the user.
_REFUSED = (
    (b"\xff\xfe\x00\x00", "is UTF-32 encoded", "re-save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "is UTF-32 encoded", "re-save it as UTF-8"),
    (b"\xff\xfe", "is UTF-16 encoded", "re-save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"),
    (b"\xfe\xff", "is UTF-16 encoded", "re-save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"),
    (b"PK\x03\x04", "is a ZIP archive (or an Excel .xlsx workbook)", "export the sheet as CSV or Parquet"),
    (b"\xd0\xcf\x11\xe0", "is an Excel .xls workbook", "export the sheet as CSV or Parquet"),
    (b"\x28\xb5\x2f\xfd", "is zstd-compressed", "decompress it or use gzip (.csv.gz)"),
    (b"BZh", "is bzip2-compressed", "decompress it or use gzip (.csv.gz)"),
    (b"\xfd7zXZ\x00", "is xz-compressed", "decompress it or use gzip (.csv.gz)"),
)
MAX_DECOMPRESSED = 20 * 1024**3  # a gzip bomb stops here instead of filling the memory


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "csv" | "parquet" | "jsonl"
    gzip: bool


def table_format(path: Path, where: str | None = None) -> str:
    """The format chosen by the file name."""
    name = path.name.lower()
    for suffix, kind in _BY_SUFFIX:
        if name.endswith(suffix):
            return kind
    raise InputError(f"{where or path}: unsupported file type", hint=f"use one of {', '.join(SUFFIXES)}")


def refuse_text_head(head: bytes, where: str) -> None:
    """Reject encodings and containers that are not UTF-8 text (``head``: the first bytes)."""
    for magic, reason, hint in _REFUSED:
        if head.startswith(magic):
            raise InputError(f"{where}: line 1: the file {reason}; mlgate reads UTF-8 text", hint=hint)
    # UTF-16 without a byte order mark: ASCII text with a NUL after (or before) every character.
    sample = head[:64]
    half = len(sample) // 2 - 1
    if len(sample) >= 8 and (sample[1::2].count(0) >= half or sample[0::2].count(0) >= half):
        raise InputError(
            f"{where}: line 1: the file looks UTF-16 encoded (a NUL byte after every character)",
            hint="re-save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        )
    if head.startswith(PARQUET):
        raise InputError(
            f"{where}: the file is Parquet but its name says text", hint="rename it to .parquet"
        )


def sniff(path: Path, where: str) -> Sniffed:
    """Format from the name, confirmed by the first bytes; raises :class:`InputError` on a mismatch."""
    kind = table_format(path, where)
    refuse_special(path, "", where)  # a FIFO would block the open below; /dev/zero never ends
    with path.open("rb") as fh:
        head = fh.read(64)
    if not head:
        raise InputError(f"{where}: line 1: the file is empty (0 bytes)", hint="write a header and data rows")
    is_gzip = head.startswith(GZIP)
    if kind == "parquet":
        if is_gzip or not head.startswith(PARQUET):
            raise InputError(
                f"{where}: not a Parquet file (it does not start with the Parquet magic bytes 'PAR1')",
                hint="write it with a Parquet writer, or rename it to its real format (.csv, .jsonl)",
            )
        return Sniffed(kind, gzip=False)
    return Sniffed(kind, gzip=is_gzip)


def read_text_bytes(path: Path, sniffed: Sniffed, where: str) -> bytes:
    """The whole (decompressed) content of a text table, checked for refused encodings."""
    raw = path.read_bytes()
    if sniffed.gzip:
        try:
            decomp = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer (zlib manual)
            data = decomp.decompress(raw, MAX_DECOMPRESSED)
            if decomp.unconsumed_tail:
                limit = MAX_DECOMPRESSED // 1024**3
                raise InputError(f"{where}: decompresses to more than {limit} GiB", hint="split the file")
            if not decomp.eof:
                raise InputError(f"{where}: the gzip stream is truncated", hint="re-create the file")
            # Concatenated gzip members (RFC 1952 section 2.2) are one file.
            if decomp.unused_data:
                data += gzip.decompress(decomp.unused_data)
        except (zlib.error, OSError, EOFError) as exc:
            raise InputError(f"{where}: not a valid gzip file: {exc}", hint="re-create the file") from None
        if not data:
            raise InputError(f"{where}: line 1: the file is empty (0 bytes once decompressed)")
    else:
        data = raw
    refuse_text_head(data[:64], where)
    return data
