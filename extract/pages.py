"""The pages of a scan as grayscale images, with the work bounded before anything is decoded.

Image-only PDFs are read page by page with pypdfium2 (a page that is one
stored image is decoded as stored, any other page rendered); PNG, JPEG, TIFF
(every page of a multi-page TIFF), BMP and GIF are decoded with OpenCV. A
small file can claim a huge image (a decompression bomb) that OpenCV would
allocate in full, so the sizes are read from the headers first (PNG IHDR,
JPEG start-of-frame, every TIFF directory, BMP and GIF headers) and an
image over the pixel bound, or a file over the page bound (`ReadLimits`),
is refused. PDF pages are rendered at a resolution that keeps them under
the pixel bound.
"""
from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from jixiao.extract.limits import ReadLimits, check_pages
from jixiao.schemas.errors import TooLarge, UnreadableFile
from jixiao.schemas.form import SourceFormat

#: resolution PDF pages are rendered at
RENDER_DPI = 200
#: an image's recorded resolution is rarely reliable: a page is taken to be A4 (8.27 in on its short side)
_A4_SHORT_INCHES = 8.27


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _png(data: bytes) -> list[tuple[int, int]]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return []
    return [struct.unpack(">II", data[16:24])]


def _jpeg(data: bytes) -> list[tuple[int, int]]:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return [(width, height)]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            pos += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        pos += 2 + length
    return []


def _tiff(data: bytes) -> list[tuple[int, int]]:
    order = "<" if data[:2] == b"II" else ">"
    sizes: list[tuple[int, int]] = []
    (offset,) = struct.unpack(order + "I", data[4:8])
    seen: set[int] = set()
    while offset and offset not in seen and offset + 2 <= len(data):
        seen.add(offset)
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        width = height = 0
        for i in range(count):
            entry = offset + 2 + 12 * i
            if entry + 12 > len(data):
                return sizes
            tag, kind = struct.unpack(order + "HH", data[entry:entry + 4])
            short = kind == 3
            value = struct.unpack(order + ("H" if short else "I"), data[entry + 8:entry + (10 if short else 12)])[0]
            if tag == 256:
                width = value
            elif tag == 257:
                height = value
        sizes.append((width, height))
        end = offset + 2 + 12 * count
        offset = struct.unpack(order + "I", data[end:end + 4])[0] if end + 4 <= len(data) else 0
    return sizes


def image_sizes(data: bytes) -> list[tuple[int, int]]:
    """(width, height) of every page the image file holds; [] when the header cannot be read."""
    try:
        if data.startswith(b"\x89PNG"):
            return _png(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff(data)
        if data.startswith(b"BM") and len(data) >= 26:
            width, height = struct.unpack("<ii", data[18:26])
            return [(abs(width), abs(height))]
        if data.startswith(b"GIF8") and len(data) >= 10:
            return [struct.unpack("<HH", data[6:10])]
    except struct.error:
        return []
    return []


def _stored_image(page: pdfium.PdfPage, limits: ReadLimits) -> tuple[np.ndarray, float] | None:
    """The page's one image as stored, and its resolution, when the page is nothing else.

    A scanner writes each page as one image filling it; decoding that image
    at its own resolution costs a fifth of rendering the page (measured: 16
    against 90 ms at 300 dpi) and resamples it once instead of twice. Any
    other page (several objects, a turned or flipped image, a page /Rotate,
    an image over the pixel bound) is rendered.
    """
    if page.get_rotation() or len(objects := list(page.get_objects(max_depth=1))) != 1:
        return None
    image = objects[0]
    if not isinstance(image, pdfium.PdfImage):
        return None
    a, b, c, d, _, _ = image.get_matrix().get()
    width, height = page.get_size()
    px_width, px_height = image.get_px_size()
    if b or c or a <= 0 or d <= 0 or abs(a - width) > 0.02 * width or abs(d - height) > 0.02 * height:
        return None
    if px_width * px_height > limits.max_pixels or px_width < 1:
        return None
    pixels = image.get_bitmap(render=False).to_numpy()
    gray = cv2.cvtColor(pixels[..., :3], cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else np.array(pixels, copy=True)
    return gray, px_width * 72 / width


def _pdf_pages(path: Path, data: bytes, limits: ReadLimits) -> Iterator[tuple[np.ndarray, float]]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"{path}: not a readable PDF ({exc})") from exc
    try:
        check_pages(path, len(document), limits)
        for index in range(len(document)):
            page = document[index]
            stored = _stored_image(page, limits)
            if stored is not None:
                yield stored
            else:
                width, height = page.get_size()
                dpi = min(RENDER_DPI, (limits.max_pixels / max(width * height / 72**2, 1)) ** 0.5)
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                yield np.array(bitmap.to_numpy(), copy=True), dpi
                bitmap.close()
            page.close()
    finally:
        document.close()


def _image_pages(path: Path, data: bytes, limits: ReadLimits) -> Iterator[tuple[np.ndarray, float]]:
    sizes = image_sizes(data)
    if not sizes:
        raise UnreadableFile(f"{path}: not a readable image (no size in its header)")
    check_pages(path, len(sizes), limits)
    for width, height in sizes:
        if width * height > limits.max_pixels:
            raise TooLarge(
                f"{path}: image of {width}×{height} pixels, over the limit of {limits.max_pixels:,} (--max-pixels)"
            )
    buffer = np.frombuffer(data, np.uint8)
    if len(sizes) > 1:
        ok, pages = cv2.imdecodemulti(buffer, cv2.IMREAD_GRAYSCALE)
    else:
        page = cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE)
        ok, pages = page is not None, [page] if page is not None else []
    if not ok or not pages:
        raise UnreadableFile(f"{path}: image could not be decoded")
    for page in pages:
        yield page, min(page.shape) / _A4_SHORT_INCHES


def page_images(path: Path, data: bytes, kind: SourceFormat, limits: ReadLimits) -> Iterator[tuple[np.ndarray, float]]:
    """Each page as a grayscale image and its resolution (dpi), one at a time: memory holds one page.

    `kind` is SourceFormat.pdf for an image-only PDF, anything else for an image file.
    """
    return _pdf_pages(path, data, limits) if kind == SourceFormat.pdf else _image_pages(path, data, limits)
