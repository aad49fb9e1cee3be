"""LibreOffice headless conversion to PDF, one private profile per process.

Two soffice runs sharing a profile block each other, and a fresh profile
costs seconds to create: each worker process makes its own once and reuses
it for every file it converts, and removes it when the process ends.
"""
from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path


@cache
def _profile() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="layouts-lo-profile-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def to_pdf(source: Path, target: Path) -> None:
    """Print `source` (XLSX, DOCX) to the PDF `target` with LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to build layouts: make system-layouts")
    with tempfile.TemporaryDirectory(prefix="layouts-lo-") as work:
        subprocess.run(
            [soffice, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", work, str(source)],
            check=True, capture_output=True, timeout=300,
        )
        shutil.move(Path(work, source.stem + ".pdf"), target)
