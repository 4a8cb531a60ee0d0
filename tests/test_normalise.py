"""Normalisers for matching: the forms real exports give the same field in."""

from __future__ import annotations

import pytest

from mnr import normalise as nz


@pytest.mark.parametrize("value", [
    "10.1097/00007890-200102150-00003",
    "doi:10.1097/00007890-200102150-00003",
    "https://doi.org/10.1097/00007890-200102150-00003",
    "http://dx.doi.org/10.1097/00007890-200102150-00003.",
    "10.1097/00007890-200102150-00003 [doi]",
    "DOI: 10.1097/00007890-200102150-00003",
])
def test_doi_forms(value: str) -> None:
    assert nz.normalise_doi(value) == "10.1097/00007890-200102150-00003"


def test_doi_url_encoding_and_case() -> None:
    assert (nz.normalise_doi("10.1016/S0273-2300%2803%2900007-2")
            == nz.normalise_doi("10.1016/s0273-2300(03)00007-2"))
    assert nz.normalise_doi("no doi here") is None


def test_title_case_accents_punctuation_markup() -> None:
    a = nz.normalise_title("Effect of <i>TNF-α</i> on Müller cells &amp; glia.")
    b = nz.normalise_title("EFFECT OF TNF-ALPHA ON MULLER CELLS AND GLIA")
    assert a == b == "effect of tnf alpha on muller cells and glia"


def test_title_translated_brackets_and_tags() -> None:
    medline = "[Protective effects of incretin on atherosclerosis]. [Japanese]"
    embase = "Protective effects of incretin on atherosclerosis"
    assert nz.normalise_title(medline) == nz.normalise_title(embase)
    assert nz.normalise_title("The role of HPV testing. [Review] [72 refs]") == (
        "the role of hpv testing")
    assert nz.normalise_title("Title [erratum appears in N Engl J Med 2009;360:2487]") == "title"


def test_title_numbers_roman_and_words() -> None:
    assert nz.normalise_title("Diabetes mellitus type II: part two") == (
        "diabetes mellitus type 2 part 2")
    assert nz.title_numbers(nz.normalise_title("Trial, part 1")) != nz.title_numbers(
        nz.normalise_title("Trial, part 2"))
    assert nz.title_numbers("laser co 2 conization") == nz.title_numbers("laser co2 conization")


def test_title_flags() -> None:
    assert nz.title_flags("Erratum: Ischemic preconditioning increases adenosine") == nz.ERRATUM
    assert nz.title_flags("Correction to: Statin use and colorectal cancer") == nz.ERRATUM
    assert nz.title_flags("Reply to Smith: statins") == nz.COMMENT
    assert nz.title_flags("Comment on 'Statin use and colorectal cancer'") == nz.COMMENT
    assert nz.title_flags("Retraction notice to: Statins") == nz.RETRACTION
    assert nz.title_flags("Correction of hypokalaemia in the ICU") == 0
    assert nz.title_flags("Eculizumab for aHUS (vol 360, pg 542, 2009)") == nz.ERRATUM


@pytest.mark.parametrize("name", [
    "Kloner R. A.", "Kloner, Robert A.", "R. A. Kloner", "Robert A Kloner", "KLONER, R A",
])
def test_author_orders_and_initials(name: str) -> None:
    assert nz.author_names([name]) == ["kloner"]


def test_authors_glued_and_particles() -> None:
    assert nz.author_names(["LucasM.MirzaeiF.O'ReillyE.J.PanA."]) == [
        "lucas", "mirzaei", "oreilly", "pan"]
    assert nz.author_names(["Kraemer BerndGruber Oliver"]) == ["kraemer", "gruber"]
    assert nz.author_names(["van der Berg, J."]) == ["vanderberg"]
    assert nz.author_names(["Müller, H.", "Nuñez J"]) == ["muller", "nunez"]
    assert nz.first_author_match("vanwinkle", "winkle")
    assert nz.first_author_match("garcialopez", "garcia")
    assert not nz.first_author_match("li", "liu")


@pytest.mark.parametrize(("short", "full"), [
    ("J Am Coll Cardiol", "Journal of the American College of Cardiology"),
    ("Dtsch Med Wochenschr", "Deutsche Medizinische Wochenschrift"),
    ("Scand.J.Haematol.", "Scandinavian Journal of Haematology"),
    ("Br J Surg", "British Journal of Surgery"),
    ("Am J Physiol", "American Journal of Physiology - Heart and Circulatory Physiology"),
    ("Critical Care (London, England)", "Critical Care"),
    ("American Journal of Clinical Nutrition.93 (6) ()(pp 1337-1343) 2011.",
     "Am J Clin Nutr"),
    ("2007 International Conference on Service Systems and Service Management",
     "INTERNATIONAL CONFERENCE ON SERVICE SYSTEMS AND SERVICE MANAGEMENT, VOLS 1-3"),
    ("ICIS : Transforming Society with Digital Innovation",
     "International Conference on Information Systems"),
])
def test_journal_abbreviations_match_full_titles(short: str, full: str) -> None:
    a, b = nz.normalise_journal(short), nz.normalise_journal(full)
    assert nz.journal_similarity(a, b) >= 0.9
    assert nz.journal_initials(nz.normalise_journal("J Am Coll Cardiol")) == "jacc"


def test_different_journals_do_not_match() -> None:
    a, b = nz.normalise_journal("Circulation"), nz.normalise_journal("Cardiovasc Res")
    assert nz.journal_similarity(a, b) < 0.6
    assert nz.journal_similarity(nz.normalise_journal("BMJ"),
                                 nz.normalise_journal("British Medical Journal")) >= 0.9


def test_issn_from_isbn_like_fields() -> None:
    assert nz.issns("0300-8428 (Print) 0300-8428 (Linking)") == frozenset({"0300-8428"})
    assert nz.issns("1476-4687 (Electronic) 0028-0836") == frozenset({"1476-4687", "0028-0836"})


@pytest.mark.parametrize(("pages", "expected"), [
    ("590-5", (590, 595)),
    ("590-595", (590, 595)),
    ("139-54", (139, 154)),
    ("H1032-9", (1032, 1039)),
    ("e0123456", (123456, 123456)),
    ("S12-S15", (12, 15)),
    ("Oct-15", (10, 15)),  # Excel turned "10-15" into a date
    ("01-Oct", (1, 10)),
    ("Suppl-4", (None, 4)),
])
def test_page_ranges(pages: str, expected: tuple[int | None, int | None]) -> None:
    assert nz.page_range(pages) == expected


def test_page_that_is_the_year_is_dropped() -> None:
    assert nz.page_range("2010", 2010) == (None, None)
    assert nz.is_article_number("e0226300")
    assert not nz.is_article_number("1-12")


def test_volume_and_shifted_citations() -> None:
    assert nz.volume_number("88 Suppl 1") == "88"
    assert nz.volume_number("1)") is None
    assert nz.unshift_citation("14 (12) (no pagination)", "e0226300", None) == (
        "14", "12", "e0226300")
    assert nz.unshift_citation("17", "pp 29", "2010") == ("17", None, "29")
    assert nz.embedded_citation(
        "Neuroscience.261 ()(pp 11-22) 2014.Date of Publication: 07 Mar 2014.") == ("261", "11-22")


def test_conference_abstracts() -> None:
    assert nz.is_conference_abstract(None, "Diabetes", "66", "Supplement 1", "A51")
    assert nz.is_conference_abstract(None, "Neuropsychopharmacology.Conference: 50th Annual "
                                     "Meeting", None, None, "S202")
    assert not nz.is_conference_abstract("article", "Diabetes", "66", "3", "451-460")
    assert not nz.is_conference_abstract(None, "Vaccine", "24", "Suppl 3", "S78-S89")


def test_title_language() -> None:
    assert nz.title_language(nz.normalise_title(
        "Plattformökonomie und Crowdworking als Herausforderungen für das deutsche Modell")) \
        == "other"
    assert nz.title_language(nz.normalise_title("Le rôle des infirmières dans la prise en "
                                                "charge")) == "other"
    assert nz.title_language(nz.normalise_title("Platform economy and crowdworking as "
                                                "challenges for the German model")) == "en"
    assert nz.title_language(nz.normalise_title("Crowdworking")) == ""
