"""Property tests: what must hold for any input, not just the samples.

Hand-written cases only cover what someone thought of; archives hold cells
nobody thought of. These draw cells and damaged forms at random and check
the promises every stage makes: value parsing never raises and converts
money consistently, cleaning is stable, damaged forms still give records,
and the same bytes always give the same output.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE_FILES
from jixiao.extract.clean import tidy
from jixiao.extract.text import extract_text
from jixiao.normalize import normalize_document
from jixiao.normalize.goals import split_goals
from jixiao.normalize.header import funds, period
from jixiao.normalize.indicators import split_seq
from jixiao.normalize.values import money_amounts, parse_value
from jixiao.schemas.errors import JixiaoError
from jixiao.schemas.form import Form, Value, ValueKind
from jixiao.writers import json_line, read, write

FAST = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces value cells are made of, so that drawn cells look like values often enough to reach every kind.
VALUE_TOKENS = [
    "1", "20", "0.5", "22.5", "3600", "2026", "12", "9", " ", "万元", "万", "元", "%", "次", "人", "个村", "年", "月",
    "天", "小时", "/", "每", "-", "~", "至", "—", "*", "×", "=", "+", "≥", "≤",
    "不少于", "不超过", "约", "大于", "小于",
    "以上", "以内", "左右", "底前", "年底", "份", "、", ",", "(", ")", "有效提升", "计划", ".", "..", "1.2.3",
]
#: Digit runs of every length: Decimal's precision, floats and int() give out at 27, 309 and 4,300 digits.
long_numbers = st.one_of(
    st.tuples(
        st.one_of(st.integers(1, 10**30), st.integers(10**25, 10**400)), st.sampled_from(["", ".5", ".125"]),
    ).map(lambda parts: f"{parts[0]}{parts[1]}"),
    st.integers(1, 6000).map(lambda n: "9" * n),
)
value_cells = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(VALUE_TOKENS), max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(VALUE_TOKENS), long_numbers), max_size=5).map("".join),
    st.tuples(
        st.sampled_from(["", "≥", "约", "不超过"]), long_numbers,
        st.sampled_from(["", "元", "万元", "万", "元/人", "%", "个", "-1元", "*2=3元"]),
    ).map("".join),
)
#: Pieces of converter output that cleaning rewrites: markup, full-width forms, CJK and spaces.
MARKUP_TOKENS = [
    "<p>", "</p>", "<b>", "<", ">", "＜", "＞", "<input type=\"checkbox\"/>", "$", "＄",
    "\\geq", "\\%", "\\le", "{", "}", "#", "＃", "## ", "# ", " ", "  ", "\t", "\u3000", "\n",
    "中", "文", "委员会", "，", "（", "）", "：", "１", "a", "Ａ",
    "%", "％", "、", "。", "⻔", "(", ")", "-", "2024",
]
markup_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(MARKUP_TOKENS), max_size=16).map("".join),
)

_MONEY_FACTOR = {"元": 1, "万元": 10000}
_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_INT64 = 2**63 - 1


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.006)


def _check_value(value: Value) -> None:
    """The invariants of a parsed value, whatever its kind."""
    assert isinstance(value.kind, ValueKind)
    for number in (value.number, value.low, value.high, value.yuan, value.low_yuan, value.high_yuan, value.computed):
        assert number is None or math.isfinite(number), value
    for month in (value.start, value.end):
        assert month is None or _YEAR_MONTH.match(month), value
    if value.kind is ValueKind.money or (
        value.kind in (ValueKind.rate, ValueKind.formula) and value.unit in _MONEY_FACTOR
    ):
        assert value.unit in _MONEY_FACTOR and value.number is not None and value.yuan is not None
        assert _close(value.yuan, value.number * _MONEY_FACTOR[value.unit])
    if value.kind is ValueKind.range:
        assert value.low is not None and value.high is not None and value.low < value.high
        if value.unit in _MONEY_FACTOR:
            assert _close(value.low_yuan, value.low * _MONEY_FACTOR[value.unit])
            assert _close(value.high_yuan, value.high * _MONEY_FACTOR[value.unit])
    if value.kind is ValueKind.text:
        assert value.text
    for item in value.items or []:
        assert item.kind is ValueKind.number and item.number is not None


@FAST
@given(raw=value_cells, fiscal_year=st.one_of(st.none(), st.integers(1990, 2040)))
def test_parse_value_never_raises_and_converts_money(raw: str, fiscal_year: int | None) -> None:
    _check_value(parse_value(raw, fiscal_year))
    _check_value(parse_value(tidy(raw), fiscal_year))


@FAST
@given(text=markup_text)
def test_tidy_is_idempotent(text: str) -> None:
    once = tidy(text)
    assert tidy(once) == once


amount_cells = st.one_of(st.none(), value_cells, long_numbers)


@FAST
@given(
    label=st.one_of(st.none(), st.sampled_from(["项目资金(万元)", "项目资金(元)", "项目资金"])),
    total=amount_cells, fiscal=amount_cells, other=amount_cells, period_raw=st.one_of(st.none(), value_cells),
)
def test_header_fields_never_raise_and_fit_their_columns(
    label: str | None, total: str | None, fiscal: str | None, other: str | None, period_raw: str | None,
) -> None:
    money = funds(label, total, fiscal, other)
    for yuan in (money.total_yuan, money.fiscal_yuan, money.other_yuan):
        assert yuan is None or abs(yuan) <= _INT64
    span = period(period_raw)
    for month in (span.start, span.end):
        assert month is None or _YEAR_MONTH.match(month)
    assert span.years is None or math.isfinite(span.years)


@FAST
@given(
    text=st.lists(
        st.one_of(st.sampled_from(VALUE_TOKENS + ["指标", ":", "目标1:", "、"]), long_numbers), max_size=8
    ).map("".join)
)
def test_names_and_goals_never_raise(text: str) -> None:
    seq, _ = split_seq(text)
    assert seq is None or 0 <= seq <= _INT64
    split_goals(text)
    assert all(math.isfinite(amount) for amount in money_amounts(text))


# Damaged forms --------------------------------------------------------------------------------

SAMPLE_LINES = {path.name: path.read_text(encoding="utf-8").split("\n") for path in SAMPLE_FILES}


@st.composite
def damaged_documents(draw: st.DrawFn) -> str:
    """A sample document with a few cells deleted, columns swapped, characters inserted, lines dropped."""
    lines = [line.split("\t") for line in SAMPLE_LINES[draw(st.sampled_from(sorted(SAMPLE_LINES)))]]
    for _ in range(draw(st.integers(1, 12))):
        if not lines:
            break
        row = draw(st.integers(0, len(lines) - 1))
        cells = lines[row]
        action = draw(
            st.sampled_from(["delete_cell", "blank_cell", "swap", "insert", "drop_line", "duplicate_line", "cut"])
        )
        if action == "delete_cell" and cells:
            del cells[draw(st.integers(0, len(cells) - 1))]
        elif action == "blank_cell" and cells:
            cells[draw(st.integers(0, len(cells) - 1))] = ""
        elif action == "swap" and len(cells) >= 2:
            i, j = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[i], cells[j] = cells[j], cells[i]
        elif action == "insert" and cells:
            col = draw(st.integers(0, len(cells) - 1))
            at = draw(st.integers(0, len(cells[col])))
            noise = draw(
                st.one_of(st.text(min_size=1, max_size=8), st.sampled_from(VALUE_TOKENS + MARKUP_TOKENS), long_numbers)
            )
            cells[col] = cells[col][:at] + noise + cells[col][at:]
        elif action == "drop_line":
            del lines[row]
        elif action == "duplicate_line":
            lines.insert(row, list(cells))
        elif action == "cut":
            # A file cut short: everything after a point in this line is gone.
            lines = lines[:row + 1]
            text = "\t".join(cells)
            lines[row] = text[: draw(st.integers(0, len(text)))].split("\t")
    return "\n".join("\t".join(cells) for cells in lines)


def run_text(text: str, name: str = "damaged.txt") -> list[Form]:
    """Extract and normalize `text` as a text file's bytes, the way `process_file` does."""
    data = text.encode("utf-8")
    return normalize_document(extract_text(Path(name), data, hashlib.sha256(data).hexdigest()))


def _strict_json(line: str) -> dict:
    """Parse as standard JSON: Infinity and NaN, which json.dumps writes for inf and nan, are refused."""
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(line, parse_constant=refuse)


def _check_form(form: Form, name: str) -> None:
    """A damaged form is still a valid record of its own file."""
    assert form.source.path == name
    Form.model_validate(_strict_json(json_line(form)))
    for yuan in (form.funds.total_yuan, form.funds.fiscal_yuan, form.funds.other_yuan):
        assert yuan is None or abs(yuan) <= _INT64
    for month in (form.period.start, form.period.end):
        assert month is None or _YEAR_MONTH.match(month)
    assert all(i.seq is None or 0 <= i.seq <= _INT64 for i in form.indicators)
    for indicator in form.indicators:
        _check_value(indicator.value)
    for check in form.checks:
        assert check.indicator is None or 0 <= check.indicator < len(form.indicators)


@SLOW
@given(text=damaged_documents())
def test_damaged_forms_still_give_valid_records(text: str) -> None:
    try:
        forms = run_text(text)
    except JixiaoError:
        return
    for form in forms:
        _check_form(form, "damaged.txt")


@SLOW
@given(text=damaged_documents())
def test_same_input_gives_byte_identical_json(text: str) -> None:
    def outcome() -> list[str] | str:
        """The JSON lines, or the error: a damaged input must fail the same way each time."""
        try:
            return [json_line(f) for f in run_text(text)]
        except JixiaoError as exc:
            return str(exc)

    assert outcome() == outcome()


_PRINT_SAMPLES = """
import sys
from pathlib import Path
from jixiao.pipeline import process_file
from jixiao.writers import json_line, read, write
for name in sys.argv[1:]:
    for form in process_file(Path(name)).forms:
        print(json_line(form))
"""


@pytest.mark.timeout(120)
def test_output_does_not_depend_on_the_hash_seed() -> None:
    """Two interpreters with different string hashing print the same bytes (no set or dict order leaks)."""
    names = [f"samples/{p.name}" for p in SAMPLE_FILES]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _PRINT_SAMPLES, *names], cwd=ROOT, env=env,
                              capture_output=True, check=True, timeout=110)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 50 and json.loads(outputs[0].splitlines()[0])["form_id"]


# Regressions: inputs the properties above found, each a bug fixed where it lived ----------------


def test_money_beyond_decimal_precision_does_not_raise() -> None:
    """Rounding 30 digits of 万元 to cents raised decimal.InvalidOperation, failing the whole file."""
    value = parse_value("9" * 30 + "万元")
    assert value.kind is ValueKind.money and value.yuan == pytest.approx(1e34)
    assert parse_value("1*2*3=" + "9" * 40 + "元").kind is ValueKind.formula


def test_number_too_long_for_a_float_stays_text() -> None:
    """309 digits became inf, which the JSON lines writer printed as the non-JSON word Infinity."""
    value = parse_value("9" * 400)
    assert value.kind is ValueKind.text and value.text == "9" * 400


def test_months_outside_one_to_twelve_are_no_dates() -> None:
    """'2024年13月-14月' gave start 2024-13: not a YYYY-MM month."""
    for raw in ("2024年13月-14月", "0-99月份", "13月前"):
        value = parse_value(raw, 2024)
        assert value.kind is not ValueKind.date and value.start is None and value.end is None
    assert period("2024 年 1-13 月").end is None and period("2024.13-2025.01").start is None
    assert parse_value("12月前", 2024).end == "2024-12"


def test_total_beyond_int64_is_left_raw(tmp_path: Path) -> None:
    """A 25-digit total became total_yuan 10**25, and Parquet writing then failed for every file of the batch."""
    money = funds("项目资金(万元)", "9" * 25, "50", None)
    assert money.total_yuan is None and money.total_raw == "9" * 25
    assert money.fiscal_yuan == 500000 and money.unit_applied == "万元"
    text = SAMPLE_LINES["000_b8c562a2c440e30e.txt"]
    forms = run_text("\n".join(text).replace("年度资金总额:\t50", "年度资金总额:\t" + "9" * 25, 1))
    write(forms, str(tmp_path / "parquet"))
    assert len(read(tmp_path / "parquet")) == len(forms)


@pytest.mark.parametrize("raw, clean", [
    ("投诉率<5%,满意度>90%", "投诉率<5%,满意度>90%"),
    ("<<中华人民共和国预算法>>", "<<中华人民共和国预算法>>"),
    ("<p>说明</p><input type=\"checkbox\"/>", "说明"),
    ("< b>加粗</b>", "加粗"),
    ("<a<b>>内容", "内容"),
])
def test_only_tags_are_removed_as_markup(raw: str, clean: str) -> None:
    """Any <…> went as a tag: '投诉率<5%,满意度>90%' became '投诉率90%', silently changing the value."""
    assert tidy(raw) == clean


@pytest.mark.parametrize("raw", ["$＄", "＜p＞文字", "＃ 标题", "A´", "# # 附件"])
def test_tidy_of_tidy_changes_nothing(raw: str) -> None:
    """Full-width markup became markup only after folding, and a dropped space let a mark compose later."""
    assert tidy(tidy(raw)) == tidy(raw)


def test_huge_figures_in_goals_periods_and_sequence_numbers() -> None:
    """A million-digit 元 amount in the goals raised decimal.Overflow; 400 digits of 年 made years inf;
    指标 + 5,000 digits raised in int(), and + 20 digits overflowed Parquet's int64 seq column."""
    assert money_amounts("9" * 1_000_001 + "元") == [] and money_amounts("共50万元") == [500000.0]
    assert period("9" * 400 + "年").years is None and period("1 年").years == 1.0
    assert split_seq("指标" + "9" * 5000 + ":名称") == (None, "名称")
    assert split_seq("指标" + "9" * 20 + ":名称") == (None, "名称") and split_seq("指标 12: 名称") == (12, "名称")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("piece", ["1*", "1 ", "9", "9" * 299 + "x", "2024年1月", "1个、", "指标1", "<a", "$"])
def test_long_cells_take_linear_time(piece: str) -> None:
    """Backtracking regexes: "1*" * 2000 (4 KB) took 25 s in parse_value (the formula pattern),
    a 32,000-digit goal 30 s in money_amounts. 100 KB of each must take well under a second or two."""
    cell = piece * (100_000 // len(piece))
    started = time.perf_counter()
    parse_value(cell, 2024)
    money_amounts(cell)
    split_goals(cell)
    split_seq(cell)
    tidy(cell)
    assert time.perf_counter() - started < 5
