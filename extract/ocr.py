"""Text recognition of line crops with rapidocr's shipped recognition model, offline.

rapidocr 3.x ships its default models in the wheel (PP-OCRv6 small), so
nothing is downloaded; only non-default models would be, and none is asked
for here. Full-page OCR is not used: detection over a whole page costs more
than the page budget, and the table grid already says where text is (`lines`
cuts each cell into its text lines). The recognition model's cost grows with
the width of its 48-pixel-high input (about 0.12 ms per pixel column on one
core, and 2.7 ms a call), and past some 2,000 columns with the length of the
line too, so:

- each line, trimmed to its ink, is scaled to `TEXT_HEIGHT` pixels
  (measured on these forms: 22 px read CJK as well as the full 48 at less
  than half the cost). The model emits one character per 8 columns and
  needs a blank between two equal ones, so at 22 px runs of narrow digits
  collapse, `4,000,000.00` read as `4,00,00.0`: a text of digits, Latin
  letters and signs alone (its ink lower than a line of Chinese, `Text.wide`)
  is widened by `WIDE` and reads whole, while Chinese, square and wide
  enough, is not widened at all (`STRETCH`), which saves a quarter of the
  columns of a page; a run of digits inside Chinese where two equal digits
  stand side by side (1000, read 100) is read again alone, widened
  (`_figures_again`), a few dozen columns;
- a text of several lines (a wrapped cell, a label written one character per
  line) is read as one line, its lines side by side `GAP` apart: the model
  sees the words across the breaks, and a lone character is no longer read
  without context (`元` alone read as `π`). Past `LONG` columns (a
  年度总体目标 of twenty lines is ten thousand) such a line is cut between
  its lines into parts of about equal width, read apart and their readings
  joined: the model's cost per column grows with the line's length (its
  attention spans the whole line; measured on one core: 0.10 ms a column up
  to 2,000 columns, 0.14 at 7,700, 0.32 at 10,400), and a part of several
  whole lines keeps the context that joining was for;
- texts are packed side by side into strips about `ROW` wide, `SPACE` of
  paper apart, and each text takes the characters read over its own columns.
  A short text (a lone `≥`, `%`, `/` in a split value column) needs paper and
  neighbours around it to be read (alone, `≥` reads as `V` or `N`), and
  packing gives it both at the cost of the space alone, and saves the calls;
- strips are run in batches of similar widths, cut where the padding to the
  widest would cost more than another call (`_batches`); rapidocr's own
  recognizer call pads every crop to at least 320 pixels, which more than
  doubles the cost of a form's many short cells.

Measured and not taken (one core, AMD EPYC with AVX2 and FMA, no AVX-512
or VNNI; the batches the 19 sample scan pages make, the float model's
readings as reference):

- the model in 8 bits: static quantization of its Conv layers (QDQ, per
  channel, 7-bit signed weights as the AVX2 kernel without VNNI saturates,
  MinMax or percentile ranges from lines cut from the sample scans, and
  onnxruntime's Gelu fusion applied first, which quantizing otherwise
  defeats) takes about 27% off the model's time, but reads 1-1.5% of the
  characters of the seed-7 bed's scans otherwise (stray `.` and `:` from
  specks): its scans fall from 99.52% to 99.23% of fields, one rendering
  from 99.30% to 95.67%. Keeping the last stage or the first and last
  layers in floats still changes 1.1-1.5% of the characters. Dynamic
  quantization (ConvInteger) is slower than floats; quantizing the Softmax
  and the projection to 18,710 characters as well is slower still and
  gives the probabilities a step of 1/255;
- Chinese squeezed (`STRETCH` 0.8 or 0.7): 10-15% fewer columns, but the
  digits inside Chinese text collapse (2022 read as 22): 24 and 64 more
  fields wrong on the sample scans;
- the projection cut to GB 2312 and the signs (9,710 of 18,710 characters):
  about 8% less model time, but a rare character the model is sure of could
  no longer win (`_prior` weighs such characters down, it does not ban them),
  and every confidence rises by the probability of the characters cut;
- less padding: of the columns fed, 88% hold ink, 11.6% are the paper
  between and around texts and 0.2% pad a strip to its batch's widest.

onnxruntime's telemetry is switched off by `jixiao/__init__.py`, which runs
before this.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
from rapidocr import RapidOCR
from rapidocr.ch_ppocr_rec import TextRecognizer

MODEL_HEIGHT = 48
TEXT_HEIGHT = 22
STRETCH = 1.0
WIDE = 1.5
#: paper between the lines of one text
GAP = 8
#: paper between two texts packed in one strip
SPACE = 16
#: a text joined wider than this is read in parts, cut between its lines (see the module docstring)
LONG = 2048
#: paper at either end of a strip
MARGIN = 8
#: texts are packed into strips up to this wide (a longer text has a strip of its own)
ROW = 480
#: what one call of the model costs beyond its input, in pixel columns (measured: 2.7 ms, 0.12 ms a column)
_CALL = 23
#: most pixel columns in one call: past about a thousand the model's working set outgrows the
#: cache and every column costs more (measured: 0.11 ms a column at 1×480, 0.15 at 4×480)
_MOST = 1024


@cache
def _engine() -> RapidOCR:
    """rapidocr configured for recognition only, loaded once per process.

    One onnxruntime thread per core this process may use, so a worker pinned
    to one core does not oversubscribe it. onnxruntime's memory arena, which
    rapidocr turns off, is on: every call's input has a width of its own, and
    without the arena each call's tensors are allocated anew from a heap that
    fragments (the 19 sample scan pages read in one process, one core: 349 MB
    at its peak against 563, the same texts and confidences; the model alone
    over their batches runs about 6% faster, the whole read no measurably so).
    """
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Global.use_det": False,
        "Global.use_cls": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
    })


@cache
def _recognizer() -> TextRecognizer:
    """The recognition session and its CTC decoder (see the module docstring for why not `engine(...)`)."""
    return _engine()._load_rec_model()


def model_dir() -> Path:
    """Where rapidocr loads its models from: the folder shipped inside the wheel, never a download cache."""
    return Path(_engine().cfg.Global.model_root_dir)


@dataclass
class Text:
    """One text to read: its line images (a wrapped cell's lines, top to bottom), read as one line,
    and whether it is `wide`: digits, Latin letters and signs only, widened by WIDE."""

    pieces: list[np.ndarray]
    wide: bool = False


def _scaled(image: np.ndarray, stretch: float) -> np.ndarray:
    """A line at TEXT_HEIGHT pixels high, widened by `stretch`."""
    h, w = image.shape[:2]
    width = max(1, round(w * TEXT_HEIGHT * stretch / h))
    return cv2.resize(image, (width, TEXT_HEIGHT), interpolation=cv2.INTER_AREA if h > TEXT_HEIGHT else cv2.INTER_CUBIC)


def _side_by_side(lines: list[np.ndarray]) -> np.ndarray:
    """Scaled lines side by side `GAP` apart on paper (TEXT_HEIGHT high)."""
    if len(lines) == 1:
        return lines[0]
    gap = np.full((TEXT_HEIGHT, GAP), 255, np.uint8)
    return np.hstack([part for line in lines for part in (gap, line)][1:])


def _joined(text: Text) -> list[np.ndarray]:
    """The lines of one text, each scaled, side by side: one image, or, wider than LONG, parts of
    about equal width cut between lines (each cut at the line break nearest its share of the width)."""
    scaled = [_scaled(piece, WIDE if text.wide else STRETCH) for piece in text.pieces]
    ends = np.cumsum([line.shape[1] + GAP for line in scaled]) - GAP  # where each line ends
    count = min(len(scaled), -(-int(ends[-1]) // LONG))
    cuts = [0]
    for k in range(1, count):
        after = int(np.argmin(np.abs(ends[:-1] - k * ends[-1] / count))) + 1  # lines before the cut
        if after > cuts[-1]:
            cuts.append(after)
    cuts.append(len(scaled))
    return [_side_by_side(scaled[a:b]) for a, b in pairwise(cuts)]


@dataclass
class _Strip:
    """One input row of the model: texts side by side, each with the columns it occupies."""

    width: int
    texts: list[tuple[int, int]]  # (text index, left column)


def _pack(widths: list[int]) -> list[_Strip]:
    """Texts (by their widths) into strips about ROW wide, widest first, each into the first strip it fits."""
    strips: list[_Strip] = []
    for index in sorted(range(len(widths)), key=lambda i: -widths[i]):
        for strip in strips:
            if strip.width + SPACE + widths[index] + MARGIN <= ROW:
                strip.texts.append((index, strip.width + SPACE))
                strip.width += SPACE + widths[index]
                break
        else:
            strips.append(_Strip(MARGIN + widths[index], [(index, MARGIN)]))
    for strip in strips:
        strip.width += MARGIN
    return strips


def _batches(widths: list[int]) -> list[tuple[int, int]]:
    """Runs (start, end) of the width-sorted strips to run together, at the least cost.

    A call costs `_CALL` pixel columns of its own, and every strip in it is
    padded to the widest; the best cut of the sorted widths into runs (of at
    most `_MOST` columns, unless one strip alone is wider) is found by
    dynamic programming.
    """
    cost = [0.0] + [float("inf")] * len(widths)
    cut = [0] * (len(widths) + 1)
    for end in range(1, len(widths) + 1):
        for start in range(end - 1, -1, -1):
            if end - start > 1 and (end - start) * widths[end - 1] > _MOST:
                break
            total = cost[start] + _CALL + (end - start) * widths[end - 1]
            if total < cost[end]:
                cost[end], cut[end] = total, start
    runs = []
    end = len(widths)
    while end:
        runs.append((cut[end], end))
        end = cut[end]
    return runs[::-1]


@dataclass
class _Steps:
    """What the model read over one image: the character chosen at each step (0 is CTC's blank),
    the model's probability of it, and the column of the image the step is centred on."""

    best: np.ndarray
    chosen: np.ndarray
    centres: np.ndarray


def _read(images: list[np.ndarray]) -> list[_Steps]:
    """Each image (TEXT_HEIGHT high, on paper) read: packed into strips, the strips run in batches."""
    strips = sorted(_pack([image.shape[1] for image in images]), key=lambda strip: strip.width)
    rec = _recognizer()
    top = (MODEL_HEIGHT - TEXT_HEIGHT) // 2
    out: list[_Steps] = [_Steps(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0))] * len(images)
    for start, end in _batches([strip.width for strip in strips]):
        run = strips[start:end]
        # Normalised as rapidocr does ((x/255 - 0.5) / 0.5): paper is 1; the padding past a strip's end is 0, as there.
        batch = np.zeros((len(run), 3, MODEL_HEIGHT, run[-1].width), np.float32)
        for n, strip in enumerate(run):
            batch[n, :, :, :strip.width] = 1.0
            for index, left in strip.texts:
                image = images[index]
                batch[n, :, top:top + TEXT_HEIGHT, left:left + image.shape[1]] = image.astype(np.float32) / 127.5 - 1.0
        for strip, (best, chosen) in zip(run, _best_paths(rec.session(batch)), strict=True):
            # each step goes to the image whose span (widened by half the space around it) holds its centre
            centres = (np.arange(best.size) + 0.5) * batch.shape[3] / best.size
            for index, left in strip.texts:
                right = left + images[index].shape[1]
                mine = (centres >= left - SPACE / 2) & (centres < right + SPACE / 2)
                out[index] = _Steps(best[mine], chosen[mine], centres[mine] - left)
    return out


def recognise(texts: list[Text]) -> list[tuple[str, float]]:
    """Text and confidence (the model's mean probability of the characters read) of each text."""
    parts = [_joined(text) for text in texts]
    images = [image for images in parts for image in images]
    read = _read(images)
    _figures_again(images, read, [not text.wide for text, part in zip(texts, parts, strict=True) for _ in part])
    steps = iter(read)
    return [_text(_chained([next(steps) for _ in images])) for images in parts]


def _kept(steps: _Steps) -> np.ndarray:
    """The steps CTC keeps: not blank, not a repeat of the step before."""
    keep = steps.best != 0
    keep[1:] &= steps.best[1:] != steps.best[:-1]
    return np.flatnonzero(keep)


#: a run of digits where blanks may have run short: two equal digits side by side (100, 000 of 2000)
_DOUBLED = re.compile(r"(\d)\1")
#: how sure the model must be of every digit of a run read again (`_figures_again`): the half of a
#: character at the crop's edge reads as a digit it is less sure of (个 as 4 at 0.75, % as 9 at 0.7)
_SURE = 0.9


def _figures_again(images: list[np.ndarray], read: list[_Steps], narrow: list[bool]) -> None:
    """Each run of digits read in a text not widened (Chinese) that holds two equal digits side by side
    (`_DOUBLED`) read again widened, its steps put right in `read` when the widened reading holds the
    same digits and more.

    Digits in a line of Chinese are half as wide as its characters, and at
    `TEXT_HEIGHT` a run of them is too narrow for the blanks that part equal
    characters, or for all of its digits: 每人1000-2000元 read
    每人100-2000元, the value 1000-2000元/人 read 100-000元/人 (seed-29
    0055_calc_scan). Widened by `WIDE`, as digits alone are read, they read
    whole. Only the run is read again, from the middle of the character
    before it to the middle of the one after: a few dozen columns, not the
    text. A narrow reading loses digits and changes none, so the widened
    run is taken when it holds the narrow one in order and is longer, and
    the model is sure of each of its digits (`_SURE`).
    """
    _, alphabet = _prior()
    digit, index = _digits()
    crops: list[np.ndarray] = []
    places: list[tuple[int, int, int, str, float]] = []  # image, first and last step of the run, its digits, least sure
    for k, (image, steps) in enumerate(zip(images, read, strict=True)):
        if not narrow[k]:
            continue
        kept = _kept(steps)
        digits = digit[steps.best[kept]]
        for start, end in _runs_of(digits):
            left = max(0, round(steps.centres[kept[start - 1]])) if start else 0
            right = min(image.shape[1], round(steps.centres[kept[end]])) if end < kept.size else image.shape[1]
            run = "".join(alphabet[i] for i in steps.best[kept[start:end]])
            if not _DOUBLED.search(run) or right - left < 2:
                continue
            crop = image[:, left:right]
            crops.append(cv2.resize(crop, (max(1, round(crop.shape[1] * WIDE)), TEXT_HEIGHT),
                                    interpolation=cv2.INTER_CUBIC))
            last = int(kept[end]) - 1 if end < kept.size else steps.best.size - 1  # its last digit's repeats too
            places.append((k, int(kept[start]), last, run, float(steps.chosen[kept[start:end]].min())))
    if not crops:
        return
    for (k, first, last, run, score), again in reversed(list(zip(places, _read(crops), strict=True))):
        kept = _kept(again)
        chars, sure = again.best[kept], again.chosen[kept]
        runs = [(a, b) for a, b in _runs_of(digit[chars]) if sure[a:b].min() >= _SURE]
        figure = max(("".join(alphabet[i] for i in chars[a:b]) for a, b in runs), key=len, default="")
        if len(figure) <= len(run) or not _in_order(run, figure):
            continue
        steps = read[k]
        best = np.array([i for char in figure for i in (0, index[char])] + [0], np.int64)
        centres = np.linspace(steps.centres[first], steps.centres[last], best.size)
        read[k] = _Steps(np.concatenate([steps.best[:first], best, steps.best[last + 1:]]),
                         np.concatenate([steps.chosen[:first], np.full(best.size, score, np.float32),
                                         steps.chosen[last + 1:]]),
                         np.concatenate([steps.centres[:first], centres, steps.centres[last + 1:]]))


@cache
def _digits() -> tuple[np.ndarray, dict[str, int]]:
    """Which of the decoder's characters are digits, and each digit's index."""
    _, alphabet = _prior()
    index = {char: i for i, char in enumerate(alphabet) if len(char) == 1 and char.isdigit()}
    digit = np.zeros(len(alphabet), bool)
    digit[list(index.values())] = True
    return digit, index


def _runs_of(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs (start, end exclusive) of True in `flags`."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _in_order(short: str, long: str) -> bool:
    """Every character of `short` in `long`, in order."""
    rest = iter(long)
    return all(char in rest for char in short)


def _chained(parts: list[_Steps]) -> _Steps:
    """The steps of a text read in parts, one after another, a blank between two parts (as the paper
    between two lines reads), so the characters either side of a cut are never merged as a repeat."""
    if len(parts) == 1:
        return parts[0]
    blank = _Steps(np.zeros(1, np.int64), np.zeros(1, np.float32), np.zeros(1))
    joined = [part for steps in parts for part in (blank, steps)][1:]
    return _Steps(np.concatenate([s.best for s in joined]), np.concatenate([s.chosen for s in joined]),
                  np.concatenate([s.centres for s in joined]))


@cache
def _prior() -> tuple[np.ndarray, list[str]]:
    """The decoder's alphabet and a weight per character: 1, or 0.1 for a Han character outside GB 2312.

    The model reads traditional and simplified Chinese alike and sometimes
    picks the traditional twin of a character (編 for 编); these forms are
    printed in simplified characters, which GB 2312 holds. A weight, not a
    ban: a rare character the model is sure of (a name) still wins.
    """
    alphabet = list(_recognizer().postprocess_op.character)
    weights = np.ones(len(alphabet), np.float32)
    for i, char in enumerate(alphabet):
        if len(char) == 1 and "\u3400" <= char <= "\u9fff":
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                weights[i] = 0.1
    return weights, alphabet


def _best_paths(probabilities: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per strip, the character chosen at each step (greedy, with the prior) and the model's probability of it.

    The prior only matters where the likeliest character is one it weighs
    down, so only those steps are weighed again.
    """
    weights, _ = _prior()
    best = probabilities.argmax(axis=2)
    doubtful = weights[best] < 1
    if doubtful.any():
        best[doubtful] = (probabilities[doubtful] * weights).argmax(axis=1)
    chosen = np.take_along_axis(probabilities, best[..., None], axis=2)[..., 0]
    return list(zip(best, chosen, strict=True))


def _text(steps: _Steps) -> tuple[str, float]:
    """CTC collapse of one text's steps (repeats merged, blanks dropped) and the mean probability of
    the characters kept (0 when none was); spaces read in the paper around a text are not part of it."""
    _, alphabet = _prior()
    keep = steps.best != 0
    keep[1:] &= steps.best[1:] != steps.best[:-1]
    chars = [alphabet[i] for i in steps.best[keep]]
    scores = steps.chosen[keep]
    first = next((i for i, char in enumerate(chars) if not char.isspace()), len(chars))
    last = next((i for i in range(len(chars) - 1, -1, -1) if not chars[i].isspace()), -1) + 1
    if first >= last:
        return "", 0.0
    return "".join(chars[first:last]), float(scores[first:last].mean())
