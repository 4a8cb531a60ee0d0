"""Each box of the PRISMA 2020 flow diagram, once: its key, its words, its ids, how it is counted.

The diagram (``diagram.py``), the table for people (``report.py``) and the
PRISMA2020 R package's CSV template (``template.py``) take every label from
here, so rewording a box is an edit to this file only.

A ``Box`` is one line of data in the R package's template: its key is the
template's ``data`` name and, where one exists, the ``Flow`` field that holds
its number (``counts.py``). ``label`` is our wording: it is drawn in the
diagram, written as the template's ``boxtext`` and shown in the table. Two
overrides exist only where the wording must differ: ``short``, for the
table's one-line rows, and ``template``, where the R package words a box for
updated reviews ("new studies") or names its data differently. The template's
``description`` (also its tooltip) is a pattern around that text.
"""

from __future__ import annotations

from dataclasses import dataclass

# headings over several boxes' lines (the diagram adds the colon)
IDENTIFIED_FROM = "Records identified from"  # over databases and registers; over other methods
REMOVED_BEFORE_SCREENING = "Records removed before screening"  # over duplicates and the rest


@dataclass(frozen=True, slots=True)
class Box:
    """One box (or one line of a box) of the PRISMA 2020 flow diagram."""

    key: str  # the Flow field and the template's data name
    label: str  # our words: the diagram, the template's boxtext, the table
    counted: str  # how the number is derived (see counts.py)
    node: str = "NA"  # the template's node id; NA: a further line of the node above
    box: str = ""  # the template's box id; empty: not a row of the template
    short: str = ""  # the table's row label, when it differs from ``label``
    template: str = ""  # the template's boxtext, when it differs from ``label``
    description: str = "{text}"  # the template's description; {text} is its boxtext
    title: bool = False  # a coloured title box: the template's data name is NA

    @property
    def data(self) -> str:
        """The template's ``data`` column."""
        return "NA" if self.title else self.key

    @property
    def row_label(self) -> str:
        """The label of the box's row in the table for people."""
        return self.short or self.label

    @property
    def boxtext(self) -> str:
        """The template's ``boxtext`` column."""
        return self.template or self.label

    @property
    def template_description(self) -> str:
        """The template's ``description`` column (and its tooltip)."""
        return self.description.replace("{text}", self.boxtext)


_DBR = "{text} (databases and registers)"
_OTHER = "{text} (other)"
_FROM = f"{IDENTIFIED_FROM}: {{text}}"
_PREVIOUS = ("works included now that rounds before the flow's round found, as studies "
             "(linked reports once) and as reports (rounds.py); 0 in round 1")

# in the template's row order
_BOXES = [
    Box("prevstud", "Previous studies", "a title box", "node4", "prevstud",
        description="Grey title box; {text}", title=True),
    Box("previous_studies", "Studies included in previous version of review", _PREVIOUS,
        "node5", "box1"),
    Box("previous_reports", "Reports of studies included in previous version of review",
        _PREVIOUS, box="box1"),
    Box("newstud", "Identification of studies via databases and registers", "a title box",
        "node6", "newstud", template="Identification of new studies via databases and registers",
        description="Yellow title box; {text}", title=True),
    Box("database_results", "Databases", "records of the database searches in the search "
        "log (withdrawn searches left out)", "node7", "box2",
        short="Records identified: databases", description=_FROM),
    Box("database_specific_results", "Specific Databases", "database_results, per database",
        box="box2", description=f"{IDENTIFIED_FROM}: specific databases"),
    Box("register_results", "Registers", "records of the register searches (trial "
        "registers), withdrawn searches left out", box="box2",
        short="Records identified: registers", description=_FROM),
    Box("register_specific_results", "Specific Registers", "register_results, per register",
        box="box2", description=f"{IDENTIFIED_FROM}: specific registers"),
    Box("othstud", "Identification of studies via other methods", "a title box", "node16",
        "othstud", template="Identification of new studies via other methods",
        description="Grey title box; {text}", title=True),
    Box("other_results", IDENTIFIED_FROM, "records of searches by other methods, per "
        "method; the template splits them into the three rows below", box="",
        short="Other methods: records identified"),
    Box("other_sources", "Other sources", "each other-method search's category and label "
        "with its records (the JSON's other_specific_results)", box="",
        short="Other methods: sources"),
    Box("website_results", "Websites", "records of other-method searches logged as "
        "websites (mnr import --other-method websites)", "node17", "box11",
        description=_FROM),
    Box("organisation_results", "Organisations", "records of other-method searches logged "
        "as organisations", box="box11", description=_FROM),
    Box("citations_results", "Citation searching", "records of other-method searches logged "
        "as citation searching (mnr backchain and mnr chase log theirs so); searches of the "
        "category other have no row of the template (template.OTHER_ROW)", box="box11",
        description=_FROM),
    Box("duplicates", "Duplicate records removed", "records of databases and registers "
        "minus the works they make (WorkCounts.duplicates_removed)", "node8", "box3",
        template="Duplicate records"),
    Box("excluded_automatic", "Records marked as ineligible by automation tools",
        "works removed before screening as ineligible by automation (mnr remove --reason "
        "ineligible-by-automation), and works nobody screened at the first stage once the "
        "team stopped there by the stopping rule (mnr stop)", box="box3",
        short="Removed by automation tools"),
    Box("excluded_other", "Records removed for other reasons",
        "works removed before screening for another reason (mnr remove --reason retracted "
        "or other); records themselves are never deleted", box="box3",
        short="Removed for other reasons"),
    Box("records_screened", "Records screened", "works with a record from a database or "
        "register (WorkCounts.database_works)", "node9", "box4", description=_DBR),
    Box("records_excluded", "Records excluded", "those works excluded at the screening "
        "stages before the last", "node10", "box5", description=_DBR),
    Box("dbr_sought_reports", "Reports sought for retrieval", "those works that reached "
        "the last stage", "node11", "box6", description=_DBR),
    Box("dbr_notretrieved_reports", "Reports not retrieved", "of those, excluded there "
        "with the protocol's not-retrieved reason", "node12", "box7", description=_DBR),
    Box("other_sought_reports", "Reports sought for retrieval", "works found only by other "
        "methods that reached the last stage", "node18", "box12",
        short="Other methods: reports sought", description=_OTHER),
    Box("other_notretrieved_reports", "Reports not retrieved", "of those, excluded with "
        "the not-retrieved reason", "node19", "box13",
        short="Other methods: not retrieved", description=_OTHER),
    Box("dbr_assessed", "Reports assessed for eligibility", "dbr_sought_reports minus "
        "dbr_notretrieved_reports", "node13", "box8", description=_DBR),
    Box("dbr_excluded", "Reports excluded", "excluded at the last stage, per reason "
        "(protocol order first)", "node14", "box9", description=_DBR),
    Box("other_assessed", "Reports assessed for eligibility", "other_sought_reports minus "
        "other_notretrieved_reports", "node20", "box14",
        short="Other methods: reports assessed", description=_OTHER),
    Box("other_excluded", "Reports excluded", "excluded at the last stage, per reason",
        "node21", "box15", short="Other methods: reports excluded", description=_OTHER),
    Box("new_studies", "New studies included in review", "works included at the last "
        "stage (of the flow's round), the reports of one study (mnr studies link) once",
        "node15", "box10"),
    Box("new_reports", "Reports of new included studies", "those works, and the works "
        "linked to their studies that were not included themselves (the gaps say which)",
        box="box10"),
    Box("total_studies", "Studies included in review", "previous_studies plus "
        "new_studies", "node22", "box16", template="Total studies included in review"),
    Box("total_reports", "Reports of included studies", "previous_reports plus "
        "new_reports", box="box16", template="Reports of total included studies"),
    Box("identification", "Identification", "a phase bar", "node1", "identification",
        description="Blue identification box"),
    Box("screening", "Screening", "a phase bar", "node2", "screening",
        description="Blue screening box"),
    Box("included", "Included", "a phase bar", "node3", "included",
        description="Blue included box"),
    # the 2024 rows: after the phase bars, as in the R package's template
    Box("total_studies_ma", "Studies included in meta-analysis", "NA: mnr does not record "
        "which studies a meta-analysis pools", "node23", "box17",
        template="Total studies included in meta-analysis"),
    Box("total_reports_ma", "Reports of studies included in meta-analysis", "NA, as "
        "total_studies_ma", box="box17",
        template="Reports of total included studies in meta-analysis"),
]

BOXES: dict[str, Box] = {box.key: box for box in _BOXES}
"""Every box by key, in the template's row order."""


def label(key: str) -> str:
    """The box's words for people (the diagram's)."""
    return BOXES[key].label


def row_label(key: str) -> str:
    """The box's label in the table for people."""
    return BOXES[key].row_label
