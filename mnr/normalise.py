"""Normalise bibliographic fields so that two exports of one paper compare equal.

Every function here is pure and cheap (deduplication runs them on 100,000
records): DOIs in their many forms, titles (case, accents, markup, bracketed
translations, "[Review] [33 refs]" noise), author names in any order or glued
together without separators, journal names (ISO abbreviations against full
titles), page ranges ("590-5" is "590-595", Excel's "Oct-15" is "10-15"),
volumes, and the flags that mark errata, comments and conference abstracts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

# -- text ---------------------------------------------------------------------------

_GREEK = str.maketrans({
    "α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "ε": " epsilon ",
    "κ": " kappa ", "λ": " lambda ", "μ": " mu ", "ω": " omega ", "σ": " sigma ",
    "τ": " tau ", "θ": " theta ", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
    "ł": "l", "Ł": "L", "đ": "d", "ı": "i", "œ": "oe", "–": "-", "—": "-", "’": "'",
})
# fold's output is ASCII: byte tables keep a-z and 0-9 (or only a-z) in one C pass, half
# the cost of a regex substitution on each of a dedupe pass's 100,000 titles and names
_TO_SPACE = bytes(c if c in b"abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))
_NOT_LETTER = bytes(c for c in range(256) if c not in b"abcdefghijklmnopqrstuvwxyz")
_TAG = re.compile(r"<[^>]{1,200}>")


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped ("Müller" -> "muller"), Greek letters spelt out."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_GREEK))
        text = text.encode("ascii", "ignore").decode("ascii")
    return text.lower()


def words(text: str) -> str:
    """Folded text with every run of punctuation or space turned into one space."""
    return b" ".join(fold(text).encode("ascii").translate(_TO_SPACE).split()).decode("ascii")


# -- DOI ----------------------------------------------------------------------------

_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalise_doi(value: str | None) -> str | None:
    """A bare lower-case DOI from "doi:10..", "https://doi.org/10..", "..%2F..", "10.. [doi]"."""
    if not value:
        return None
    text = unquote(value).lower() if "%" in value else value.lower()
    match = _DOI.search(text)
    if not match:
        return None
    # trailing punctuation and " [doi]" are not part of the DOI
    return match.group(0).rstrip(".,;:)]}>'\"")


_VERSION = re.compile(r"\.pub\d+$")


_COCHRANE = re.compile(r"\bcd(\d{6})\b", re.I)


def cochrane_id(*values: str | None) -> str | None:
    """A Cochrane review's number ("CD007845") from its DOI or its pages field."""
    for value in values:
        if value:
            match = _COCHRANE.search(value)
            if match:
                return "cd" + match.group(1)
    return None


def doi_family(doi: str | None) -> str | None:
    """A DOI without its version: Cochrane updates a review under one CD number
    ("10.1002/14651858.cd007845.pub3" is a version of "...cd007845")."""
    return _VERSION.sub("", doi) if doi and ".pub" in doi else doi


# -- titles -------------------------------------------------------------------------

_TITLE_NOISE = re.compile(
    r"\s*\[(?:review|\d+ refs?|abstract[^\]]*|see comments?|editorial|letter)\]"  # MEDLINE tags
    r"|\s*[\[(](?:erratum|corrected and republished|comment)(?: appears)? in\b.*$"  # notes
    r"|\W*\[(?:corrected|published erratum)\b.*$"
    r"|\s*\(reprinted (?:from|in)\b[^)]*\)?\s*$"
    r"|\s*\(multiple letters\)|\s*\[\d{1,2}\]\s*$"  # "... (multiple letters) [1]"
    # an erratum's note of the paper it corrects: "(vol 142, pg 310, 2003)", Embase's
    # "(New England Journal of Medicine (2009) 360 (542-544))"
    r"|\s*\((?:vol|volume)\.? \d+,? (?:pg?|page)?\.? ?\w+[^)]*\)\s*$"
    r"|\s*\([^()]{3,120}\((?:19|20)\d\d\)[^()]*(?:\([^()]*\))?[^()]*\)\s*$",
    re.IGNORECASE,
)
# MEDLINE's citation of the paper written into a letter's title:
# "... syndrome... N Engl J Med. 2009 Jan 29;360(5):544-6"
_CITATION_TAIL = re.compile(
    r"\s*\.{1,3}\s+[A-Z][\w .&-]{2,80}?\.\s+(?:19|20)\d\d(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?"
    r";\s*\d+(?:\([\w -]+\))?:\s*[\w-]+\.?\s*$")
# "<ORIGINAL> NEOADJUVANTE CHEMOTHERAPIE ...": the title in its first language appended
_ORIGINAL = re.compile(r"\s*<original>.*$", re.I | re.S)
# a notice's prefix: "Erratum: Title", "Correction to 'Title'", "Reprint of: Title"
_NOTICE_PREFIX = re.compile(
    r"^\W*(?:errat(?:um|a)|corrigend(?:um|a)|correction(?: notice)?|retraction(?: note)?"
    r"|reprint|summary)(?: to| of| for)?\s*(?:[:.-]\s*|\s+(?=['\"‘“]))\W*", re.I)
_LANGUAGES = (
    "english|french|german|spanish|italian|portuguese|russian|chinese|japanese|polish|czech"
    "|dutch|hungarian|turkish|korean|swedish|danish|norwegian|finnish|greek|hebrew|croatian"
    "|serbian|slovak|slovenian|romanian|bulgarian|ukrainian|persian|arabic|lithuanian"
    "|author's transl|authors' transl|abstract|review|editorial"
)
_LANGUAGE_TAIL = re.compile(
    rf"\s*(?:[\[(](?:in )?(?:{_LANGUAGES})(?:[ ,;&/]+(?:and )?(?:{_LANGUAGES}))*\.?[\])]"
    rf"|\.\s+(?:{_LANGUAGES})\.?)\s*\.?\s*$",
    re.IGNORECASE,
)
# Embase's "English title. Italian Titolo originale": the title in its first language
# after the name of that language
_LANGUAGE_NAMES = "|".join(
    name.capitalize() for name in _LANGUAGES.split("|")
    if name.isalpha() and name not in ("abstract", "review", "editorial"))
_ORIGINAL_TITLE = re.compile(rf"[.?!]\s+(?:{_LANGUAGE_NAMES})\s+[A-Z\u00bf\u00a1\"'(\[].*$", re.S)
# "RETRACTED ARTICLE: ..." and "WITHDRAWN: ..." are the article itself, marked later.
_MARK_PREFIX = re.compile(r"^(?:retracted(?: article)?|withdrawn|reprint)\s*[:.]\s*", re.I)
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "first": "1", "second": "2",
    "third": "3",
}
_AFTER_PART = re.compile(r"\b(part|phase|type|study|stage|grade|class|trial) i\b")
_NUMBERS = {**_ROMAN, **_NUMBER_WORDS}


def _strip_tags(text: str) -> str:
    """Drop "[Review] [33 refs]", "[Spanish]", ". Russian" and erratum notes at the end."""
    for _ in range(3):  # "[Title]. [Spanish] [Review] [33 refs]": tags stack
        head, tail = text[:-120], text[-120:]
        stripped = _TITLE_NOISE.sub("", tail) if "[" in tail or "(" in tail else tail
        stripped = _LANGUAGE_TAIL.sub("", stripped)
        if stripped == tail:
            break
        text = head + stripped
    return text


_FOOTNOTE = re.compile(r"<sup>[\d,*\s\u2020\u2021-]+</sup>\W*$", re.I)  # "Title<sup>1-3</sup>"


def _first_unclosed(text: str) -> int:
    """Where the first "(" that is never closed stands (-1 if none)."""
    opened: list[int] = []
    for k, char in enumerate(text):
        if char == "(":
            opened.append(k)
        elif char == ")" and opened:
            opened.pop()
    return opened[0] if opened else -1


def normalise_title(title: str | None) -> str:
    """Title as folded words: no markup, tags, language notes or translation brackets.

    "[Treatment of depression]. [German]" and "Treatment of Depression" become the
    same string; roman numerals and number words become digits so that "Part II"
    and "part 2" agree (and "part 1" vs "part 2" stays visible to the rules).
    """
    if not title or title.startswith("#NAME"):  # Excel's formula error, no title
        return ""
    text = title
    if "<" in text:
        text = _TAG.sub(" ", _FOOTNOTE.sub("", _ORIGINAL.sub("", text)))
    if "&" in text:
        text = html.unescape(text)
    if "[" in text or "(" in text or ". " in text[-40:]:
        text = _strip_tags(text)
    if ";" in text[-30:]:
        text = _CITATION_TAIL.sub("", text)
    if len(text) > 40 and (". " in text or "? " in text or "! " in text):
        original = _ORIGINAL_TITLE.search(text, 20)
        if original:
            text = text[:original.start() + 1]
    if text.count("(") > text.count(")") and len(text) > 150:
        # a title cut at 200 characters inside a note: "... syndrome (The Journal of Pe"
        cut = _first_unclosed(text)
        text = text[:cut] if cut > len(text) // 2 else text
    text = text.strip().rstrip(".").strip()
    if text[:1] in "EeCcRrSs" or not text[:1].isalnum():
        text = _NOTICE_PREFIX.sub("", text) or text
    if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        text = text[1:-1]  # MEDLINE's translated title: "[Title in English]"
    if text[:1] in "RrWw":
        text = _MARK_PREFIX.sub("", text)
    text = words(text.replace("&", " and "))
    if " i " in text or text.endswith(" i"):
        text = _AFTER_PART.sub(r"\1 1", text)
    return _digits(text)


def _digits(text: str) -> str:
    """Roman numerals and number words as digits, in ``words`` output (single-spaced
    words: a whole word is a word between spaces)."""
    tokens = text.split(" ")
    if _NUMBERS.keys().isdisjoint(tokens):
        return text
    return " ".join([_NUMBERS.get(token, token) for token in tokens])


ERRATUM, COMMENT, RETRACTION, REPRINT = 1, 2, 4, 8
_ERRATUM = re.compile(
    r"^\W*(?:errat(?:um|a)|corrigend(?:um|a)|(?:author|publisher)(?:'?s)? (?:correction|note)"
    r"|correction(?:s)?(?: notice)?\s*(?:to\b|:|\.|$)|notice of correction)"
    r"|\((?:vol|volume)\.? \d+,? (?:pg?|page)\.? \w+[^)]*\)\s*$"  # WoS correction notices
    r"|\((?:vol|volume)\.? \d+,? \w+,? (?:19|20)\d\d\)\s*$"  # "(VOL 4 170633 2017)"
    # Embase's "Title (New England Journal of Medicine (2009) 360 (542-544))"
    r"|\([^()]{3,120}\((?:19|20)\d\d\)[^()]*(?:\([^()]*\))?[^()]*\)\s*$",
    re.I)
# a paper printed again, or summarised, in another issue or journal: "Reprint of: Title"
_REPRINT = re.compile(r"^\W*(?:reprint|summary) of\s*[:'\"\u2018\u201c]", re.I)
_COMMENT = re.compile(
    r"^\W*(?:comments?\b|commentary\b|reply\b|replies\b|in reply\b|re\s*:|response to\b"
    r"|authors?'? (?:reply|response)|letter to the editor\b|in response\b)"
    r"|\b(?:authors?'? reply|reply to\b|comment on\b|commentary on\b)"
    r"|[-:.;]\s*(?:reply|response|a reply|authors?'? (?:reply|response))\W*$", re.I)
_RETRACTION = re.compile(
    r"^\W*(?:retraction(?: note| notice)?\s*(?:to\b|of\b|:|\.|$)|notice of retraction"
    r"|expression of concern|withdrawal(?: notice)?\s*:)", re.I)


_FLAG_WORDS = ("errat", "corrig", "correction", "note", "comment", "repl", "re:", "response",
               "letter", "retract", "concern", "withdraw", "(vol", "reprint", "summary", "))",
               "(19", "(20")


# function words that tell an English title from one in another European language
_ENGLISH_WORDS = frozenset("the of and in on for with to from by an is are at as".split())
_OTHER_WORDS = frozenset(
    "der die das und des zum zur fur von mit im den dem ein eine auf bei aus uber "
    "la le les et du une pour sur dans au aux el los las y del con por para una "
    "di della il per che het een op och av med".split())


@lru_cache(maxsize=10_000)
def title_language(normalised: str) -> str:
    """"en" for an English title, "other" for one in another European language (German,
    French, Spanish, Italian, Dutch, Scandinavian), "" when its few words do not say."""
    tokens = normalised.split()
    english = sum(t in _ENGLISH_WORDS for t in tokens)
    other = sum(t in _OTHER_WORDS for t in tokens)
    if other >= 2 and other > english:
        return "other"
    return "en" if english >= 1 and english > other else ""


def title_flags(title: str | None) -> int:
    """Bits for notices that are not the paper itself: erratum, comment/reply, retraction,
    reprint (or summary).

    An erratum, a reply or a retraction notice repeats the title of the paper it
    concerns; a librarian never merges it with that paper.
    """
    if not title:
        return 0
    lower = title.lower()
    for word in _FLAG_WORDS:  # a loop, not any(): this runs on every title of a pass
        if word in lower:
            break
    else:
        return 0
    flags = 0
    if _ERRATUM.search(title):
        flags |= ERRATUM
    if _COMMENT.search(title):
        flags |= COMMENT
    if _RETRACTION.search(title):
        flags |= RETRACTION
    if _REPRINT.search(title):
        flags |= REPRINT
    return flags


_DIGITS = re.compile(r"\d+")


def title_numbers(normalised: str) -> tuple[str, ...]:
    """The numbers in a normalised title ("part 2", "10 year follow up"), sorted."""
    return tuple(sorted(_DIGITS.findall(normalised.replace(" ", ""))))


# -- authors ------------------------------------------------------------------------

_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "le",
                        "la", "dos", "das", "du", "ter", "ten", "vom", "zu", "st", "el", "al"})
_INITIALS = re.compile(r"(?:-?[A-Z](?:[a-z]?\.)?){1,4}")
# "LucasM.MirzaeiF.O'ReillyE.J." (Embase/Ovid) and "Kraemer BerndGruber Oliver" (WoS)
_GLUED_DOTS = re.compile(r"(?<=\.)(?=[A-Z][a-z'])")
_GLUED_WORDS = re.compile(r"(?<=[a-z])(?<!Mc)(?<!Mac)(?=[A-Z][\w'\-]*[a-z][\w'\-]*\s)"
                          r"|(?<=\s[A-Z])(?=[A-Z][a-z]+\s)|(?<=\s[A-Z]{2})(?=[A-Z][a-z]+\s)")
_TRAILING_INITIALS = re.compile(r"(?<=[a-z'])(?:-?[A-Z][a-z]?\.-?)+$|(?<=[a-z])[A-Z]{1,3}$")
_ORGANISATION = re.compile(r"\b(?:group|collaborat|consortium|investigators|committee|"
                           r"society|association|council|agency|organi[sz]ation|team)", re.I)


def split_glued(author: str, limit: int = 300) -> list[str]:
    """Split one string that holds several authors glued together without separators
    (only its first ``limit`` characters: matching needs the first few authors)."""
    if len(author) < 12 or "," in author:
        return [author]
    if len(author) > limit:
        author = author[:limit]
    # Both patterns match between two characters, never at either end: a string they
    # split in two or more holds a match (one scan, not a search and then a split).
    parts: list[str] = _GLUED_DOTS.split(author) if author.count(".") >= 2 else []
    if len(parts) < 2 and " " in author:
        parts = _GLUED_WORDS.split(author)
    if len(parts) < 2:
        return [author]
    return [p for p in parts if p.strip()]


def _squash(text: str) -> str:
    """Only the letters of the folded text."""
    return fold(text).encode("ascii").translate(None, _NOT_LETTER).decode("ascii")


@lru_cache(maxsize=200_000)
def surname(author: str) -> str:
    """A surname key for one name in any order: "Kloner R. A.", "Kloner, Robert", "R A Kloner".

    Particles are kept glued to the name ("Van Winkle" -> "vanwinkle") so that
    the key is one word; hyphens, accents and apostrophes go ("O'Reilly" -> "oreilly").
    """
    text = author.strip()
    if _ORGANISATION.search(text):
        return _squash(text)[:30]
    if "," in text:
        return _squash(text.split(",", 1)[0])
    tokens = text.split()
    if len(tokens) == 1:
        return _squash(_TRAILING_INITIALS.sub("", tokens[0]) or tokens[0])
    initial = [bool(_INITIALS.fullmatch(t)) for t in tokens]
    if initial[-1] and not initial[0]:  # "Te Lintel Hekkert M." / "Kloner R. A."
        name = [t for t, i in zip(tokens, initial, strict=True) if not i]
    elif initial[0] and not initial[-1]:  # "R. A. Kloner"
        name = [t for t, i in zip(tokens, initial, strict=True) if not i]
    elif any(initial[1:-1]):  # "Robert A Kloner": first name, middle initial, surname
        name = tokens[-1:]
    elif fold(tokens[0]) in _PARTICLES:  # "van der Berg"
        name = tokens
    else:  # "Sanadgol Nima" or "Chaoqun Deng": order unknown, the first word is the
        name = tokens[:1]  # convention of the exports that drop commas (WoS, Embase)
    return _squash(" ".join(name))


def author_names(authors: list[str], limit: int = 8) -> list[str]:
    """Surname keys of the first ``limit`` authors, splitting glued author strings."""
    names: list[str] = []
    for author in authors:
        for part in split_glued(author):
            key = surname(part)
            if key and key not in ("anonymous", "anon", "na"):
                names.append(key)
                if len(names) >= limit:
                    return names
    return names


def first_author_match(a: str, b: str) -> bool:
    """Two first-author surname keys name the same person's surname.

    Equal, or one ends or starts the other ("vanwinkle"/"winkle", "garcialopez"/
    "garcia"), or one letter apart in a long name (transliteration, typos).
    """
    if a == b:
        return True
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and (long.startswith(short) or long.endswith(short)):
        return True
    if len(short) >= 6 and abs(len(a) - len(b)) <= 1:
        from rapidfuzz.distance import Levenshtein

        return Levenshtein.distance(a, b) <= 1
    return False


# -- journals -----------------------------------------------------------------------

_JOURNAL_STOP = frozenset({"of", "the", "and", "for", "in", "on", "de", "la", "le", "et",
                           "der", "die", "und", "fur", "du", "des", "d", "l", "y", "i"})
_JOURNAL_CUT = re.compile(r"\.\s*\d|\s*\(pp\b|\.conference\b|\. date of\b|\s[|=]\s", re.I)
_JOURNAL_TAIL = re.compile(r"\s*[\[(][^\])]*[\])]\s*$")
# a proceedings' year before its name, its volumes after: "2007 International Conference
# on X", "INTERNATIONAL CONFERENCE ON X, VOLS 1-3"
_PROCEEDINGS_YEAR = re.compile(r"^\s*(?:19|20)\d\d\s+(?=\D)")
_PROCEEDINGS_VOLUMES = re.compile(r"[\s,;.]+(?:vols?|volumes?|pts?)\.?\s*[\d\s,&-]+$", re.I)
# an acronym before a colon names the venue: "ICIS : Transforming Society ..."
_ACRONYM_HEAD = re.compile(r"^\s*([A-Z]{3,8})\s*:\s*\S")


@lru_cache(maxsize=100_000)
def normalise_journal(journal: str | None) -> str:
    """Journal words without stop words, volume tails ("Neuroscience.261 ()(pp 11-22)"),
    subtitles, "(London, England)" and "[Electronic Resource]", a proceedings' year and
    volumes; a venue's acronym alone where it heads the name ("ICIS: Theme")."""
    if not journal:
        return ""
    acronym = _ACRONYM_HEAD.match(journal)
    if acronym:
        return acronym.group(1).lower()
    text = _PROCEEDINGS_YEAR.sub("", journal)
    cut = _JOURNAL_CUT.search(text)
    if cut and cut.start() > 3:
        text = text[: cut.start()]
    for _ in range(2):
        text = _JOURNAL_TAIL.sub("", text)
    text = _PROCEEDINGS_VOLUMES.sub("", text)
    head, colon, _ = text.partition(":")
    if colon and len(head.split()) >= 2:  # "Journal of X: official journal of the Y"
        text = head
    text = text.replace("&", " ").replace("'", "").replace("\u2019", "")
    tokens = [t for t in words(text).split() if t not in _JOURNAL_STOP]
    return " ".join(tokens)


def journal_initials(normalised: str) -> str:
    """First letters of the words: "j am coll cardiol" and "journal american college
    cardiology" both give "jacc" (a blocking key)."""
    return "".join(t[0] for t in normalised.split())


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is an abbreviation of ``long``: same first letter, letters in order."""
    if short[0] != long[0] or len(short) > len(long):
        return False
    pos = 0
    for char in short:
        pos = long.find(char, pos) + 1
        if pos == 0:
            return False
    return True


@lru_cache(maxsize=200_000)
def journal_similarity(a: str, b: str) -> float:
    """1.0 when two normalised journal names name the same journal, else a ratio.

    An ISO abbreviation keeps each word's first letter and some of its letters in
    order ("j am coll cardiol" / "journal american college cardiology"); an acronym
    keeps the initials ("bmj" / "british medical journal").
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if len(ta) == len(tb) and all(_abbreviates(x, y) or _abbreviates(y, x)
                                  for x, y in zip(ta, tb, strict=True)):
        return 1.0
    short, long = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    if short and (len(short) >= 2 or len(short[0]) >= 4) and all(
            _abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(short, long[:len(short)],
                                                                     strict=True)):
        # the same journal without its section or subtitle: "Am J Physiol" for
        # "American Journal of Physiology - Heart and Circulatory Physiology"
        return 0.9
    if (len(ta) == 1 and ta[0] == journal_initials(b)) or (
            len(tb) == 1 and tb[0] == journal_initials(a)):
        return 0.95
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100


# -- ISSN, volume, pages ------------------------------------------------------------

_ISSN = re.compile(r"(?<![\dX-])(\d{4})-?(\d{3}[\dXx])(?![\dX])")


@lru_cache(maxsize=100_000)
def issns(*values: str | None) -> frozenset[str]:
    """Every ISSN ("0300-8428") found in the fields given (ISSN, or an SN field of ISBN)."""
    found: set[str] = set()
    for value in values:
        if value and len(value) < 200:
            found.update(f"{a}-{b.upper()}" for a, b in _ISSN.findall(value))
    return frozenset(found)


_FIRST_NUMBER = re.compile(r"\d+")


def volume_number(volume: str | None) -> str | None:
    """The volume's number: "88 Suppl 1" -> "88", "Vol. 12" -> "12"; None if none."""
    if not volume:
        return None
    if ")" in volume and "(" not in volume:  # "1)": the tail of a split "55 (Suppl 1)"
        return None
    match = _FIRST_NUMBER.search(volume)
    return match.group(0).lstrip("0") or "0" if match else None


_MONTHS = {m: str(i) for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_EXCEL = re.compile(r"^(\d{1,4})-([a-z]{3})$|^([a-z]{3})-(\d{1,4})$", re.I)
_PAGE = re.compile(r"^[a-z]{0,3}(\d+)$", re.I)


def page_range(pages: str | None, year: int | None = None) -> tuple[int | None, int | None]:
    """(first, last) page numbers: "590-5" -> (590, 595), "e123" -> (123, 123).

    Letters before a number ("e", "S", "A", "R") and leading zeros are dropped;
    Excel's damage ("Oct-15" for "10-15") is undone. A part that is not a page
    ("Suppl-4") is None, and so is a "page" that is the record's year (misfiled).
    """
    if not pages:
        return None, None
    text = pages.strip().strip('"').replace(" ", "")[:40]
    excel = _EXCEL.match(text)
    if excel:
        a, month, month2, b = excel.groups()
        if month and month.lower() in _MONTHS:
            text = f"{a}-{_MONTHS[month.lower()]}"
        elif month2 and month2.lower() in _MONTHS:
            text = f"{_MONTHS[month2.lower()]}-{b}"
    head, _, tail = text.partition("-")
    start = _PAGE.match(head)
    first = int(start.group(1)[:9]) if start else None
    if first is not None and year and first == year and not tail:
        return None, None
    end = _PAGE.match(tail) if tail else None
    if not end:
        return first, first if not tail else None
    digits = end.group(1)[:9]
    if start and len(digits) < len(start.group(1)):  # "590-5": the end keeps the leading digits
        digits = start.group(1)[: len(start.group(1)) - len(digits)] + digits
    return first, int(digits)


_ARTICLE_NUMBER = re.compile(r"e\d+$|\d{5,}$|cd\d+$|r\d+$")


def is_article_number(pages: str | None) -> bool:
    """An electronic article number ("e0123456", "123456", "R30") rather than a page range."""
    if not pages:
        return False
    text = pages.strip().lower()
    return "-" not in text and bool(_ARTICLE_NUMBER.match(text))


_VOLUME_ISSUE = re.compile(r"^\s*(\d+)?\s*\(([^()]+)\)")


def unshift_citation(volume: str | None, issue: str | None, pages: str | None
                     ) -> tuple[str | None, str | None, str | None]:  # fmt: skip
    """Undo Embase's shifted columns: volume "14 (12) (no pagination)" holds volume and
    issue, and the issue column then holds the article number ("e0226300"); an issue
    "pp 29" holds the pages (and the pages column the year)."""
    if issue and issue.startswith("pp "):
        return volume, None, issue[3:]
    match = _VOLUME_ISSUE.match(volume) if volume else None
    if not match:
        return volume, issue, pages
    return match.group(1), match.group(2), pages or issue


# Embase puts the citation in the journal field: "Neuroscience.261 ()(pp 11-22) 2014.Date..."
_EMBEDDED_VOLUME = re.compile(r"\.(\d+)\s*\(")
_EMBEDDED_PAGES = re.compile(r"\(pp ([^)]+)\)|Article Number: ([^.]+)\.")


def embedded_citation(journal: str | None) -> tuple[str | None, str | None]:
    """(volume, pages) written into a journal field by Embase, else (None, None)."""
    if not journal or "(" not in journal:
        return None, None
    volume = _EMBEDDED_VOLUME.search(journal)
    pages = _EMBEDDED_PAGES.search(journal)
    return (volume.group(1) if volume else None,
            (pages.group(1) or pages.group(2)).strip() if pages else None)


_SUPPLEMENT = re.compile(r"suppl|^s\d", re.I)
_MEETING = re.compile(r"\b(?:conference|congress|meeting|symposium|abstracts?)\b", re.I)
_MEETING_TYPE = re.compile(r"proceedings|conference|meeting|abstract|congress", re.I)
_ABSTRACT_PAGE = re.compile(r"^[SA]?\d+$|abstract", re.I)


@lru_cache(maxsize=100_000)
def _meeting(pub_type: str | None, journal: str | None) -> bool:
    """Typed as a meeting's paper, or printed in a meeting's proceedings (cached: a
    library holds a few thousand journals and types over 100,000 records)."""
    return bool((pub_type and _MEETING_TYPE.search(pub_type))
                or (journal and _MEETING.search(journal)))


def is_conference_abstract(pub_type: str | None, journal: str | None, volume: str | None,
                           issue: str | None, pages: str | None) -> bool:
    """A meeting abstract: typed so, printed in a meeting's proceedings, or one page of a
    journal supplement ("Diabetes 66 Suppl 1, A51"). A supplement article spanning pages
    is an article."""
    if _meeting(pub_type, journal):
        return True
    supplement = bool((volume and _SUPPLEMENT.search(volume))
                      or (issue and _SUPPLEMENT.search(issue))
                      or (pages and _SUPPLEMENT.search(pages)))
    return supplement and (not pages or bool(_ABSTRACT_PAGE.search(pages.strip())))
