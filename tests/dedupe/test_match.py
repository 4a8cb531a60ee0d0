"""The matching engine on pairs of real-looking records: duplicates, vetoes, review."""

from __future__ import annotations

from dataclasses import replace

from mnr.dedupe.match import DedupeRecord, Pair, find_pairs

TITLE = ("Chemical preconditioning by 3-nitropropionate reduces ischemia-reperfusion injury "
         "in cardiac-arrested rat lungs")
OTHER_TITLE = ("Ischemic preconditioning and intracellular pH: a 31P NMR study in the isolated "
               "rat heart")
MEDLINE = DedupeRecord(
    record_id=1,
    title=TITLE,
    authors=["Hirata T", "Fukuse T", "Ishikawa S", "Hanaoka S", "Chen Q", "Shoji T", "Wada H"],
    year=2001, journal="Transplantation", volume="71", issue="3", pages="352-9",
    doi="10.1097/00007890-200102150-00003", pmid="11233893", database="MEDLINE",
)
EMBASE = DedupeRecord(
    record_id=2,
    title='"Chemical preconditioning" by 3-nitropropionate reduces ischemia-reperfusion '
          "injury in cardiac-arrested rat lungs.",
    authors=["Hirata, T.", "Fukuse, T.", "Ishikawa, S.", "Hanaoka, S.", "Chen, Q."],
    year=2001, journal="Transplantation", volume="71", issue="3", pages="352-359",
    database="Embase",
)
OTHER = DedupeRecord(
    record_id=9,
    title=OTHER_TITLE,
    authors=["Cave A. C.", "Garlick P. B."], year=1997, journal="Am J Physiol", volume="272",
    issue="1", pages="H544-52", database="MEDLINE",
)


def verdict(a: DedupeRecord, b: DedupeRecord) -> Pair | None:
    """The pair find_pairs returns for two records (with a distinct third), or None."""
    pairs = [p for p in find_pairs([a, b, OTHER]) if {p.record_a, p.record_b} == {
        a.record_id, b.record_id}]
    return pairs[0] if pairs else None


def test_same_paper_from_two_databases() -> None:
    pair = verdict(MEDLINE, EMBASE)
    assert pair is not None and pair.verdict == "duplicate"
    assert pair.record_a == 1 and pair.record_b == 2
    assert "title" in pair.reason and "pages" in pair.reason


def test_same_doi_in_another_form() -> None:
    wos = replace(EMBASE, doi="https://doi.org/10.1097/00007890-200102150-00003")
    pair = verdict(MEDLINE, wos)
    assert pair is not None and pair.verdict == "duplicate" and pair.reason.startswith(
        "same DOI")


def test_abbreviated_journal_and_author_orders() -> None:
    a = replace(OTHER, record_id=3)
    b = replace(OTHER, record_id=4, authors=["Cave, Adrian C.", "Garlick, Pamela B."],
                journal="American Journal of Physiology - Heart and Circulatory Physiology",
                pages="H544-H552", title=OTHER_TITLE.upper())
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "duplicate"


def test_epub_and_print_years_one_apart() -> None:
    epub = replace(EMBASE, year=2000)
    pair = verdict(MEDLINE, epub)
    assert pair is not None and pair.verdict == "duplicate"
    assert "year ±1" in pair.reason


def test_article_number_against_pdf_pages() -> None:
    a = replace(EMBASE, pages="e0123456", doi=None)
    b = replace(MEDLINE, pages="1-12", doi=None)
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "duplicate"


def test_veto_different_dois() -> None:
    other = replace(EMBASE, doi="10.1097/00007890-200102150-00099", pages=None)
    assert verdict(MEDLINE, other) is None


def test_second_doi_with_the_full_citation_agreeing() -> None:
    # Springer gave old papers a second DOI ("bf..." and "s00..."): all else agrees
    a = replace(MEDLINE, doi="10.1007/bf00403296")
    b = replace(EMBASE, doi="10.1007/s001250050472")
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "duplicate" and "DOIs" in pair.reason


def test_veto_different_pages() -> None:
    a, b = replace(MEDLINE, doi=None), replace(EMBASE, pages="360-368")
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "review"  # all else agrees: a person looks
    assert "different pages" in pair.reason
    assert verdict(a, replace(b, title=TITLE + " (part of a series)", journal=None)) is None


def test_veto_different_volumes() -> None:
    a, b = replace(MEDLINE, doi=None), replace(EMBASE, volume="72", pages=None)
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "review"
    assert verdict(a, replace(b, year=2000)) is None


def test_erratum_is_a_related_report_never_a_duplicate() -> None:
    erratum = replace(EMBASE, title="Erratum: " + TITLE, pages=None, issue=None)
    pair = verdict(MEDLINE, erratum)
    assert pair is not None and pair.verdict == "related" and "erratum" in pair.reason
    elsewhere = replace(erratum, journal="Lung", authors=["Okada Y"])  # another paper's
    assert verdict(MEDLINE, elsewhere) is None


def test_comment_and_reply_are_related_reports() -> None:
    comment = replace(EMBASE, title="Comment on: " + TITLE, pages=None)
    reply = replace(EMBASE, title=TITLE + " - Reply", pages=None, authors=["Okada Y"])
    for notice in (comment, reply):
        pair = verdict(MEDLINE, notice)
        assert pair is not None and pair.verdict == "related"
        assert "comment or reply" in pair.reason


def test_veto_conference_abstract_against_article() -> None:
    abstract = replace(EMBASE, journal="Transplantation. Conference: 20th Annual Meeting",
                       volume=None, issue=None, pages=None)
    pair = verdict(replace(MEDLINE, doi=None), abstract)
    assert pair is None or pair.verdict == "review"


def test_veto_years_apart_without_identifier() -> None:
    later = replace(EMBASE, year=2004, volume=None, issue=None, pages=None)
    assert verdict(replace(MEDLINE, doi=None), later) is None


def test_veto_titles_differing_in_a_number() -> None:
    one = replace(MEDLINE, title="Long-term outcome of the PREVENT trial: part 1", doi=None,
                  pages=None)
    two = replace(EMBASE, title="Long-term outcome of the PREVENT trial: part 2", pages=None)
    pair = verdict(one, two)
    assert pair is None or pair.verdict == "review"  # never merged without a person
    assert verdict(replace(one, journal=None), replace(two, journal=None, volume=None)) is None


def test_borderline_pair_goes_to_review() -> None:
    # a near title, same authors and year, but nothing of the citation to confirm it
    a = replace(MEDLINE, doi=None, journal=None, volume=None, issue=None, pages=None,
                pmid=None)
    b = replace(EMBASE, title="Chemical preconditioning with 3-nitropropionate lessens the "
                "ischaemia-reperfusion injury in cardiac-arrested rat lung", journal=None,
                volume=None, issue=None, pages=None)
    pair = verdict(a, b)
    assert pair is not None and pair.verdict == "review"


def test_distinct_records_give_no_pairs() -> None:
    assert find_pairs([MEDLINE, OTHER]) == []
    assert find_pairs([MEDLINE]) == []


def test_cochrane_review_versions() -> None:
    base = DedupeRecord(
        record_id=5, title="Human insulin versus animal insulin in people with diabetes mellitus",
        authors=["Richter B.", "Neises G."], year=2002, journal="Cochrane Database Syst Rev",
        issue="3", pages="CD003816", doi="10.1002/14651858.CD003816")
    update = replace(base, record_id=6, year=2005, issue="1", pages=None,
                     doi="10.1002/14651858.CD003816.pub2")
    pair = verdict(base, update)
    assert pair is not None and pair.verdict == "duplicate" and "version" in pair.reason
    retitled = replace(update, title="Insulin analogues versus animal insulin for diabetes")
    pair = verdict(base, retitled)
    assert pair is None or pair.verdict == "review"


def test_issn_filed_as_isbn_is_read() -> None:
    from types import SimpleNamespace

    stored = SimpleNamespace(
        record_id=7, title="T", authors=[], year=2001, journal="J", volume=None, issue=None,
        pages=None, doi=None, pmid=None, issn=None, pub_type=None, database="Embase",
        isbn="0300-8428 (Print) 0300-8428 (Linking)")
    record = DedupeRecord.from_stored(stored)  # type: ignore[arg-type]
    assert record.issn == "0300-8428 (Print) 0300-8428 (Linking)"
