"""The causes of missed duplicates found on the labelled benchmark sets, each with a pair
that must now be merged and a near pair that must not (record fields as exported)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from mnr.dedupe.match import DedupeRecord, Pair, doi_key, find_pairs
from mnr.normalise import ERRATUM, normalise_title, title_flags

BYSTANDER = DedupeRecord(
    record_id=99, title="Ischemic preconditioning and intracellular pH: a 31P NMR study in "
    "the isolated rat heart", authors=["Cave A. C.", "Garlick P. B."], year=1997,
    journal="Am J Physiol", volume="272", issue="1", pages="H544-52")


def judged(a: DedupeRecord, b: DedupeRecord, *others: DedupeRecord) -> Pair | None:
    """The pair find_pairs returns for ``a`` and ``b`` (among others), or None."""
    found = [p for p in find_pairs([a, b, BYSTANDER, *others])
             if {p.record_a, p.record_b} == {a.record_id, b.record_id}]
    return found[0] if found else None


def verdict_of(a: DedupeRecord, b: DedupeRecord, *others: DedupeRecord) -> str | None:
    pair = judged(a, b, *others)
    return pair.verdict if pair else None


# -- record numbers in the issue field (an EndNote library's "number") ------------------

WORDS = ("pleural effusion talc catheter lung cancer survival malignant thoracoscopy "
         "drainage outcome cohort trial randomised chest imaging sepsis fibrinolysis "
         "infection surgery children adults elderly mortality quality").split()


def _library(start: int, issue_of: Callable[[int], int]) -> list[DedupeRecord]:
    """Sixty other records of one database, titles of random words, issues as given."""
    rng = random.Random(start)
    return [DedupeRecord(record_id=start + k, title=" ".join(rng.sample(WORDS, 9)),
                         authors=[f"{rng.choice(WORDS).title()} {rng.choice('ABCDE')}."],
                         year=2000 + k % 15, journal="Chest", volume=str(100 + k),
                         issue=str(issue_of(k)), pages=f"{k * 11}-{k * 11 + 6}",
                         database="Ovid")
            for k in range(60)]


MIRNA = DedupeRecord(
    record_id=1, title="Cell-free microRNA expression profiles in malignant effusion "
    "associated with patient survival in non-small cell lung cancer",
    authors=["Wang, Tingting", "Lv, Mingming", "Shen, Sunan"], year=2012,
    journal="PLoS ONE [Electronic Resource]", volume="7", issue="152", pages="e43268",
    database="Ovid")
MIRNA_NEXT = replace(MIRNA, record_id=2, authors=["Wang, T.", "Lv, M.", "Shen, S."],
                     title="Cell-free microRNA expression profiles in malignant effusions "
                     "associated with survival of patients with non-small cell lung cancer",
                     journal="PLoS ONE", issue="153", pages=None)


def test_record_numbers_in_the_issue_field_are_ignored() -> None:
    counted = _library(1000, lambda k: 600 + 7 * k)  # every record its own number
    assert verdict_of(MIRNA, MIRNA_NEXT, *counted) == "duplicate"


def test_real_issues_still_differ() -> None:
    issues = _library(1000, lambda k: 1 + k % 12)  # a real issue repeats
    one, two = replace(MIRNA, issue="2"), replace(MIRNA_NEXT, issue="3")
    assert verdict_of(one, two, *issues) is None


# -- notes in titles: letters, citations, the original title ---------------------------

def test_title_notes_are_not_the_title() -> None:
    assert normalise_title(
        "Atypical hemolytic uremic syndrome associated with group A beta hemolytic "
        "streptococcus (multiple letters) [1]") == normalise_title(
        "Atypical hemolytic uremic syndrome associated with group A beta hemolytic "
        "streptococcus")
    assert normalise_title(
        "More on eculizumab for congenital atypical hemolytic-uremic syndrome... N Engl J "
        "Med. 2009 Jan 29;360(5):544-6") == (
        "more on eculizumab for congenital atypical hemolytic uremic syndrome")
    assert normalise_title(
        "Ischemic postconditioning: An effective strategy of myocardial protection?. "
        "Italian Il postcondizionamento ischemico: Un'efficace strategia di protezione "
        "miocardica?") == "ischemic postconditioning an effective strategy of myocardial protection"
    # a title that merely names a language keeps its words
    assert normalise_title("The Spanish flu. German experience in 1918") == (
        "the spanish flu german experience in 1918")


def test_translation_after_the_language_name_is_merged() -> None:
    medline = DedupeRecord(
        record_id=1, title="Ischemic postconditioning: an effective strategy of myocardial "
        "protection?", authors=["Rastaldo R.", "Penna C.", "Cappello S."], year=2006,
        journal="G Ital Cardiol (Rome)", volume="7", issue="7", pages="464-73")
    embase = replace(
        medline, record_id=2, title="Ischemic postconditioning: An effective strategy of "
        "myocardial protection?. Italian Il postcondizionamento ischemico: Un'efficace "
        "strategia di protezione miocardica?", journal="G Ital Cardiol", pages="464-473")
    assert verdict_of(medline, embase) == "duplicate"
    part_two = replace(embase, title="Ischemic postconditioning: part 2", pages="474-480")
    assert verdict_of(medline, part_two) is None


# -- one article under a reworded title: the same volume and span of pages -------------

CATAPULT = DedupeRecord(
    record_id=1, title="Tirapazamine plus cisplatin versus cisplatin in advanced "
    "non-small-cell lung cancer: A report of the international CATAPULT I study group",
    authors=["Pawel, J.", "Roemeling, R.", "Gatzemeier, U."], year=2000,
    journal="Journal of Clinical Oncology", volume="18", pages="1351-1359")


def test_same_page_span_merges_a_reworded_title() -> None:
    longer = replace(CATAPULT, record_id=2, title=f"{CATAPULT.title}. Cisplatin and "
                     "Tirapazamine in Subjects with Advanced Previously Untreated Non-Small-Cell "
                     "Lung Tumors", authors=["von Pawel, J.", "von Roemeling, R.",
                                             "Gatzemeier, U."])
    assert verdict_of(CATAPULT, longer) == "duplicate"
    neurites = DedupeRecord(
        record_id=3, title="The NeuroAiD II (MLC901) in vascular cognitive impairment study "
        "(NEURITES)", authors=["Chen, Christopher L. H.", "Ikram, Kamran", "Anqi, Qiu"],
        year=2013, journal="Cerebrovascular Diseases", volume="35 Suppl 1", pages="23-29")
    investigators = replace(neurites, record_id=4, title=f"{neurites.title} for the NEURITE "
                            "investigators", authors=["Chen, C. L. H.", "Ikram, K.", "Anqi, Q."],
                            volume="35", issue="SUPPL.1")
    pair = judged(neurites, investigators)
    assert pair is not None and pair.verdict == "duplicate" and "page span" in pair.reason


def test_same_page_span_with_an_unrelated_title_is_not_merged() -> None:
    # MEDLINE's translated title against Embase's: the sets disagree, a person decides
    medline = DedupeRecord(
        record_id=1, title="[The antidepressive properties of anaprilin]",
        authors=["Dubinina E. E."], year=1992, journal="Biull Eksp Biol Med", volume="114",
        pages="372-374")
    embase = replace(medline, record_id=2, title="Antidepessive activity of propranolol",
                     journal="Byulleten Eksperimentalnoi Biologii i Meditsiny")
    assert verdict_of(medline, embase) != "duplicate"


# -- DOIs: translated titles, garbled DOIs, a part's DOI -------------------------------

MEISER = DedupeRecord(
    record_id=1, title="Clinical studies on the peripheral effect of opioids following knee "
    "surgery. A literature review", authors=["Meiser A.", "Laubenthal H."], year=1997,
    journal="Anaesthesist", volume="46", issue="10", pages="867-79",
    doi="10.1007/s001010050481")


def test_one_doi_under_two_translated_titles_is_merged() -> None:
    english = replace(MEISER, record_id=2, title="Peripheral opioid effects after knee "
                      "surgery. A review of clinical trials", authors=["Meiser A",
                                                                       "Laubenthal H"])
    assert verdict_of(MEISER, english) == "duplicate"


def test_abstracts_sharing_their_supplements_doi_are_not_merged() -> None:
    one = DedupeRecord(
        record_id=1, title="Defective mPTP inhibition precludes delayed hypoxic "
        "preconditioning in type II diabetes and the metabolic syndrome",
        authors=["Vanderper A.", "Herijgers P."], year=2009,
        journal="European Journal of Heart Failure Supplement", volume="8",
        issue="Supplement 2", pages="ii510", doi="10.1093/eurjhf/hfp063")
    two = replace(one, record_id=2, title="Ischemia-reperfusion causes less contractile "
                  "failure in Langendorff-perfused hearts from LDLR-/- mice",
                  pages="ii510-ii511")
    assert verdict_of(one, two) != "duplicate"


def test_one_doi_and_a_title_with_a_heading_added() -> None:
    bolla = DedupeRecord(
        record_id=1, title="Current concepts: II. Hormonal regulation of molecular events "
        "during aging", authors=["Bolla R. I."], year=1982, journal="Life Sci", volume="31",
        issue="7", pages="615-23", doi="10.1016/0024-3205(82)90762-7")
    plain = replace(bolla, record_id=2, title="Hormonal regulation of molecular events "
                    "during aging", pages="615-623", doi="10.1016/0024-3205%2882%2990762-7")
    assert verdict_of(bolla, plain) == "duplicate"
    other_doi = replace(plain, doi="10.1016/0024-3205(82)90763-9", pages="625-630")
    assert verdict_of(bolla, other_doi) is None


def test_garbled_dois_are_the_same_doi() -> None:
    assert doi_key("10.1210/endrevbnz002") == doi_key("10.1210/endrev/bnz002")
    assert doi_key("10.3779/10.3779/j.issn.1009-3419.2018.11.07") == doi_key(
        "10.3779/j.issn.1009-3419.2018.11.07")
    assert doi_key("10.1111/j.1471-4159.2010.06999.x") != doi_key(
        "10.1111/j.1471-4159.2010.06998.x")


def test_a_parts_doi_does_not_veto_its_paper() -> None:
    elife = DedupeRecord(
        record_id=1, title="Mass enhances speed but diminishes turn capacity in terrestrial "
        "pursuit predators", authors=["Wilson R. P.", "Griffiths I. W.", "Mills M. G."],
        year=2015, journal="Elife", volume="4", doi="10.7554/elife.06487")
    part = replace(elife, record_id=2, volume="4 (AUGUST2015) (no pagination)",
                   issue="e06487", doi="10.7554/elife.06487.001")
    assert verdict_of(elife, part) == "duplicate"
    other = replace(part, title="Turning performance in cheetahs and greyhounds on sand",
                    issue="e06488")
    assert verdict_of(elife, other) is None


def test_swapped_given_name_and_surname() -> None:
    scopus = DedupeRecord(
        record_id=1, title="Mourning the Commons: Circulating Affect in Crowdfunded Funeral "
        "Campaigns", authors=["Kneese, T."], year=2018, journal="Social Media and Society",
        volume="4", issue="1", doi="10.1177/2056305117743350")
    wos = replace(scopus, record_id=2, authors=["Tamara, Kneese"],
                  journal="Social Media + Society")
    pair = judged(scopus, wos)
    assert pair is not None and pair.verdict == "duplicate"
    stranger = replace(wos, authors=["Tamara, Lopez"], doi=None, title="Funeral crowdfunding "
                       "and the moral economy of grief", issue="2")
    assert verdict_of(scopus, stranger) is None


def test_one_doi_wrongly_typed_with_the_rest_of_the_citation() -> None:
    appetite = DedupeRecord(
        record_id=1, title="Liraglutide and linagliptin improves glycemic control but show "
        "differential anti-obesity and hypolipidemic efficacy in a novel hamster model",
        authors=["Hansen F.", "Hansen G.", "Pedersen P. J."], year=2012, journal="Appetite",
        volume="1", pages="e24", doi="10.1016/j.appet.2012.05.003")
    wrong = replace(appetite, record_id=2, volume="1)", doi="10.1016/j.regpep.2012.05.039")
    assert verdict_of(appetite, wrong) == "duplicate"
    assert verdict_of(appetite, replace(wrong, pages="e25")) is None


def test_an_article_number_filed_as_the_issue() -> None:
    embase = DedupeRecord(
        record_id=1, title="Drugs that reverse disease transcriptomic signatures are more "
        "effective in a mouse model of dyslipidemia", authors=["Wagner A.", "Cohen N."],
        year=2015, journal="Molecular Systems Biology", volume="11 (3) (no pagination)",
        issue="791", doi="10.15252/msb.20145486")
    other = replace(embase, record_id=2, volume="11", issue="791", doi=None)
    assert verdict_of(embase, other) == "duplicate"


# -- meeting abstracts and the journal's record of them --------------------------------

LIRAGLUTIDE = DedupeRecord(
    record_id=1, title="Liraglutide inhibits endothelial cell dysfunction and reduces "
    "expression of adhesion molecules associated with atherogenesis",
    authors=["Simpson R. W.", "Liu H. B.", "Gaspari T."], year=2010,
    journal="Diabetes. Conference: 70th Scientific Sessions of the American Diabetes "
    "Association. Orlando FL United States")


def test_meeting_abstract_and_the_journals_record_of_it() -> None:
    journal = replace(LIRAGLUTIDE, record_id=2, journal="Diabetes")
    pair = judged(LIRAGLUTIDE, journal)
    assert pair is not None and pair.verdict == "duplicate" and "meeting abstract" in pair.reason
    article = replace(journal, volume="59", issue="6", pages="1530-1538")  # the full paper
    assert verdict_of(LIRAGLUTIDE, article) != "duplicate"


ASPHYXIA = DedupeRecord(
    record_id=1, title="Perinatal asphyxia may present with features of neonatal atypical "
    "hemolytic uremic syndrome", authors=["Biran, V.", "Fau, S.", "Jammal, T."], year=2007,
    journal="Pediatric Nephrology", volume="22", issue="9", pages="1514-1514")


def test_one_page_abstract_and_the_article_in_one_volume() -> None:
    article = replace(ASPHYXIA, record_id=2, authors=["Biran, V.", "Fau, S.", "Jamal, T."],
                      issue="12", pages="2129-2132")
    assert verdict_of(ASPHYXIA, article) == "duplicate"


def test_recurring_column_and_a_series_stay_apart() -> None:
    column = DedupeRecord(
        record_id=1, title="Remarks from MIS Quarterly Editor - Editor's Comments",
        authors=["Lee, Allen S."], year=2000, journal="MIS Quarterly", volume="24", issue="1")
    assert verdict_of(column, replace(column, record_id=2, issue="2")) != "duplicate"
    series = DedupeRecord(
        record_id=3, title="2-(N'-alkylidenehydrazino)adenosines: potent and selective coronary "
        "vasodilators", authors=["Niiya K.", "Olsson R. A.", "Thompson R. D."], year=1992,
        journal="J Med Chem", volume="35", issue="24", pages="4557-4561")
    sequel = replace(series, record_id=4, title="2-(N'-aralkylidenehydrazino)adenosines: "
                     "potent and selective coronary vasodilators", pages="4562-4566")
    assert verdict_of(series, sequel) != "duplicate"


# -- notices: errata and replies are related reports of their paper --------------------

ECULIZUMAB = DedupeRecord(
    record_id=1, title="Eculizumab for Atypical Hemolytic-Uremic Syndrome",
    authors=["Nürnberger, Jens", "Philipp, Thomas", "Witzke, Oliver"], year=2009,
    journal="New Engl J Med", volume="360", issue="5", pages="542-544")
WOS_ERRATUM = replace(ECULIZUMAB, record_id=2, title="Eculizumab for Atypical "
                      "Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
                      authors=["Philipp, T."], journal="New England Journal of Medicine",
                      issue="23", pages="2487-2487")
EMBASE_ERRATUM = replace(WOS_ERRATUM, record_id=3, title="Eculizumab for atypical "
                         "hemolytic-uremic syndrome (New England Journal of Medicine (2009) "
                         "360 (542-544))")


def test_erratum_notes_flag_the_notice() -> None:
    assert title_flags(WOS_ERRATUM.title) & ERRATUM
    assert title_flags(EMBASE_ERRATUM.title) & ERRATUM
    assert not title_flags(ECULIZUMAB.title)
    assert not title_flags("Outcome of therapy (2010 update)")


def test_two_records_of_one_erratum_are_duplicates_and_related_to_the_paper() -> None:
    assert verdict_of(WOS_ERRATUM, EMBASE_ERRATUM) == "duplicate"
    pair = judged(ECULIZUMAB, WOS_ERRATUM)
    assert pair is not None and pair.verdict == "related"
    assert pair.reason.startswith("related report (erratum)")


# -- editions and versions ------------------------------------------------------------

AUTISM = DedupeRecord(record_id=1, title="Autism", authors=["Parr J."], year=2010,
                      journal="BMJ Clin Evid", volume="2010")


def test_editions_of_a_yearly_text_are_one_work() -> None:
    earlier = replace(AUTISM, record_id=2, year=2008, volume="2008")
    pair = judged(AUTISM, earlier)
    assert pair is not None and pair.verdict == "duplicate" and "yearly" in pair.reason
    # another chapter, or a paper with pages in a journal whose volume is its year
    assert verdict_of(AUTISM, replace(earlier, title="Asthma in children")) is None
    paper = replace(earlier, journal="Eur J Pediatr", pages="12-19")
    assert verdict_of(replace(AUTISM, journal="Eur J Pediatr", pages="101-109"), paper) is None


def test_a_retitled_version_of_a_review_that_extends_its_title() -> None:
    first = DedupeRecord(
        record_id=1, title="Allergen immunotherapy for asthma",
        authors=["Abramson M. J.", "Puy R. M."], year=2003,
        journal="Cochrane Database Syst Rev", issue="4", pages="CD001186",
        doi="10.1002/14651858.CD001186")
    update = replace(first, record_id=2, title="Injection allergen immunotherapy for asthma",
                     year=2010, issue="8", doi="10.1002/14651858.CD001186.pub2")
    assert verdict_of(first, update) == "duplicate"


def test_overlapping_or_shifted_page_spans_of_one_title() -> None:
    one = DedupeRecord(
        record_id=1, title="Advancement in stem cell therapy for ischemic myocardial cell: a "
        "systematic review", authors=["Bareeqa S. B.", "Bibi F.", "Ahmed S. I."], year=2018,
        journal="Int J Hematol Oncol Stem Cell Res", volume="12", issue="4", pages="282-290")
    assert verdict_of(one, replace(one, record_id=2, pages="281-289")) == "duplicate"
    # the next article of a series under the same title: a person decides
    assert verdict_of(one, replace(one, record_id=2, pages="291-301")) == "review"


def test_a_meeting_paper_dated_by_the_meeting_and_by_its_proceedings() -> None:
    aisel = DedupeRecord(
        record_id=1, title="Crowdwork Platforms - Juxtaposing Centralized and Decentralized "
        "Governance", authors=["Gol, Elham Shafiei", "Avital, Michel", "Stein, Mari-Klara"],
        year=2019, journal="European Conference on Information Systems", pages="1-16",
        pub_type="inproceedings")
    scopus = replace(aisel, record_id=2, authors=["Gol, E.S.", "Avital, M.", "Stein, M.-K."],
                     year=2020, journal="European Conference on Information Systems - "
                     "Information Systems for a Sharing Society, ECIS", pages=None)
    pair = judged(aisel, scopus)
    assert pair is not None and pair.verdict == "duplicate" and "meeting paper" in pair.reason
    # one abstract given at two meetings a year apart is two publications
    first = DedupeRecord(
        record_id=3, title="Continuous and chronic bilateral deep brain stimulation of the "
        "medial forebrain bundle in rats", authors=["Furlanetti L. L.", "Dobrossy M. D."],
        year=2014, journal="Stereotactic and Functional Neurosurgery. Conference: 21st "
        "Congress of the European Society for Stereotactic and Functional Neurosurgery")
    second = replace(first, record_id=4, year=2015, journal="Biological Psychiatry. "
                     "Conference: 70th Annual Scientific Convention of the Society of "
                     "Biological Psychiatry")
    assert verdict_of(first, second) != "duplicate"


def test_a_journals_translated_name_with_volume_and_issue_agreeing() -> None:
    japanese = DedupeRecord(
        record_id=1, title="Rating Prediction for Software Developers by Integrating OSS "
        "Community and Crowd Sourcing", authors=["Ohsawa, Shohei", "Matsuo, Yutaka"],
        year=2016, journal="Jinko Chino Gakkai Ronbunshi", volume="31", issue="2")
    english = replace(japanese, record_id=2, authors=["Ohsawa, S.", "Matsuo, Y."],
                      journal="Transactions of the Japanese Society for Artificial Intelligence",
                      pages="A-F24_1-10", doi="10.1527/tjsai.a-f24")
    assert verdict_of(japanese, english) == "duplicate"
    assert verdict_of(japanese, replace(english, issue="3")) != "duplicate"


def test_a_meeting_named_by_its_acronym_in_one_export() -> None:
    aisel = DedupeRecord(
        record_id=1, title="Call for Bids to Improve Matching Efficiency - Evidence from "
        "Online Labor Markets", authors=["Guo, Xue", "Gong, Jing", "Pavlou, Paul A."],
        year=2017, journal="International Conference on Information Systems", pages="1-12",
        pub_type="inproceedings")
    scopus = replace(aisel, record_id=2, authors=["Guo, X.", "Gong, J.", "Pavlou, P."],
                     year=2018, journal="ICIS : Transforming Society with Digital Innovation",
                     pages=None, title="Call for Bids to Improve Matching Efficiency: "
                     "Evidence from Online Labor Markets")
    pair = judged(aisel, scopus)
    assert pair is not None and pair.verdict == "duplicate"
    # another meeting's acronym is another meeting
    assert verdict_of(aisel, replace(scopus, journal="ECIS : Beyond Digitization")) != "duplicate"


def test_a_proceedings_year_and_volumes_and_swapped_author_names() -> None:
    ieee = DedupeRecord(
        record_id=1, title="Risk control and estimation of online services market "
        "segmentation", authors=["Wang, X.", "Wang, L.", "Liu, J."], year=2007,
        journal="2007 International Conference on Service Systems and Service Management",
        doi="10.1109/icsssm.2007.4280160", pub_type="inproceedings")
    wos = replace(ieee, record_id=2, doi=None, pages="448+",
                  authors=["Xiaoguang, Wang", "Yusheng, Wangliang", "Junping, Liu"],
                  journal="INTERNATIONAL CONFERENCE ON SERVICE SYSTEMS AND SERVICE "
                  "MANAGEMENT, VOLS 1-3")
    assert verdict_of(ieee, wos) == "duplicate"
    # the same title by other people at another meeting stays apart
    other = replace(wos, authors=["Chen, Hong", "Zhou, Ming", "Li, Wei"],
                    journal="International Conference on E-Business Engineering")
    assert verdict_of(ieee, other) != "duplicate"


def test_a_volume_filed_as_the_year_and_a_columns_heading() -> None:
    scopus = DedupeRecord(
        record_id=1, title="Upwork’s CEO on how an introverted engineer learned to lead",
        authors=["Kasriel, S."], year=2016, journal="Harvard Business Review", volume="2016",
        issue="May")
    wos = replace(scopus, record_id=2, authors=["Kasriel, Stephane"], volume="94", issue="5",
                  pages="35+", title="How did it ... Upwork's CEO on how an introverted "
                  "engineer learned to lead")
    pair = judged(scopus, wos)
    assert pair is not None and pair.verdict == "duplicate" and "extends" in pair.reason
    # two volumes, both written as numbers, still differ
    assert verdict_of(replace(scopus, volume="93"), wos) != "duplicate"


def test_a_title_in_the_journals_language_and_in_english() -> None:
    german = DedupeRecord(
        record_id=1, title="Plattformökonomie und Crowdworking als Herausforderungen für das "
        "deutsche Modell der Arbeitsbeziehungen", authors=["Greef, Samuel", "Schroeder, "
        "Wolfgang", "Sperling, Hans Joachim"], year=2020, journal="Industrielle Beziehungen",
        volume="27", issue="2", pages="205-226", doi="10.3224/indbez.v27i2.06")
    english = replace(german, record_id=2, authors=["Greef, S.", "Schroeder, W.",
                                                    "Sperling, H.J."], doi=None,
                      title="Platform economy and crowdworking as challenges for the german "
                      "model of industrial relations")
    pair = judged(german, english)
    assert pair is not None and pair.verdict == "duplicate" and "translated" in pair.reason
    # two English renderings of one foreign title: the labelled sets keep them apart, and
    # so does the rule (a person decides)
    medline = replace(english, record_id=3, title="[Crowdwork and platforms: a challenge to "
                      "German industrial relations]")
    assert verdict_of(english, medline) != "duplicate"
    # another issue's article on the same pages is another article
    assert verdict_of(german, replace(english, issue="3")) != "duplicate"


def test_an_article_printed_again_a_year_on_under_a_second_doi() -> None:
    first = DedupeRecord(
        record_id=1, title="Sponsorship and IT vendor management of projects",
        authors=["Liu, Li", "Yetton, Philip"], year=2009,
        journal="Journal of Information Technology", volume="24", issue="1", pages="46-54",
        doi="10.1057/jit.2009.2")
    again = replace(first, record_id=2, year=2010, volume="25", pages="56-64",
                    doi="10.1057/jit.2008.23")
    pair = judged(first, again)
    assert pair is not None and pair.verdict == "duplicate" and "printed again" in pair.reason
    # a section's introduction, by the same editors under the same heading a year on, is
    # another item: it is not as long
    intro = DedupeRecord(
        record_id=3, title="Special Section - Competitive Strategy, Economics, and "
        "Information Systems", authors=["Clemons, Eric K.", "Kauffman, Robert J.",
                                        "Weber, Thomas A."], year=2009,
        journal="Journal of Management Information Systems", volume="26", issue="2",
        pages="7-13", doi="10.2753/MIS0742-1222260201")
    next_year = replace(intro, record_id=4, year=2010, volume="27", issue="3", pages="7-10",
                        doi="10.2753/MIS0742-1222270301")
    assert verdict_of(intro, next_year) != "duplicate"
    # nor is the same title by the same authors years later
    assert verdict_of(first, replace(again, year=2012, volume="27")) != "duplicate"


def test_an_erratum_in_its_papers_issue_is_merged_a_later_one_is_related() -> None:
    paper = DedupeRecord(
        record_id=1, title="How do requirements evolve over time? A case study investigating "
        "the role of context and experiences in the evolution of enterprise software "
        "requirements", authors=["Schneider, Stephan", "Wollersheim, Jan", "Krcmar, Helmut"],
        year=2018, journal="Journal of Information Technology", volume="33", issue="2",
        pages="151-170", doi="10.1057/s41265-016-0001-y")
    erratum = replace(paper, record_id=2, title="Erratum to - " + (paper.title or ""),
                      pages="171-171", doi="10.1057/s41265-017-0039-5")
    pair = judged(paper, erratum)
    assert pair is not None and pair.verdict == "duplicate" and "same issue" in pair.reason
    # an erratum in a later issue is a related report, kept in its own work
    later = replace(erratum, issue="4", pages="361-362")
    assert verdict_of(paper, later) == "related"
    # a reply in the same issue is another author's paper
    reply = replace(paper, record_id=3, title=(paper.title or "") + " - A Reply",
                    authors=["Someone, Else"], pages="171-175", doi="10.1057/x")
    assert verdict_of(paper, reply) != "duplicate"
