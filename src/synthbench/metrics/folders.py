"""Image folders as the feature metrics' input: every PNG of a folder, greyscale uint8, one size throughout.

The benchmark's images are one-channel; an RGB (or opaque RGBA) PNG whose colour channels are equal (a grey
image saved in colour) is read as grey, any other colour image or mode is refused with its file named, as is a folder
without PNGs or an image of another size: a metric of mixed inputs would measure the mix.
"""

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError


def read_grey_png(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            image.load()
            mode, pixels = image.mode, np.asarray(image)
    except (OSError, UnidentifiedImageError) as error:
        raise ValueError(f"{path}: not a readable PNG ({error})") from None
    if mode == "L":
        return pixels
    if mode in ("RGB", "RGBA") and _grey_in_colour(pixels):
        return np.ascontiguousarray(pixels[..., 0])
    raise ValueError(f"{path}: a {mode} image; expected a greyscale PNG (mode L, or RGB with equal channels)")


def _grey_in_colour(pixels: np.ndarray) -> bool:
    """Equal red, green and blue, and no transparency."""
    equal = (pixels[..., 0] == pixels[..., 1]).all() and (pixels[..., 1] == pixels[..., 2]).all()
    return bool(equal) and (pixels.shape[-1] == 3 or (pixels[..., 3] == 255).all())


def read_folder(folder: Path) -> np.ndarray:
    """uint8 [N, H, W] of the folder's *.png files in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    files = sorted(folder.glob("*.png"))
    if not files:
        raise ValueError(f"{folder}: no .png images")
    images = [read_grey_png(files[0])]
    for path in files[1:]:
        image = read_grey_png(path)
        if image.shape != images[0].shape:
            raise ValueError(f"{path}: {image.shape[1]} x {image.shape[0]} px, but {files[0].name} is "
                             f"{images[0].shape[1]} x {images[0].shape[0]} px; a folder's images must have one size")
        images.append(image)
    return np.stack(images)
