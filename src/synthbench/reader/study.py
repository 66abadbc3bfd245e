"""The study set's two halves and what may be known of them: a served folder and an answer key.

The served folder (`study/`) holds `study.json` (the item tokens and the study's seed) and `images/<token>.png`;
it is all the web app reads, so no page can leak what it never had. The key (`key.csv`, beside the folder) maps
each token to its truth (real or synthetic), source, arm value, image id and labels; only the analysis reads it.

Nothing a browser receives hints at the answer: tokens are random and items are listed in token order; every
image is re-encoded the same way (8-bit greyscale PNG, no metadata, stored without compression, so two images of
one size have the same number of bytes whatever their content); each reader gets their own seeded order.
"""

import hashlib
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from synthbench import seeds

STUDY_FILE = "study.json"
IMAGES = "images"
KEY_FILE = "key.csv"
REAL, SYNTHETIC = "real", "synthetic"  # the two answers, and the truths of the key
KEY_COLUMNS = ["item", "truth", "source", "value", "image_id", "labels"]
FORMAT = 1


def item_tokens(count: int, seed: int) -> list[str]:
    """`count` distinct random tokens (16 hex digits) from the study's seed: they name the images and the items."""
    rng = seeds.reader_items(seed)
    tokens: list[str] = []
    while len(tokens) < count:
        token = rng.bytes(8).hex()
        if token not in tokens:
            tokens.append(token)
    return tokens


def png_bytes(image: np.ndarray) -> bytes:
    """An image as the study serves it: 8-bit greyscale PNG, uncompressed, without metadata, so its size in bytes
    depends on its side alone."""
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError(f"a study image must be 8-bit greyscale [H, W], got {image.dtype}{list(image.shape)}")
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def reader_order(items: list[str], seed: int, reader: str) -> list[str]:
    """The order one reader sees the items in: a shuffle seeded by the study's seed and the reader's name, the same
    at every sign-in (so a reader resumes where they left off) and different between readers (so no item's
    position means the same for everyone)."""
    reader_key = int.from_bytes(hashlib.sha256(reader.encode()).digest()[:8], "little")
    order = seeds.reader_order(seed, reader_key).permutation(len(items))
    return [items[i] for i in order]


class Study:
    """A served study folder: its items and their images, read once."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        path = self.folder / STUDY_FILE
        try:
            content = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a reader study file ({error})") from None
        if content.get("format") != FORMAT or not content.get("items"):
            raise ValueError(f"{path}: not a reader study of format {FORMAT} with items")
        self.items: list[str] = list(content["items"])
        self.seed: int = int(content["seed"])
        self.title: str = content.get("title", "")
        missing = [item for item in self.items if not self.image_path(item).is_file()]
        if missing:
            raise ValueError(f"{self.folder / IMAGES}: {len(missing)} images of the study are missing, e.g. "
                             f"{missing[0]}.png")
        self._known = set(self.items)

    def __contains__(self, item: str) -> bool:
        return item in self._known

    def image_path(self, item: str) -> Path:
        return self.folder / IMAGES / f"{item}.png"

    def order_for(self, reader: str) -> list[str]:
        return reader_order(self.items, self.seed, reader)


def write_study(folder: Path, title: str, seed: int, images: dict[str, np.ndarray]) -> None:
    """Fills a (new, empty) study folder: the images by token, and study.json listing the tokens in token order."""
    (folder / IMAGES).mkdir(parents=True)
    for token, image in images.items():
        (folder / IMAGES / f"{token}.png").write_bytes(png_bytes(image))
    content = {"format": FORMAT, "title": title, "seed": seed, "items": sorted(images)}
    (folder / STUDY_FILE).write_text(json.dumps(content, indent=1) + "\n")
