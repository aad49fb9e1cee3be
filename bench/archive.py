"""Make a synthetic archive of N documents by varying the five samples.

Used by the batch tests (a few hundred documents) and `make bench` (ten
thousand) so neither needs a committed archive. Variation is deterministic
for a seed: project names, fiscal years, amounts, encodings (UTF-8, UTF-8
with BOM, GB18030, UTF-16), folder layout, and a few broken files.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16")
BROKEN_EVERY = 50


def _vary(text: str, rng: random.Random, number: int) -> str:
    year = rng.choice((2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026))
    text = re.sub(r"\((\s*)(?:19|20)\d{2}(\s*)年度\)", lambda m: f"({m.group(1)}{year}{m.group(2)}年度)", text)
    text = re.sub(r"^(\s*)(?:19|20)\d{2}(\s*)$", lambda m: f"{m.group(1)}{year}{m.group(2)}", text, flags=re.M)
    # Project names get a serial so every form in the archive is distinct.
    return re.sub(r"^(项目名称\t+)([^\t\n]+)", lambda m: f"{m.group(1)}{m.group(2)}(批次{number})", text, flags=re.M)


def _broken(rng: random.Random, number: int) -> bytes:
    kind = number // BROKEN_EVERY % 3
    if kind == 0:
        return b""
    if kind == 1:
        return bytes(rng.randrange(256) for _ in range(2048))
    return "会议纪要\n本文件不含绩效目标表。\n".encode()


def make_archive(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write `n` documents under `folder` (in issuer/year sub-folders); return their paths."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    paths = []
    for number in range(n):
        sub = folder / f"issuer{number % 7}" / f"batch{number // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"doc{number:06d}.txt"
        if number % BROKEN_EVERY == BROKEN_EVERY - 1:
            path.write_bytes(_broken(rng, number))
        else:
            text = _vary(texts[number % len(texts)], rng, number)
            path.write_bytes(text.encode(rng.choice(ENCODINGS)))
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    make_archive(Path(sys.argv[1]), int(sys.argv[2]))
