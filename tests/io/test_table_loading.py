"""A corpus of bad files, built here, one defect each: every one is read correctly or is an InputError
naming the file and the line. Good variants (BOM, CRLF, gzip, quoted newlines, long fields) must read
back exactly what was written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlgate.errors import InputError
from mlgate.io.tables import read_table

GOOD = "id,sex,age,credit\n1,male,30,good\n2,female,45,bad\n3,none,22,good\n"
NULLS = ("", "NA", "null")

# name -> (file name, content, exact message fragment)
BAD: dict[str, tuple[str, bytes, str]] = {
    "empty": ("t.csv", b"", "t.csv: line 1: the file is empty (0 bytes)"),
    "header-only": ("t.csv", b"id,sex,age,credit\n", "t.csv: line 2: no data rows"),
    "duplicated-header": (
        "t.csv", b"id,age,age\n1,2,3\n", "t.csv: line 1: duplicated column name 'age' (columns 2 and 3)"
    ),
    "empty-name": ("t.csv", b",a\n0,1\n", "t.csv: line 1: column 1 has an empty name"),
    "ragged-short": (
        "t.csv",
        GOOD.encode().replace(b"2,female,45,bad", b"2,female,45"),
        "t.csv: line 3: 3 fields, expected 4",
    ),
    "ragged-long": (
        "t.csv",
        GOOD.encode().replace(b"3,none,22,good", b"3,none,22,good,x"),
        "t.csv: line 4: 5 fields, expected 4",
    ),
    "ragged-after-quoted-newline": (
        "t.csv", b'id,note\n1,"two\nlines"\n2,ok,extra\n', "t.csv: line 4: 3 fields, expected 2"
    ),
    "invalid-utf8": ("t.csv", GOOD.encode().replace(b"female", b"f\xe9male"), "t.csv: line 3: invalid UTF-8"),
    "nul-byte": ("t.csv", GOOD.encode().replace(b"none", b"no\x00ne"), "t.csv: line 4: NUL byte"),
    "wrong-delimiter": ("t.csv", GOOD.replace(",", ";").encode(), "t.csv: line 1: only one column"),
    "tab-delimiter": ("t.csv", GOOD.replace(",", "\t").encode(), "looks tab-separated"),
    "unclosed-quote": (
        "t.csv", b'id,note\n1,ok\n2,"never closed\n3,x\n', "t.csv: line 3: a quoted field opens here"
    ),
    "utf16": ("t.csv", GOOD.encode("utf-16"), "t.csv: line 1: the file is UTF-16 encoded"),
    "utf16-no-bom": ("t.csv", GOOD.encode("utf-16-le"), "t.csv: line 1: the file looks UTF-16 encoded"),
    "xlsx": ("t.csv", b"PK\x03\x04rest-of-zip", "t.csv: line 1: the file is a ZIP archive"),
    "parquet-named-csv": ("t.csv", b"PAR1....PAR1", "t.csv: the file is Parquet but its name says text"),
    "csv-named-parquet": ("t.parquet", GOOD.encode(), "t.parquet: not a Parquet file"),
    "corrupt-parquet": ("t.parquet", b"PAR1 garbage", "t.parquet: not a readable Parquet file"),
    "truncated-gzip": (
        "t.csv.gz", gzip.compress(GOOD.encode())[:-12], "t.csv.gz: the gzip stream is truncated"
    ),
    "bad-jsonl": ("t.jsonl", b'{"a": 1}\n{"a": \n', "t.jsonl: line 2: invalid JSON"),
    "jsonl-not-object": ("t.jsonl", b'{"a": 1}\n[1, 2]\n', "t.jsonl: line 2: expected a JSON object"),
    "unknown-suffix": ("t.xlsx", GOOD.encode(), "t.xlsx: unsupported file type"),
}


@pytest.mark.parametrize("case", sorted(BAD), ids=sorted(BAD))
def test_bad_file_is_an_input_error_naming_file_and_line(case: str, tmp_path: Path) -> None:
    name, content, expected = BAD[case]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table(path, null_values=NULLS, display=name)
    assert expected in str(info.value), str(info.value)
    assert InputError.exit_code == 2


def _expected() -> pd.DataFrame:
    return pd.DataFrame(
        {"id": [1, 2, 3], "sex": ["male", "female", "none"], "age": [30, 45, 22],
         "credit": ["good", "bad", "good"]}
    )


GOOD_VARIANTS: dict[str, tuple[str, bytes]] = {
    "plain": ("t.csv", GOOD.encode()),
    "utf8-bom": ("t.csv", b"\xef\xbb\xbf" + GOOD.encode()),
    "crlf": ("t.csv", GOOD.replace("\n", "\r\n").encode()),
    "bom-crlf": ("t.csv", b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()),
    "gzip": ("t.csv.gz", gzip.compress(GOOD.encode())),
    "gzip-named-csv": ("t.csv", gzip.compress(GOOD.encode())),
    "no-final-newline": ("t.csv", GOOD.rstrip("\n").encode()),
    "jsonl": ("t.jsonl", "".join(json.dumps(r) + "\n" for r in _expected().to_dict("records")).encode()),
}


@pytest.mark.parametrize("case", sorted(GOOD_VARIANTS), ids=sorted(GOOD_VARIANTS))
def test_good_variants_read_exactly(case: str, tmp_path: Path) -> None:
    name, content = GOOD_VARIANTS[case]
    path = tmp_path / name
    path.write_bytes(content)
    frame = read_table(path, null_values=NULLS)
    pd.testing.assert_frame_equal(frame, _expected(), check_dtype=False)
    # 'none' is a real category value (German Credit), not a null
    assert frame.loc[2, "sex"] == "none"


def test_quoted_newlines_and_very_long_field(tmp_path: Path) -> None:
    long = "x" * 20_000_000  # longer than one parse block: read whole, not split
    path = tmp_path / "t.csv"
    path.write_text(f'id,note\n1,"a\r\nb, c"\n2,{long}\n3,""""\n', encoding="utf-8", newline="")
    frame = read_table(path)
    assert frame["note"].tolist() == ["a\r\nb, c", long, '"']


def test_null_spellings_are_explicit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\nNA,none\nnull,N/A\n", encoding="utf-8")
    frame = read_table(path, null_values=("NA",))
    assert frame["a"].isna().tolist() == [True, False]
    assert frame["b"].tolist() == ["none", "N/A"]


def test_dates_stay_text_as_pandas_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("d,t\n2024-01-31,12:30:00\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.loc[0, "d"] == "2024-01-31" and frame.loc[0, "t"] == "12:30:00"


def test_column_pruning_csv_and_parquet(tmp_path: Path) -> None:
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(GOOD, encoding="utf-8")
    pq_path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(_expected(), preserve_index=False), pq_path)
    for path in (csv_path, pq_path):
        frame = read_table(path, columns=["credit", "id", "zzz"], missing="ignore")
        assert list(frame.columns) == ["credit", "id"]
        with pytest.raises(InputError, match="no column 'zzz'"):
            read_table(path, columns=["credit", "zzz"])


def test_parquet_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(_expected(), preserve_index=False), path)
    pd.testing.assert_frame_equal(read_table(path), _expected(), check_dtype=False)
