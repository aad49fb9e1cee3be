"""What an extractor hands to the normalizer: rows of raw cells per form.

Every extractor (text, PDF, scan, office, HTML) reduces its source to the
same shape a careful converter would print: one list of cells per table row,
a merged cell's text in its first row and column only, the cells it covers
left empty. The normalizer then needs to know one layout, whatever the file.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from jixiao.schemas.form import SourceFormat


class RawCell(BaseModel):
    """One cell as read, with where it came from (for diff and review)."""

    text: str
    row: int = Field(description="0-based row within the form")
    col: int = Field(description="0-based column within the row")
    rowspan: int = 1
    colspan: int = 1
    line: int | None = Field(default=None, description="1-based source line (text sources)")
    page: int | None = Field(default=None, description="1-based page (PDF, scan)")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, description="x0, top, x1, bottom in PDF points from the page's top-left"
    )
    confidence: float | None = Field(default=None, description="OCR confidence, 0-1")


class RawForm(BaseModel):
    """One form's heading facts and table rows, before any interpretation."""

    title: str
    attachment: str | None = None
    fiscal_year: int | None = None
    rows: list[list[RawCell]] = Field(default_factory=list)
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None


class RawDocument(BaseModel):
    """All forms found in one input file."""

    path: str
    sha256: str
    format: SourceFormat
    extractor: str
    forms: list[RawForm] = Field(default_factory=list)
