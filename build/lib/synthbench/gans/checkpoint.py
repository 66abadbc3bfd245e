"""Resumable training state in one file: every variable of G, D, EMA G and both optimizers, the noise
generator's state, the best generator so far and the loop's own state (kimg, FID history) as JSON.

Written to `partial-state.npz` and renamed, so a job killed while saving leaves the previous checkpoint intact.
The training loop loads it before training; a checkpoint whose settings differ from the run's is not continued
(the run starts afresh), and `assign` refuses arrays that do not fit the variables they are meant for.
"""

import json
from pathlib import Path

import numpy as np

from synthbench.atomic import replacing


class CheckpointMismatch(ValueError):
    """Saved arrays do not fit the variables they are meant for (another network shape or count)."""


def _arrays(prefix: str, variables) -> dict[str, np.ndarray]:
    return {f"{prefix}/{index}": np.asarray(variable) for index, variable in enumerate(variables)}


def save(path: Path, groups: dict[str, list], state: dict) -> None:
    """Saves each named group of variables (or arrays) and the JSON-able `state` to `path` atomically."""
    arrays = {}
    for name, variables in groups.items():
        arrays.update(_arrays(name, variables))
        arrays[f"{name}/count"] = np.asarray(len(variables))
    with replacing(path) as partial, open(partial, "wb") as handle:
        np.savez(handle, state=np.asarray(json.dumps(state)), **arrays)


def load(path: Path) -> tuple[dict[str, list[np.ndarray]], dict]:
    """(groups of arrays, state) from a checkpoint written by `save`."""
    with np.load(path) as data:
        state = json.loads(str(data["state"]))
        names = {key.rsplit("/", 1)[0] for key in data.files if key.endswith("/count")}
        groups = {name: [data[f"{name}/{index}"] for index in range(int(data[f"{name}/count"]))]
                  for name in names}
    return groups, state


def assign(variables, arrays: list[np.ndarray], what: str) -> None:
    """Copies checkpoint arrays into variables, checking that the shapes line up."""
    if len(variables) != len(arrays):
        raise CheckpointMismatch(f"{what}: checkpoint has {len(arrays)} arrays, the model {len(variables)}")
    for variable, array in zip(variables, arrays, strict=True):
        if tuple(variable.shape) != array.shape:
            name = getattr(variable, "path", variable.name)
            raise CheckpointMismatch(f"{what}: {name} has shape {tuple(variable.shape)}, checkpoint {array.shape}")
        variable.assign(array)
