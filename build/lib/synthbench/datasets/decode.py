"""Decodes one raw image to a square uint8 greyscale array at a requested side length.

JPEG: greyscale, then the paper's squash (whole image resized to a square) or a centre crop, resized with
anti-aliasing; libjpeg's DCT scaling (`draft`) first decodes at the smallest size still above the target,
which is most of the speed. DICOM: stored values -> Hounsfield units through pydicom's modality LUT
(RescaleSlope / RescaleIntercept), then the configured window, MONOCHROME1 inverted; compressed transfer
syntaxes decode through the pylibjpeg / pyjpegls plugins.
"""

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


def load_jpeg(path: Path, side: int, resize: str = "squash") -> np.ndarray:
    try:
        with Image.open(path) as image:
            image.draft("L", (side, side))  # decode at a reduced scale whose sides are still >= side
            grey = image.convert("L")
            grey.load()
    except FileNotFoundError:
        raise UnusableImage("missing file") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UnusableImage(f"unreadable image: {error}") from None
    return np.asarray(_to_square(grey, side, resize), dtype=np.uint8)


def read_ct(path: Path) -> pydicom.Dataset:
    """Reads a DICOM file and checks it is a single-frame CT slice with pixel data."""
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
    return ds


def ct_window(ds: pydicom.Dataset, window: Window) -> np.ndarray:
    """Windowed float image in [0, 1] of one CT slice."""
    try:
        pixels = ds.pixel_array
    except Exception as error:  # truncated data, unsupported or broken compression
        raise UnusableImage(f"pixel data cannot be decoded: {error}") from None
    shown = window.apply(apply_modality_lut(pixels, ds))
    return 1.0 - shown if ds.get("PhotometricInterpretation") == "MONOCHROME1" else shown


def square_ct(ds: pydicom.Dataset, side: int, window: Window) -> np.ndarray:
    """One CT slice windowed and resized (anti-aliased) to uint8 [side, side]."""
    shown = ct_window(ds, window).astype(np.float32)
    resized = Image.fromarray(shown, mode="F").resize((side, side), Image.Resampling.LANCZOS)
    return np.clip(np.round(np.asarray(resized) * 255.0), 0, 255).astype(np.uint8)


def load_dicom(path: Path, side: int, window: Window) -> np.ndarray:
    return square_ct(read_ct(path), side, window)
