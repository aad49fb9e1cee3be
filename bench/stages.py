"""Where a converted-text form's CPU time goes, stage by stage, in one process.

The command's time is mostly the per-form work of one process, so its
stages are timed one by one over an archive's tab-separated documents
(those of `bench/archive.py`; files of another kind are counted and passed
over):

- read: the file's bytes, their sha256, the kind sniffed, the text decoded;
- rows: each line's cells tidied (`extract.text.read_rows`);
- forms: the forms found and their cells made the table model (`split_forms`);
- normalize: records built, values parsed, checks made, models validated;
- json: each record's JSON line (`writers.form_json`);
- tables: each record's rows of the Parquet tables (with --tables).

CPU seconds (`time.process_time`), not the wall clock: the machine is
shared. The best of --repeat passes is printed, per form and as a share.

    python bench/stages.py ARCHIVE [--every 4] [--repeat 3] [--tables]
"""
from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from jixiao.batch import tune_gc
from jixiao.extract.encoding import decode
from jixiao.extract.forms import split_forms
from jixiao.extract.sniff import sniff
from jixiao.extract.text import read_forms, read_rows
from jixiao.normalize import normalize_document
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import SourceFormat
from jixiao.schemas.raw import RawDocument
from jixiao.writers import form_json

STAGES = ("read", "rows", "forms", "normalize", "json", "tables")


def _tabbed(paths: list[Path]) -> tuple[list[Path], int]:
    """The paths of tab-separated text documents (read as the text reader would), and how many others."""
    kept = []
    for path in paths:
        data = path.read_bytes()
        if sniff(data) is SourceFormat.text:
            try:
                if read_forms(decode(data, str(path)))[0] == "text":
                    kept.append(path)
            except JixiaoError:
                pass  # undecodable: not this path's work
    return kept, len(paths) - len(kept)


def one_pass(paths: list[Path], tables: bool) -> tuple[dict[str, float], int]:
    """CPU seconds per stage over `paths`, and the forms made."""
    spent = dict.fromkeys(STAGES, 0.0)
    forms_made = 0
    clock = time.process_time
    for path in paths:
        t0 = clock()
        data = path.read_bytes()
        sha, _, text = hashlib.sha256(data).hexdigest(), sniff(data), decode(data, str(path))
        t1 = clock()
        rows = read_rows(text)
        t2 = clock()
        raw = split_forms(rows)
        t3 = clock()
        doc = RawDocument(path=path.as_posix(), sha256=sha, format=SourceFormat.text, extractor="text", forms=raw)
        forms = normalize_document(doc, path.name)
        t4 = clock()
        for form in forms:
            form_json(form)
        t5 = clock()
        if tables:
            from jixiao.arrow_tables import TableRows

            table_rows = TableRows()
            for form in forms:
                table_rows.add(form)
        t6 = clock()
        for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
            spent[stage] += seconds
        forms_made += len(forms)
    return spent, forms_made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--every", type=int, default=1, help="time every Nth document only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tables", action="store_true", help="time the Parquet tables' rows too")
    args = parser.parse_args()
    tune_gc()  # as a batch runs
    paths, others = _tabbed(sorted(p for p in args.archive.rglob("*") if p.is_file())[::args.every])
    best: dict[str, float] | None = None
    forms = 0
    for _ in range(args.repeat):
        spent, forms = one_pass(paths, args.tables)
        if best is None or sum(spent.values()) < sum(best.values()):
            best = spent
    if best is None or not forms:
        raise SystemExit(f"{args.archive}: no form in a tab-separated document")
    total = sum(best.values())
    print(f"stages: {len(paths):,} tab-separated documents ({others} other files passed over), {forms:,} forms, "
          f"{total:.2f} CPU s, {forms / total:,.0f} forms per CPU second (best of {args.repeat})")
    for stage in STAGES:
        if best[stage]:
            print(f"  {stage:10s} {1000 * best[stage] / forms:6.3f} ms a form  {100 * best[stage] / total:5.1f}%")


if __name__ == "__main__":
    main()
