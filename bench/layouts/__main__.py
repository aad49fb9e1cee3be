"""`python -m bench.layouts build|score|sources|converted|engines|fixtures`: render the sample forms, score
jixiao on them (on the office files they were printed from, or on what other converters make of them), time
it against the table engines, or make the test sample."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.layouts.plan import PRODUCERS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.layouts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="render forms under random layouts into OUT")
    make.add_argument("--count", type=int, required=True, help="how many renderings")
    make.add_argument("--seed", type=int, default=1, help="the same seed gives the same renderings")
    make.add_argument("--out", type=Path, required=True, help="folder (renderings/, expected/, manifest.jsonl)")
    make.add_argument("--start", type=int, default=0, help="number of the first rendering")
    make.add_argument("--jobs", type=int, default=2, help="renderings made in parallel")
    make.add_argument("--producers", default=",".join(PRODUCERS), help="comma-separated, among " + ", ".join(PRODUCERS))
    make.add_argument("--force", action="store_true", help="render again even where a rendering exists")
    rate = commands.add_parser("score", help="run jixiao on a built folder and print field accuracy")
    rate.add_argument("folder", type=Path)
    rate.add_argument("--workers", type=int, default=2, help="jixiao extract --workers")
    rate.add_argument("--worst", type=int, default=10, help="how many of the worst renderings to list")
    office = commands.add_parser("sources", help="score jixiao on the HTML, XLSX and DOCX the PDFs were printed from")
    office.add_argument("folder", type=Path)
    text = commands.add_parser("converted", help="score jixiao on pdftotext and pdfplumber text of the PDFs")
    text.add_argument("folder", type=Path)
    text.add_argument("--count", type=int, default=None, help="only the first COUNT native PDFs")
    engines = commands.add_parser("engines", help="time the command against pdfplumber and camelot on the PDFs")
    engines.add_argument("folder", type=Path)
    engines.add_argument("--count", type=int, default=30, help="native PDFs, each producer in turn")
    engines.add_argument("--scans", type=int, default=10, help="scans, each producer in turn")
    sample = commands.add_parser("fixtures", help="render the committed test sample (tests/fixtures/layouts)")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--jobs", type=int, default=2)
    sample.add_argument("--force", action="store_true", help="render again the renderings already there")
    args = parser.parse_args(argv)
    if args.command == "build":
        from bench.layouts.build import build

        producers = tuple(p for p in args.producers.split(",") if p)
        unknown = set(producers) - set(PRODUCERS)
        if unknown or not producers:
            parser.error(f"unknown producers: {', '.join(sorted(unknown)) or '(none given)'}")
        build(args.out, range(args.start, args.start + args.count), args.seed, args.jobs, producers,  # type: ignore[arg-type]
              args.force)
    elif args.command == "fixtures":
        from bench.layouts.fixtures import write_fixtures

        write_fixtures(args.out, args.jobs, args.force)
    elif args.command == "engines":
        from bench.layouts.engines import run as run_engines

        run_engines(args.folder, args.count, args.scans)
    elif args.command == "sources":
        from bench.layouts.sources import run as run_sources

        run_sources(args.folder)
    elif args.command == "converted":
        from bench.layouts.converted import run

        run(args.folder, args.count)
    else:
        from bench.layouts.score import score

        if not (args.folder / "manifest.jsonl").is_file():
            parser.error(f"{args.folder}: no manifest.jsonl (run build first)")
        score(args.folder, args.workers, args.worst)


if __name__ == "__main__":
    main(sys.argv[1:])
