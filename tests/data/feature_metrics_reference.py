"""Makes the reference values of tests/test_feature_metrics.py with the reference packages, independently of
synthbench: KID with torch-fidelity (`kid_features_to_metric`, the protocol synthbench follows) and precision /
recall / density / coverage with `prdc` (the authors' package, Naeem et al. 2020).

Run in a throwaway environment (neither package is a synthbench dependency), from the repository root:

    python3.11 -m venv /tmp/ref && /tmp/ref/bin/pip install torch==2.13.0 torch-fidelity==0.4.0 prdc==0.2
    /tmp/ref/bin/python tests/data/feature_metrics_reference.py tests/data/feature_metrics_reference.npz

torch-fidelity's package imports torchvision for its image pipelines, and the torchvision wheel from PyPI does
not load beside torch's CPU build (`operator torchvision::nms does not exist`); KID on feature arrays needs
neither, so its module is imported with the package's image-pipeline module (`utils`) left out.

The feature sets are made here from a fixed seed and stored with the values, so the test reads its inputs from
the file too. Cases: sets of different sizes and widths, a subset size above the smaller set (capped), fakes
that copy real rows (high precision and density), fakes from a narrow mode (low recall and coverage).
"""

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import torch
from prdc import compute_prdc

KEY_MEAN, KEY_STD = "kernel_inception_distance_mean", "kernel_inception_distance_std"


def torch_fidelity_kid():
    """torch-fidelity's `kid_features_to_metric`, imported without the package's __init__ and image pipelines."""
    root = Path(importlib.util.find_spec("torch_fidelity").origin).parent
    package = types.ModuleType("torch_fidelity")
    package.__path__ = [str(root)]
    pipelines = types.ModuleType("torch_fidelity.utils")
    for name in ("create_feature_extractor", "extract_featuresdict_from_input_id_cached", "resolve_feature_extractor",
                 "resolve_feature_layer_for_metric"):
        setattr(pipelines, name, None)
    sys.modules.update({"torch_fidelity": package, "torch_fidelity.utils": pipelines})
    from torch_fidelity.metric_kid import kid_features_to_metric
    return kid_features_to_metric


def cases() -> dict[str, tuple[np.ndarray, np.ndarray, dict]]:
    """name -> (real [N, D] float64, fake [M, D] float64, parameters)."""
    rng = np.random.default_rng(20261206)
    real = rng.normal(size=(300, 64))
    shifted = rng.normal(0.3, 1.1, size=(240, 64))
    copies = np.concatenate([real[:100] + rng.normal(0, 0.05, (100, 64)), rng.normal(size=(50, 64))])
    narrow = rng.normal(0.0, 0.3, size=(200, 64))
    wide = rng.normal(size=(80, 512)), rng.normal(0.1, 1.0, size=(70, 512))
    return {
        "shifted": (real, shifted, {"subsets": 20, "subset_size": 100, "seed": 7, "k": 5}),
        "copies": (real, copies, {"subsets": 10, "subset_size": 150, "seed": 1, "k": 5}),
        "narrow": (real, narrow, {"subsets": 10, "subset_size": 500, "seed": 3, "k": 3}),  # size capped at 200
        "wide": (*wide, {"subsets": 5, "subset_size": 60, "seed": 0, "k": 7}),
    }


def main(out: str) -> None:
    kid_features_to_metric = torch_fidelity_kid()
    arrays = {}
    for name, (real, fake, parameters) in cases().items():
        kid = kid_features_to_metric(torch.from_numpy(fake), torch.from_numpy(real),
                                     kid_subsets=parameters["subsets"],
                                     kid_subset_size=min(parameters["subset_size"], len(real), len(fake)),
                                     kid_degree=3, kid_gamma=None, kid_coef0=1, rng_seed=parameters["seed"],
                                     verbose=False)
        prdc = compute_prdc(real_features=real, fake_features=fake, nearest_k=parameters["k"])
        arrays[f"{name}_real"], arrays[f"{name}_fake"] = real, fake
        arrays[f"{name}_parameters"] = np.array([parameters[key] for key in ("subsets", "subset_size", "seed", "k")])
        arrays[f"{name}_kid"] = np.array([kid[KEY_MEAN], kid[KEY_STD]])
        arrays[f"{name}_prdc"] = np.array([prdc[key] for key in ("precision", "recall", "density", "coverage")])
        print(name, arrays[f"{name}_kid"], arrays[f"{name}_prdc"])
    np.savez_compressed(out, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
