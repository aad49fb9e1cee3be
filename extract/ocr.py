"""Text recognition of line crops with rapidocr's shipped recognition model, offline.

rapidocr 3.x ships its default models in the wheel (PP-OCRv6 small), so
nothing is downloaded; only non-default models would be, and none is asked
for here. Full-page OCR is not used: detection over a whole page costs more
than the page budget, and the table grid already says where text is (`lines`
cuts each cell into its text lines). The recognition model's cost grows with
the width of its 48-pixel-high input (about 0.1 ms per pixel column on one
core) and nothing else, so:

- each line, trimmed to its ink, is scaled to `TEXT_HEIGHT` pixels and set
  in a white 48-pixel strip (measured on these forms: 22 px read as well as
  the full 48 at less than half the cost; 20 px began to lose characters);
- lines go to the model by fours, each with lines of similar width, padded
  to a multiple of 8 pixels (measured: the least padding for few calls);
  rapidocr's own recognizer call pads every crop to at least 320 pixels,
  which more than doubles the cost of a form's many short cells.

onnxruntime's telemetry is switched off by `jixiao/__init__.py`, which runs
before this.
"""
from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from rapidocr import RapidOCR
from rapidocr.ch_ppocr_rec import TextRecognizer

MODEL_HEIGHT = 48
TEXT_HEIGHT = 22
_BATCH = 4
_STEP = 8


@cache
def _engine() -> RapidOCR:
    """rapidocr configured for recognition only, loaded once per process.

    One onnxruntime thread per core this process may use, so a worker pinned
    to one core does not oversubscribe it.
    """
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Global.use_det": False,
        "Global.use_cls": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


@cache
def _recognizer() -> TextRecognizer:
    """The recognition session and its CTC decoder (see the module docstring for why not `engine(...)`)."""
    return _engine()._load_rec_model()


def model_dir() -> Path:
    """Where rapidocr loads its models from: the folder shipped inside the wheel, never a download cache."""
    return Path(_engine().cfg.Global.model_root_dir)


def _to_input(image: np.ndarray) -> np.ndarray:
    """Scale a line so its height is TEXT_HEIGHT, centred in a white MODEL_HEIGHT strip."""
    h, w = image.shape[:2]
    width = max(8, round(w * TEXT_HEIGHT / h))
    interpolation = cv2.INTER_AREA if h > TEXT_HEIGHT else cv2.INTER_CUBIC
    scaled = cv2.resize(image, (width, TEXT_HEIGHT), interpolation=interpolation)
    strip = np.full((MODEL_HEIGHT, width), 255, np.uint8)
    top = (MODEL_HEIGHT - TEXT_HEIGHT) // 2
    strip[top:top + TEXT_HEIGHT] = scaled
    return strip


def recognise(images: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence (the model's mean probability of the characters read) of each line image."""
    if not images:
        return []
    rec = _recognizer()
    strips = [_to_input(img) for img in images]
    order = sorted(range(len(strips)), key=lambda i: strips[i].shape[1])
    out: list[tuple[str, float]] = [("", 0.0)] * len(strips)
    start = 0
    while start < len(order):
        first = strips[order[start]].shape[1]
        end = start + 1
        widest = max(first * 1.25, first + 32)
        while end < len(order) and end - start < _BATCH and strips[order[end]].shape[1] <= widest:
            end += 1
        width = math.ceil(strips[order[end - 1]].shape[1] / _STEP) * _STEP
        # Normalised as rapidocr does ((x/255 - 0.5) / 0.5); padding is 0 there too.
        batch = np.zeros((end - start, 3, MODEL_HEIGHT, width), np.float32)
        for n, index in enumerate(order[start:end]):
            strip = strips[index]
            batch[n, :, :, : strip.shape[1]] = strip.astype(np.float32) / 127.5 - 1.0
        for index, decoded in zip(order[start:end], _decode(rec.session(batch)), strict=True):
            out[index] = decoded
        start = end
    return out


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


def _decode(probabilities: np.ndarray) -> list[tuple[str, float]]:
    """Greedy CTC decoding (as rapidocr's) with the character prior; the score is the
    mean probability the model gave the characters kept, 0 when none was."""
    weights, alphabet = _prior()
    best = (probabilities * weights).argmax(axis=2)
    chosen = np.take_along_axis(probabilities, best[..., None], axis=2)[..., 0]
    out = []
    for idx, prob in zip(best, chosen, strict=True):
        keep = idx != 0
        keep[1:] &= idx[1:] != idx[:-1]
        text = "".join(alphabet[i] for i in idx[keep])
        out.append((text, float(prob[keep].mean()) if text else 0.0))
    return out
