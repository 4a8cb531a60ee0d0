"""Readers for every export format mnr understands, and detection from content.

Each format is one module exposing ``NAME``, ``LABEL``, ``sniff(text)`` and
``read(text)`` (see ``base.Reader``). Detection asks the sniffers in the order
below, most specific first, so that e.g. an Ovid tagged file (RIS-like tags but
no ``TY``) is not taken for RIS, and generic CSV comes last.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import cast

from mnr.errors import UnknownFormat
from mnr.formats.base import Reader
from mnr.records import ParsedRecord

# Most specific first; csv_table accepts almost any delimited text, so it is last.
_MODULES = [
    "endnote_xml",
    "crossref_json",
    "csl_json",
    "pop_json",
    "wos_text",
    "wos_tab",
    "ovid_tagged",
    "ovid_labelled",
    "medline",
    "ris",
    "bibtex",
    "csv_table",
]

__all__ = ["ParsedRecord", "Reader", "detect", "get_reader", "readers"]


def _load(module_name: str) -> ModuleType:
    return importlib.import_module(f"mnr.formats.{module_name}")


def readers() -> list[Reader]:
    """Every reader, in detection order."""
    return [cast(Reader, _load(name)) for name in _MODULES]


def get_reader(name: str) -> Reader:
    """The reader for a ``--format`` name; the error lists the names there are."""
    for reader in readers():
        if reader.NAME == name:
            return reader
    names = ", ".join(reader.NAME for reader in readers())
    raise UnknownFormat(f"there is no format called {name!r}; the formats are: {names}")


def detect(text: str) -> Reader:
    """The first reader whose sniffer accepts the text; UnknownFormat lists what was tried."""
    tried = []
    for reader in readers():
        if reader.sniff(text):
            return reader
        tried.append(f"{reader.NAME} ({reader.LABEL})")
    raise UnknownFormat(
        "the format was not recognised. Tried: "
        + "; ".join(tried)
        + ". If you know the format, name it with --format NAME."
    )
