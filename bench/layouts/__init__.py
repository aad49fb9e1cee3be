"""A test bed of layouts: the hand-verified forms rendered many ways, and a scorer.

Every record of samples/expected/*.jsonl is drawn again as a bordered form
under a random, named set of layout features (paper, fonts, label columns,
split value columns, 权重 and 备注 columns, amounts in 元, page breaks, footers,
distractor pages…) and printed to PDF by one of three producers: headless Chromium from HTML,
LibreOffice Calc from an XLSX, LibreOffice Writer from a DOCX; some PDFs are
then scanned (rasterised, turned, skewed, noisy). Each rendering keeps the
records it must give back: the hand-verified ones, changed only where the
rendering changes what is printed (`expect.py`). `score.py` runs jixiao on
the renderings and reports field accuracy per producer and per feature.

    python -m bench.layouts build --count 300 --seed 1 --out bench/.data/layouts
    python -m bench.layouts score bench/.data/layouts

Modules: `plan` (features drawn per rendering), `draw` (a record to
paragraphs and grids), `expect` (the expected records), `filler`
(distractor pages), `chromium`, `calc`, `writer` (the producers; `office`
runs LibreOffice), `scan`, `build` (the generator), `score`, `fixtures`
(the committed test sample in tests/fixtures/layouts).
"""
