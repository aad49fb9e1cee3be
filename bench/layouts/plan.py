"""What one rendering will be: which forms, which producer, which layout features.

A plan is drawn from its own seeded generator (`random.Random(f"{seed}:{number}")`),
so rendering number 17 of seed 1 is the same whatever the count or the worker
that builds it. Every feature is recorded by name as `feature=value`, the
values that are the usual layout included, so the scorer can put each
feature's accuracy beside its alternative.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "samples" / "expected"

Producer = Literal["chromium", "calc", "writer"]
PRODUCERS: tuple[Producer, ...] = ("chromium", "calc", "writer")


@dataclass(frozen=True)
class Sample:
    """One hand-verified record and where it comes from (`stem#index`)."""

    stem: str
    index: int
    record: dict

    @property
    def key(self) -> str:
        return f"{self.stem}#{self.index}"

    @property
    def size(self) -> int:
        return len(self.record["indicators"])


def load_samples() -> list[Sample]:
    """Every record of samples/expected, in file and form order."""
    out = []
    for path in sorted(EXPECTED.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out.append(Sample(path.stem, record["source"]["form_index"], record))
    return out


@dataclass(frozen=True)
class ScanPlan:
    """How a rendered PDF is degraded into a scan."""

    dpi: int
    turn: int  # 0, 90 or 180 degrees clockwise
    skew: float  # degrees, small
    noise: bool
    image: bool  # one image file when the document has a single page, else always an image-only PDF


#: the first seed whose plans draw 权重 and 备注 columns: the beds of earlier seeds (their scores
#: are on record) and the committed sample's renderings of them stay as they were built
EXTRA_COLUMNS_SINCE = 31

Arrangement = Literal["single", "several_per_page", "page_each", "three_pages"]


@dataclass
class Plan:
    """One rendering: its forms and every layout choice the producers read."""

    number: int
    producer: Producer
    forms: list[Sample]
    arrangement: Arrangement
    orientation: Literal["portrait", "landscape"] = "portrait"
    font: Literal["sans", "serif", "wqy"] = "sans"
    title_weight: Literal["bold", "fake_bold", "plain"] = "bold"
    narrow_labels: bool = False
    vertical_labels: Literal["none", "stacked", "rotated"] = "none"
    title_place: Literal["above", "in_table"] = "above"
    attachment: Literal["printed", "absent"] = "printed"
    page_numbers: Literal["none", "of_total", "dash"] = "none"
    block_break: Literal["none", "plain", "repeat_header"] = "none"
    amounts: Literal["wan", "yuan", "yuan_commas"] = "wan"
    split_values: bool = False
    level1_column: bool = True
    lead_column: bool = True
    spaced_year: bool = False
    spaced_title: bool = False
    distractor: Literal["none", "before", "after", "both"] = "none"
    row_split: bool = False  # Word tables only: may a row break across pages
    #: columns right of the value that other templates print and no record keeps (权重, 备注)
    extra_columns: Literal["none", "weight", "remark", "both"] = "none"
    scan: ScanPlan | None = None
    seed: str = ""

    def features(self) -> list[str]:
        """Every choice as `name=value`: what the scorer groups accuracy by."""
        names = [
            f"arrangement={self.arrangement}", f"orientation={self.orientation}", f"font={self.font}",
            f"title_weight={self.title_weight}", f"label_column={'narrow' if self.narrow_labels else 'wide'}",
            f"vertical_labels={self.vertical_labels}", f"title_place={self.title_place}",
            f"attachment={self.attachment}", f"page_numbers={self.page_numbers}",
            f"block_break={self.block_break}", f"amounts={self.amounts}",
            f"value_columns={'split' if self.split_values else 'one'}",
            f"level1_column={'yes' if self.level1_column else 'absent'}",
            f"lead_column={'yes' if self.lead_column else 'absent'}",
            f"year_line={'spaced' if self.spaced_year else 'plain'}",
            f"title_text={'spaced' if self.spaced_title else 'plain'}",
            f"distractor={self.distractor}", f"extra_columns={self.extra_columns}",
        ]
        if self.producer == "writer":
            names.append(f"row_split={'yes' if self.row_split else 'no'}")
        if self.scan is not None:
            names += [f"scan_dpi={self.scan.dpi}", f"scan_turn={self.scan.turn}",
                      f"scan_skew={'yes' if self.scan.skew else 'no'}",
                      f"scan_noise={'yes' if self.scan.noise else 'no'}"]
        return names

    @property
    def kind(self) -> str:
        """The producer, and `/scan` when the PDF was scanned: the scorer's first grouping."""
        return f"{self.producer}/scan" if self.scan else self.producer

    @property
    def stem(self) -> str:
        return f"{self.number:04d}_{self.kind.replace('/', '_')}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["forms"] = [s.key for s in self.forms]
        data["features"] = self.features()
        data["kind"] = self.kind
        return data


def _pick_forms(rng: random.Random, samples: list[Sample], arrangement: Arrangement) -> list[Sample]:
    if arrangement == "single":
        return [rng.choice(samples)]
    if arrangement == "three_pages":
        return [rng.choice([s for s in samples if s.size >= 14])]
    if arrangement == "several_per_page":
        small = [s for s in samples if s.size <= 10]
        return rng.sample(small, rng.randint(2, 3))
    return rng.sample(samples, rng.randint(2, 4))


def draw_plan(seed: int, number: int, samples: list[Sample], producers: tuple[Producer, ...] = PRODUCERS,
              scan_share: float = 0.3) -> Plan:
    """The plan of rendering `number`: producers in turn, every feature drawn where the layout allows it.

    Only short documents (one form, or several on a page) are scanned, a
    `scan_share` of them: OCR costs seconds a page, and a scan of a long
    document tests nothing a short one does not.
    """
    rng = random.Random(f"{seed}:{number}")
    producer = producers[number % len(producers)]
    arrangement: Arrangement = rng.choices(
        ("single", "several_per_page", "page_each", "three_pages"), weights=(4, 2, 3, 2))[0]
    plan = Plan(number, producer, _pick_forms(rng, samples, arrangement), arrangement, seed=f"{seed}:{number}")
    plan.orientation = rng.choice(("portrait", "portrait", "landscape"))
    plan.font = rng.choice(("sans", "serif", "wqy"))
    plan.title_weight = rng.choice(("bold", "fake_bold", "plain"))
    plan.narrow_labels = rng.random() < 0.35
    plan.lead_column = rng.random() < 0.6
    plan.level1_column = rng.random() < 0.75
    plan.split_values = rng.random() < 0.3
    plan.title_place = rng.choice(("above", "above", "in_table"))
    plan.attachment = rng.choice(("printed", "absent"))
    plan.page_numbers = rng.choice(("none", "of_total", "dash"))
    plan.amounts = rng.choice(("wan", "wan", "yuan", "yuan_commas"))
    plan.spaced_year = rng.random() < 0.3
    plan.spaced_title = rng.random() < 0.25
    plan.distractor = rng.choices(("none", "before", "after", "both"), weights=(6, 2, 1, 1))[0]
    if arrangement == "three_pages":
        plan.block_break = rng.choice(("plain", "repeat_header"))
    elif arrangement != "several_per_page":
        plan.block_break = rng.choice(("none", "none", "plain", "repeat_header"))
    if plan.block_break == "repeat_header":
        plan.lead_column = False  # a repeated header row cannot share a merged cell with the rows below it
    if plan.lead_column or plan.level1_column:
        plan.vertical_labels = rng.choice(("none", "none", "stacked", "rotated"))
    plan.row_split = rng.random() < 0.5
    if seed >= EXTRA_COLUMNS_SINCE:  # drawn apart: every other choice of a seed is as it was before the feature
        plan.extra_columns = random.Random(f"{seed}:{number}:columns").choices(
            ("none", "weight", "remark", "both"), weights=(5, 2, 2, 1))[0]
    if arrangement in ("single", "several_per_page") and rng.random() < scan_share:
        plan.scan = ScanPlan(
            dpi=rng.choice((150, 200, 300)), turn=rng.choice((0, 0, 0, 90, 180)),
            skew=round(rng.uniform(-2, 2), 2) if rng.random() < 0.5 else 0.0, noise=rng.random() < 0.5,
            image=rng.random() < 0.5,
        )
    return plan
