"""Canvas shapes: inside is 1, outside is 0, edges one pixel soft, placement in normalised coordinates."""

import numpy as np

from synthbench.demo_data.canvas import Canvas


def test_ellipse_covers_its_area_on_non_square_images():
    canvas = Canvas(100, 50)
    mask = canvas.ellipse(0.5, 0.5, 0.25, 0.25)
    assert mask[50, 25] == 1.0 and mask[5, 5] == 0.0
    assert np.isclose(mask.sum() / mask.size, np.pi * 0.25 ** 2, rtol=0.05)
    assert ((mask > 0) & (mask < 1)).any(), "soft edge"


def test_segment_box_and_paint():
    canvas = Canvas(64, 64)
    line = canvas.segment(0.1, 0.5, 0.9, 0.5, 0.1)
    assert line[32, 32] == 1.0 and line[32, 5] == 0.0 and line[1, 32] == 0.0
    box = canvas.box(0.5, 0.5, 0.25, 0.25)
    assert box[32, 32] == 1.0 and box[2, 2] == 0.0
    canvas.paint(box, 7.0)
    assert canvas.pixels[32, 32] == 7.0 and canvas.pixels[2, 2] == 0.0
