"""The text extractor: encodings by content, markup, width folding, form splitting."""
from __future__ import annotations

import pytest

from conftest import SAMPLES
from jixiao.extract import extract_file
from jixiao.extract.clean import tidy
from jixiao.extract.text import read_rows
from jixiao.schemas.errors import NoTargetTable, UnreadableFile

SEED = SAMPLES / "000_b8c562a2c440e30e.txt"


@pytest.mark.parametrize("codec", ["utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_encodings_detected_from_content(tmp_path, codec):
    text = SEED.read_text(encoding="utf-8")
    target = tmp_path / "no_extension_hint.dat"
    target.write_bytes(text.encode(codec))
    doc = extract_file(target)
    assert [f.title for f in doc.forms] == [f.title for f in extract_file(SEED).forms]
    assert len(doc.forms) == 4


@pytest.mark.parametrize("raw,clean", [
    ("<p>目标 1: 做好</p>", "目标1:做好"),
    ("<b>项目名称</b>", "项目名称"),
    ("$\\geq 95\\%$", "≥95%"),
    ("## 附件 2：平罗", "附件2:平罗"),
    ("≥ 80%", "≥80%"),
    ("2024 年 1-12 月", "2024年1-12月"),
    ("Word 2016 版 10 20", "Word 2016版10 20"),
    ("招录（聘）公务员", "招录(聘)公务员"),
    ("中共中卫市沙坡头委员会 办公室", "中共中卫市沙坡头委员会办公室"),
    ("11-数量指标（必填 硬性指标）", "11-数量指标(必填硬性指标)"),
    ("优 <input type=\"checkbox\"/> 良", "优良"),
    ("395694件 700064卷", "395694件700064卷"),
    ("⽬标 ⻔户", "目标门户"),
    # pdfminer's text of the layout bed's Chromium PDFs (bench/layouts converted)
    ("提高全⺠素质", "提高全民素质"), ("⻬心协力", "齐心协力"), ("⻩⾦周", "黄金周"),
    ("氵", "氵"), ("⺡", "⺡"),  # a radical that is only part of a character stays as it is
    # pdfplumber's JSON rows of the seed-23 bed's Chromium PDFs: the Chinese dash by the older code page
    ("0101―⼀年期项⽬", "0101—一年期项目"),
    # pdfium's mark for a hyphen ending a line (seed 35's Writer form: 2024年1月- | 12月)
    ("2024年1月\x0212月", "2024年1月-12月"),
])
def test_tidy(raw, clean):
    assert tidy(raw) == clean


def test_rows_keep_their_line_numbers_and_blank_lines_make_none():
    """Lines 2 and 4 hold no text (nothing, or empty cells and spaces): no row, and the rows after
    them keep their own line numbers; trailing empty cells go, inner ones stay."""
    rows = read_rows("项目名称\t\t党委事务经费\t\n\n 一级指标 \t二级指标\n\t \t\n指标1:会议次数\t≥ 20次")
    assert [(row.cells, row.line) for row in rows] == [
        (["项目名称", "", "党委事务经费"], 1), (["一级指标", "二级指标"], 3), (["指标1:会议次数", "≥20次"], 5),
    ]


def test_forms_keep_title_attachment_year_and_lines():
    doc = extract_file(SAMPLES / "003_70fe2327b2a4f61d.txt")
    first = doc.forms[0]
    assert (first.title, first.attachment, first.fiscal_year, first.line_start) == (
        "部门项目支出预算绩效目标表", "附件2", 2024, 3)
    assert [f.attachment for f in doc.forms[1:]] == [None] * 7


def test_bare_year_line_002():
    doc = extract_file(SAMPLES / "002_97939f2dd7b43a77.txt")
    assert [f.fiscal_year for f in doc.forms] == [2024] * 21


def test_not_a_target_table(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    with pytest.raises(NoTargetTable, match="notes.txt"):
        extract_file(path)


def test_binary_garbage_is_a_named_error(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises((UnreadableFile, NoTargetTable), match="garbage.txt"):
        extract_file(path)
