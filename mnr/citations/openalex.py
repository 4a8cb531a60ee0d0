"""OpenAlex over HTTP for `mnr chase`: a polite fetcher, an on-disk cache, the work object.

Only `mnr chase` goes online, and only through a ``Fetcher``: a URL in, parsed JSON
out (None when OpenAlex answers 404, a DOI it does not know). ``HttpFetcher`` is
the real one (standard library only): it names mnr and a contact address as
OpenAlex's polite pool asks, makes at most five requests a second, and backs off
and retries on 429 and 5xx. ``CachedFetcher`` keeps every answer under
library/cache/openalex/ keyed by the sha256 of the URL, which carries neither the
address nor an API key, so a rerun (or a run cut short and started again) makes
no request it made before.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from mnr import __version__
from mnr.errors import MnrError
from mnr.normalise import normalise_doi

API = "https://api.openalex.org"
# what a candidate needs; a seed also needs its references
FIELDS = ("id,doi,title,display_name,publication_year,authorships,primary_location,biblio,"
          "abstract_inverted_index")
SEED_FIELDS = FIELDS + ",referenced_works"
PER_PAGE = 100  # results a page of citing works (older docs allow 200, newer say 100)
MAX_IDS = 50  # OpenAlex ids OR-ed in one filter
RETRY = frozenset({429, 500, 502, 503, 504})
API_KEY_VARIABLE = "OPENALEX_API_KEY"


class Fetcher(Protocol):
    """A URL to its parsed JSON; None when there is no such thing (HTTP 404)."""

    def __call__(self, url: str) -> Any: ...


def work_url(doi: str) -> str:
    """The work with this DOI (a free singleton request)."""
    return f"{API}/works/doi:{quote(doi, safe='/():;')}?select={SEED_FIELDS}"


def citing_url(openalex_id: str, cursor: str = "*") -> str:
    """A page of the works citing ``openalex_id`` (cursor paging: "*" is the first)."""
    return (f"{API}/works?filter=cites:{openalex_id}&per-page={PER_PAGE}&select={FIELDS}"
            f"&cursor={quote(cursor, safe='*')}")


def ids_url(ids: list[str]) -> str:
    """Up to ``MAX_IDS`` works by their OpenAlex ids."""
    return f"{API}/works?filter=openalex:{'|'.join(ids)}&per-page={MAX_IDS}&select={FIELDS}"


def citing(fetch: Fetcher, openalex_id: str) -> list[dict[str, Any]]:
    """Every work citing ``openalex_id``, page after page until the cursor runs out."""
    found: list[dict[str, Any]] = []
    cursor: str | None = "*"
    while cursor:
        page = fetch(citing_url(openalex_id, cursor)) or {}
        results = page.get("results") or []
        found += results
        cursor = (page.get("meta") or {}).get("next_cursor") if results else None
    return found


def by_ids(fetch: Fetcher, ids: list[str]) -> list[dict[str, Any]]:
    """The works with these OpenAlex ids, ``MAX_IDS`` a request, in sorted batches."""
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    for at in range(0, len(wanted), MAX_IDS):
        found += (fetch(ids_url(wanted[at:at + MAX_IDS])) or {}).get("results") or []
    return found


@dataclass(frozen=True, slots=True)
class OpenAlexWork:
    """The parts of an OpenAlex work object that a RIS record and matching need."""

    id: str  # "W2741809807"
    doi: str | None = None  # bare, lower case
    title: str | None = None
    year: int | None = None
    authors: list[str] = field(default_factory=list)  # "Kamada, Tomihisa"
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    abstract: str | None = None
    references: list[str] = field(default_factory=list)  # OpenAlex ids

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> OpenAlexWork:
        """From the JSON; any part may be missing or null."""
        biblio = data.get("biblio") or {}
        source = (data.get("primary_location") or {}).get("source") or {}
        authors = [((a or {}).get("author") or {}).get("display_name")
                   for a in data.get("authorships") or []]
        year = data.get("publication_year")
        return cls(
            short_id(data.get("id") or ""), normalise_doi(data.get("doi")),
            _text(data.get("title") or data.get("display_name")),
            year if isinstance(year, int) else None, [family_first(a) for a in authors if a],
            _text(source.get("display_name")), _text(biblio.get("volume")),
            _text(biblio.get("issue")), _text(biblio.get("first_page")),
            _text(biblio.get("last_page")), abstract(data.get("abstract_inverted_index")),
            [short_id(r) for r in data.get("referenced_works") or [] if r])


_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du",
                        "dos", "das", "le", "la", "ter", "ten", "bin", "ibn", "al", "el"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def family_first(name: str) -> str:
    """"Kamada, Tomihisa" from OpenAlex's "Tomihisa Kamada": RIS order, and the order
    mnr's matching reads without guessing ("Ludwig van Beethoven": "van Beethoven, Ludwig";
    "Martin King Jr.": "King, Martin, Jr.")."""
    words = name.split()
    if "," in name or len(words) < 2:
        return " ".join(words)
    suffix = words.pop() if words[-1].lower() in _SUFFIXES and len(words) > 2 else None
    at = len(words) - 1
    while at > 1 and words[at - 1].lower() in _PARTICLES:
        at -= 1
    family = " ".join(words[at:]) + ", " + " ".join(words[:at])
    return family + (f", {suffix}" if suffix else "")


def short_id(openalex_id: str) -> str:
    """"W2741809807" from "https://openalex.org/W2741809807"."""
    return openalex_id.rstrip("/").rsplit("/", 1)[-1]


def abstract(inverted: Mapping[str, list[int]] | None) -> str | None:
    """The abstract's text from OpenAlex's inverted index (word -> positions)."""
    if not inverted:
        return None
    at = {p: word for word, places in inverted.items() for p in places or []}
    return " ".join(at[p] for p in sorted(at)) or None


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


Opener = Callable[..., Any]  # urllib.request.urlopen's signature: (request, timeout=...)


class HttpFetcher:
    """OpenAlex over urllib: polite (mailto, User-Agent), rate-limited, retrying."""

    def __init__(self, mailto: str, *, api_key: str | None = None, timeout: float = 30.0,
                 per_second: float = 5.0, attempts: int = 4,
                 opener: Opener = urllib.request.urlopen,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.mailto, self.api_key, self.timeout = mailto, api_key, timeout
        self.interval, self.attempts = 1.0 / per_second, attempts
        self.opener, self.sleep, self.clock = opener, sleep, clock
        self.requests = 0
        self._last: float | None = None

    def __call__(self, url: str) -> Any:
        params = {"mailto": self.mailto} | ({"api_key": self.api_key} if self.api_key else {})
        request = urllib.request.Request(
            url + ("&" if "?" in url else "?") + urlencode(params),
            headers={"User-Agent": f"mnr/{__version__} (mailto:{self.mailto})",
                     "Accept": "application/json"})
        for attempt in range(1, self.attempts + 1):
            self._wait()
            try:
                with self.opener(request, timeout=self.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    return None
                if error.code in RETRY and attempt < self.attempts:
                    self.sleep(_backoff(error.headers, attempt))
                    continue
                raise MnrError(_refused(error.code, url)) from None
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", None) or error
                raise MnrError(f"could not reach OpenAlex ({reason}); everything else in mnr "
                               "works offline") from None
            try:
                return json.loads(body)
            except ValueError:
                raise MnrError(f"OpenAlex answered {url} with something other than JSON; "
                               "try again later") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self) -> None:
        """At most ``per_second`` requests a second."""
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self.sleep(self.interval - (now - self._last))
            now = self.clock()
        self._last = now
        self.requests += 1


def _backoff(headers: Message | None, attempt: int) -> float:
    """Retry-After when OpenAlex gives seconds, else 1, 2, 4 ... seconds (at most 60)."""
    after = headers.get("Retry-After") if headers is not None else None
    if after and after.strip().isdigit():
        return min(float(after), 60.0)
    return min(2.0 ** (attempt - 1), 60.0)


def _refused(code: int, url: str) -> str:
    if code == 429:
        return ("OpenAlex is limiting requests (HTTP 429): the day's allowance may be used up. "
                f"Try again later, or with an API key in {API_KEY_VARIABLE}; answers received "
                "so far are cached, so a rerun goes on from where this one stopped")
    if code in (401, 403):
        return (f"OpenAlex refused the request (HTTP {code}) for {url}; it may want an API "
                f"key: set {API_KEY_VARIABLE}")
    return f"OpenAlex answered HTTP {code} for {url}; try again later"


class CachedFetcher:
    """Answers kept as files (<sha256 of the URL>.json); ``refresh`` asks again."""

    def __init__(self, fetch: Fetcher, directory: Path, refresh: bool = False) -> None:
        self.fetch, self.directory, self.refresh = fetch, directory, refresh
        self.hits = self.misses = 0

    def path(self, url: str) -> Path:
        return self.directory / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}.json"

    def __call__(self, url: str) -> Any:
        path = self.path(url)
        if not self.refresh and path.is_file():
            try:
                data = json.loads(path.read_text("utf-8"))
            except ValueError:
                pass  # a damaged file: ask again
            else:
                self.hits += 1
                return data
        data = self.fetch(url)
        self.misses += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        partial.replace(path)
        return data
