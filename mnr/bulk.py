"""Helpers for bulk work over many records (imports of 100,000 records, dedupe passes)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk work runs.

    Parsed records and matching features are acyclic, so reference counting
    frees them; the collector would only rescan millions of new objects (5% of
    an import's time, a third of a dedupe pass's).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
