"""Bounds on what one input may cost, checked before the expensive work starts.

An archive holds 1,000-page budget books, 20,000×20,000 pixel scans and
truncated multi-gigabyte downloads beside the forms. Each bound is checked
as early as the file allows: bytes from the file system before reading,
pages right after a PDF is opened, pixels from an image's header before it
is decoded. Going over one is a `TooLarge` error naming the file, the size
and the bound, so the batch records it and moves on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.schemas.errors import TooLarge


@dataclass(frozen=True)
class ReadLimits:
    """The most one file may hold; the CLI's --max-bytes, --max-pages and --max-pixels."""

    #: bytes per file (a target-table document is rarely over a few MB)
    max_bytes: int = 256 * 1024 * 1024
    #: pages per PDF or multi-page image (budget books run to a few hundred)
    max_pages: int = 500
    #: pixels per scanned page (a 600 dpi A3 page is 70 million)
    max_pixels: int = 80_000_000


def check_pages(path: Path, pages: int, limits: ReadLimits) -> None:
    """Refuse a PDF or multi-page image of more pages than `limits` allows, before any page is read."""
    if pages > limits.max_pages:
        raise TooLarge(f"{path}: {pages} pages, over the limit of {limits.max_pages} (--max-pages)")
