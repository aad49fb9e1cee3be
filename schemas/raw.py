"""The grounded table model: what every extractor hands to the normalizer.

Every extractor (text, PDF, scan, office, HTML) reduces its source to the
same shape a careful converter would print: one list of cells per table row,
a merged cell's text in its first row and column only, the cells it covers
left empty. Where the source knows a merge (Excel merged ranges, Word
gridSpan/vMerge, HTML rowspan/colspan), the first cell says how many rows
and columns it spans. Each cell keeps where it came from: its line, page
and box, in the frame its page states (`Frame`). The normalizer then needs
to know one layout, whatever the file.

`Row` is one source row as an extractor reads it, before forms are found;
`RawCell` is a cell of a found form.

These are internal hand-over objects, made by the hundred thousand on a big
archive, so they are slotted dataclasses: pydantic's validation here cost
more than the whole text extraction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.schemas.form import SourceFormat

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class Frame:
    """What the boxes of one page are measured in, so a box can be found again on its source.

    PDF pages (`unit` "pt"): points from the page's top-left, the page as
    printed. Scans (`unit` "scan-pt"): points from the top-left of the page
    as OCR read it: the stored image turned by `turns` quarter turns
    clockwise, then rotated by `skew` degrees to straighten it, each stored
    pixel `scale` points (72 / its dpi).
    """

    unit: str
    width: float
    height: float
    turns: int = 0
    skew: float = 0.0
    scale: float = 1.0


@dataclass(slots=True)
class Row:
    """One source row: its cleaned cells and where it stands in the file."""

    cells: list[str]
    line: int | None = None
    page: int | None = None
    bboxes: list[BBox | None] = field(default_factory=list)
    confidences: list[float | None] = field(default_factory=list)
    #: what a page-break mend did to this row, said for a reviewer (第2页: …)
    mends: list[str] = field(default_factory=list)
    #: (rowspan, colspan) of each cell that spans more than itself, by its column
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: the row starts a table that does not go on from the one before (a reader that
    #: keeps tables apart can tell): an indicator block above it ends there
    new_table: bool = False

    @property
    def text(self) -> str:
        """All the row's text; computed on each use, as extractors mend cells after making rows."""
        return "".join(c for c in self.cells if c)


@dataclass(slots=True)
class RawCell:
    """One cell as read, with where it came from (for diff and review).

    `bbox` is x0, top, x1, bottom from the page's top-left, in its page's frame
    (`RawDocument.frames`: PDF points, or points of the upright scan);
    `confidence` is the OCR confidence (0-1) where a cell was recognised.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    line: int | None = None
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None


@dataclass(slots=True)
class RawForm:
    """One form's heading facts and table rows, before any interpretation."""

    title: str
    attachment: str | None = None
    fiscal_year: int | None = None
    rows: list[list[RawCell]] = field(default_factory=list)
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    #: each page-break mend the extractor made inside the form (rows joined, labels put back)
    mends: list[str] = field(default_factory=list)
    #: the rows are cells in reading order, one per line (pdftotext, copy-paste): which cells
    #: make a table row is unknown, and the normalizer rebuilds the rows from what they say
    stream: bool = False
    #: why the extractor could not line the cells up into rows (layout text it cannot align);
    #: the record then says so in a check instead of carrying fields read from the wrong cells
    unaligned: str | None = None


@dataclass(slots=True)
class RawDocument:
    """All forms found in one input file."""

    path: str
    sha256: str
    format: SourceFormat
    extractor: str
    forms: list[RawForm] = field(default_factory=list)
    #: the frame of each page's boxes, by page number (pages without boxes have none)
    frames: dict[int, Frame] = field(default_factory=dict)
