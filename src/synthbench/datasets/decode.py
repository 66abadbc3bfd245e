"""Decodes one raw image to a square uint8 greyscale array at a requested side length.

JPEG (and PNG under any name): greyscale, then the paper's squash (whole image resized to a square) or a
centre crop, resized with anti-aliasing; libjpeg's DCT scaling (`draft`) first decodes at the smallest size
still above the target, which is most of the speed. A 16-bit greyscale PNG is scaled by its real bit depth
(the sBIT chunk's significant bits, else 16), never clipped to 255 as `convert("L")` would. DICOM: stored
values -> Hounsfield units through pydicom's modality LUT (RescaleSlope / RescaleIntercept), then the
configured window, MONOCHROME1 inverted; compressed transfer syntaxes decode through the pylibjpeg / pyjpegls
plugins. RSNA's wrapped 12-bit slices are corrected first (`wrapped_12bit`).

An image whose short side is below `min_side` pixels is refused: upscaled, it would enter the benchmark as a
blur that no real radiograph or CT slice looks like.
"""

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pydicom
from PIL import Image
from pydicom.pixels import apply_modality_lut


class UnusableImage(ValueError):
    """The file cannot become a benchmark image; the message is the reason recorded in skipped.csv."""


Decoded = TypeVar("Decoded")


def try_decode(loader: Callable[[Path], Decoded], path: Path) -> tuple[Decoded | None, str | None]:
    """(loader(path), None) for a usable file, else (None, reason): what the index records per image."""
    try:
        if path.is_file() and path.stat().st_size == 0:
            return None, "zero-byte file"
        return loader(path), None
    except UnusableImage as error:
        return None, str(error)


@dataclass(frozen=True)
class Window:
    center: float
    width: float

    def apply(self, hu: np.ndarray) -> np.ndarray:
        """HU -> [0, 1]: the window's lower edge is black, its upper edge white."""
        low = self.center - self.width / 2.0
        return np.clip((hu - low) / self.width, 0.0, 1.0)


def _to_square(image: Image.Image, side: int, resize: str) -> np.ndarray:
    if resize == "center_crop":
        edge = min(image.size)
        left, top = (image.width - edge) // 2, (image.height - edge) // 2
        image = image.crop((left, top, left + edge, top + edge))
    elif resize != "squash":
        raise ValueError(f"resize must be 'squash' or 'center_crop', got {resize!r}")
    return image.resize((side, side), Image.Resampling.LANCZOS)


def check_size(width: int, height: int, min_side: int) -> None:
    if min(width, height) < min_side:
        raise UnusableImage(f"image {width}x{height} px, its short side is below min_side {min_side} px")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIXTEEN_BIT_MODES = {"I;16", "I;16B", "I;16L", "I;16N"}


def png_significant_bits(path: Path) -> int | None:
    """The greyscale significant bits of a PNG's sBIT chunk (a 12-bit detector in a 16-bit PNG says 12), or
    None when the file has none; Pillow does not read this chunk."""
    with open(path, "rb") as handle:
        if handle.read(8) != PNG_SIGNATURE:
            return None
        while header := handle.read(8):
            if len(header) < 8:
                return None
            length, kind = struct.unpack(">I4s", header)
            if kind == b"sBIT":
                return handle.read(1)[0] or None
            if kind in (b"IDAT", b"IEND"):  # sBIT must come before the image data
                return None
            handle.seek(length + 4, 1)  # data and CRC
    return None


def sixteen_bit_grey(image: Image.Image, path: Path) -> Image.Image:
    """An 8-bit greyscale image of a 16-bit one, scaled by its real bit depth, values above it clipped."""
    bits = png_significant_bits(path) or 16
    values = np.asarray(image).astype(np.float64) * (255.0 / (2 ** bits - 1))
    return Image.fromarray(np.clip(np.round(values), 0, 255).astype(np.uint8), mode="L")


def load_jpeg(path: Path, side: int, resize: str = "squash", min_side: int = 1) -> np.ndarray:
    """One radiograph as uint8 [side, side]; 8-bit images of any PIL mode, or 16-bit greyscale."""
    try:
        with Image.open(path) as image:
            check_size(*image.size, min_side)
            if image.mode in SIXTEEN_BIT_MODES:
                grey = sixteen_bit_grey(image, path)
            elif image.mode in ("I", "F"):
                raise UnusableImage(f"unsupported pixel format {image.mode} (32-bit); expected 8- or 16-bit "
                                    "greyscale or colour")
            else:
                image.draft("L", (side, side))  # decode at a reduced scale whose sides are still >= side
                grey = image.convert("L")
                grey.load()
    except UnusableImage:
        raise
    except FileNotFoundError:
        raise UnusableImage("missing file") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UnusableImage(f"unreadable image: {error}") from None
    return np.asarray(_to_square(grey, side, resize), dtype=np.uint8)


def read_ct(path: Path, min_side: int = 1) -> pydicom.Dataset:
    """Reads a DICOM file and checks it is a single-frame CT slice with pixel data, at least `min_side` px."""
    try:
        ds = pydicom.dcmread(path)
    except FileNotFoundError:
        raise UnusableImage("missing file") from None
    except Exception as error:  # pydicom raises many types for corrupt files
        raise UnusableImage(f"unreadable DICOM: {error}") from None
    if "PixelData" not in ds:
        raise UnusableImage("DICOM without pixel data")
    if ds.get("Modality", "CT") != "CT":
        raise UnusableImage(f"not a CT image (Modality {ds.Modality})")
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        raise UnusableImage(f"multi-frame DICOM ({ds.NumberOfFrames} frames), expected one slice")
    if int(ds.get("SamplesPerPixel", 1)) != 1:
        raise UnusableImage("colour DICOM, expected greyscale CT")
    check_size(int(ds.get("Columns", 0) or 0), int(ds.get("Rows", 0) or 0), min_side)
    return ds


# RSNA's known quirk: some slices store signed 12-bit values as unsigned (BitsStored 12, PixelRepresentation 0)
# with an intercept near 0, so air (about -1000 HU) is stored as about 3096 and shows white. The community's
# correction: shift by 1000, wrap at 4096, intercept -1000; stored values below 3096 are unchanged by it.
# The pixels must agree: air wraps in a large share of a head slice, while a few stored values above 3096 in
# a correctly encoded slice are metal, which the correction would turn into air.
WRAP_SHIFT, WRAP_PERIOD, WRAPPED_INTERCEPT = 1000, 4096, -1000.0
WRAPPED_HEADER_MAX_INTERCEPT = -100.0
WRAPPED_MIN_SHARE = 0.01


def wrapped_12bit(ds: pydicom.Dataset) -> bool:
    """Whether the header has the wrapped encoding (the pixels then decide whether anything wrapped)."""
    return (int(ds.get("BitsStored", 16)) == 12 and int(ds.get("PixelRepresentation", 1)) == 0
            and float(ds.get("RescaleIntercept", 0.0)) > WRAPPED_HEADER_MAX_INTERCEPT)


def hounsfield(ds: pydicom.Dataset) -> tuple[np.ndarray, bool]:
    """(HU image, whether it was corrected for the wrapped 12-bit encoding) of one CT slice."""
    try:
        pixels = ds.pixel_array
    except Exception as error:  # truncated data, unsupported or broken compression
        raise UnusableImage(f"pixel data cannot be decoded: {error}") from None
    if wrapped_12bit(ds) and (pixels >= WRAP_PERIOD - WRAP_SHIFT).mean() >= WRAPPED_MIN_SHARE:
        unwrapped = (pixels.astype(np.int32) + WRAP_SHIFT) % WRAP_PERIOD
        return unwrapped * float(ds.get("RescaleSlope", 1.0)) + WRAPPED_INTERCEPT, True
    return apply_modality_lut(pixels, ds), False


def ct_window(ds: pydicom.Dataset, window: Window) -> tuple[np.ndarray, bool]:
    """(windowed float image in [0, 1], whether it was corrected for the wrapped encoding) of one CT slice."""
    hu, corrected = hounsfield(ds)
    shown = window.apply(hu)
    return (1.0 - shown if ds.get("PhotometricInterpretation") == "MONOCHROME1" else shown), corrected


def square_ct(ds: pydicom.Dataset, side: int, window: Window) -> tuple[np.ndarray, bool]:
    """(one CT slice windowed and resized (anti-aliased) to uint8 [side, side], whether it was corrected)."""
    shown, corrected = ct_window(ds, window)
    resized = Image.fromarray(shown.astype(np.float32), mode="F").resize((side, side), Image.Resampling.LANCZOS)
    return np.clip(np.round(np.asarray(resized) * 255.0), 0, 255).astype(np.uint8), corrected


def load_dicom(path: Path, side: int, window: Window, min_side: int = 1) -> np.ndarray:
    return square_ct(read_ct(path, min_side), side, window)[0]
