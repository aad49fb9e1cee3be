"""Scans of rendered PDFs: pages rasterised, then degraded the way a scanner or a photocopier does.

Each page is rendered in gray with pypdfium2 at the plan's resolution
(150-300 dpi), skewed by a small angle (a crooked feed), given sensor grain
(σ 8) and specks (0.1%), and turned by 90° or 180° (a page fed sideways or
upside down).
A one-page document may be stored as one image (PNG, or JPEG when noisy:
grain makes a PNG of 5 MB); otherwise the pages go into a PDF of JPEG
images with no text layer, as scanners write them. The pixels
depend only on the plan's seed.
"""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from bench.layouts.plan import ScanPlan
from tests.fixtures.make_scans import image_only_pdf

JPEG_QUALITY = 70


def _skew(img: np.ndarray, degrees: float) -> np.ndarray:
    h, w = img.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = img.astype(np.float32) + rng.normal(0, 8, img.shape)
    specks = rng.random(img.shape)
    out[specks < 0.0005] = 0
    out[specks > 0.9995] = 255
    return np.clip(out, 0, 255).astype(np.uint8)


_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180}


def degrade(img: np.ndarray, plan: ScanPlan, rng: np.random.Generator) -> np.ndarray:
    """One page through the plan's skew, noise and turn, in that order."""
    if plan.skew:
        img = _skew(img, plan.skew)
    if plan.noise:
        img = _noise(img, rng)
    if plan.turn:
        img = cv2.rotate(img, _TURNS[plan.turn])
    return img


def scan_pdf(source: Path, plan: ScanPlan, target: Path, seed: str) -> Path:
    """Scan every page of `source` into `target` with the suffix its kind takes; return the path written."""
    rng = np.random.default_rng(random.Random(seed).getrandbits(64))
    document = pdfium.PdfDocument(source)
    pages = []
    for page in document:
        bitmap = page.render(scale=plan.dpi / 72, grayscale=True)
        pages.append(degrade(np.ascontiguousarray(bitmap.to_numpy()), plan, rng))
    document.close()
    if plan.image and len(pages) == 1:
        target = target.with_suffix(".jpg" if plan.noise else ".png")
        options = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if plan.noise else [cv2.IMWRITE_PNG_COMPRESSION, 9]
        assert cv2.imwrite(str(target), pages[0], options)
        return target
    target = target.with_suffix(".pdf")
    target.write_bytes(image_only_pdf(pages, plan.dpi, JPEG_QUALITY))
    return target
