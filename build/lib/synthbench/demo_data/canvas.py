"""Soft-edged shapes on a normalised [0, 1] x [0, 1] grid.

Shapes are placed in normalised coordinates so the same anatomy fits images of any size or aspect ratio
(CheXpert-small images are not square), and their edges are one pixel soft so patterns shrink cleanly
when the builders downsample the images to 32 px.
"""

import numpy as np


class Canvas:
    """A float image with coordinate grids; `yy`, `xx` run from 0 (top / left) to 1 (bottom / right)."""

    def __init__(self, height: int, width: int, fill: float = 0.0):
        self.height, self.width = height, width
        self.pixels = np.full((height, width), fill, dtype=np.float64)
        self.yy, self.xx = np.meshgrid((np.arange(height) + 0.5) / height,
                                       (np.arange(width) + 0.5) / width, indexing="ij")
        self._edge = 1.0 / min(height, width)  # one pixel, in normalised units

    def _soft(self, signed_distance: np.ndarray) -> np.ndarray:
        """1 inside (distance < 0), 0 outside, with a one-pixel ramp across the edge."""
        return np.clip(0.5 - signed_distance / self._edge, 0.0, 1.0)

    def ellipse(self, cy: float, cx: float, ry: float, rx: float) -> np.ndarray:
        radius = np.sqrt(((self.yy - cy) / ry) ** 2 + ((self.xx - cx) / rx) ** 2)
        return self._soft((radius - 1.0) * min(ry, rx))

    def gaussian(self, cy: float, cx: float, sy: float, sx: float) -> np.ndarray:
        return np.exp(-0.5 * (((self.yy - cy) / sy) ** 2 + ((self.xx - cx) / sx) ** 2))

    def segment(self, y0: float, x0: float, y1: float, x1: float, width: float) -> np.ndarray:
        """A straight stroke of the given width from (y0, x0) to (y1, x1)."""
        dy, dx = y1 - y0, x1 - x0
        t = np.clip(((self.yy - y0) * dy + (self.xx - x0) * dx) / max(dy * dy + dx * dx, 1e-12), 0.0, 1.0)
        distance = np.hypot(self.yy - (y0 + t * dy), self.xx - (x0 + t * dx))
        return self._soft(distance - width / 2)

    def box(self, cy: float, cx: float, hy: float, hx: float) -> np.ndarray:
        return self._soft(np.maximum(np.abs(self.yy - cy) - hy, np.abs(self.xx - cx) - hx))

    def add(self, mask: np.ndarray, amount: float) -> None:
        self.pixels += amount * mask

    def paint(self, mask: np.ndarray, value: float) -> None:
        """Blend towards `value` where the mask is 1 (an opaque layer, unlike `add`)."""
        self.pixels += mask * (value - self.pixels)
