"""Decoding: every encoding and line ending a database writes ends up as the same LF text."""

from __future__ import annotations

import codecs

import pytest

from mnr.errors import FormatError
from mnr.formats import detect
from mnr.formats.decode import decode

RIS = "TY  - JOUR\nTI  - Café society and “care” plans\nER  - \n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (RIS.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + RIS.encode("utf-8"), "utf-8-sig"),
        (RIS.encode("utf-16"), "utf-16"),  # with a BOM, as Windows exports write it
        (RIS.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (RIS.encode("utf-16-be"), "utf-16-be"),
        (RIS.encode("cp1252"), "cp1252"),  # curly quotes from a Windows export
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_encodings(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text == RIS
    assert detect(decoded.text).NAME == "ris"


def test_latin1_bytes_that_are_not_cp1252() -> None:
    data = "TI  - Gr\u00fcn\x81".encode("latin-1")  # 0x81 is undefined in cp1252
    assert decode(data).encoding == "latin-1"


@pytest.mark.parametrize("ending", ["\r\n", "\r", "mixed"])
def test_line_endings_become_lf(ending: str) -> None:
    lines = RIS.rstrip("\n").split("\n")
    if ending == "mixed":
        text = "\r\n".join(lines[:2]) + "\n" + lines[2]
    else:
        text = ending.join(lines)  # and no final newline
    assert decode(text.encode()).text == RIS.rstrip("\n")


def test_binary_files_are_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with pytest.raises(FormatError, match="binary"):
        decode(png)
