"""`prog` and `cpd` train exactly as they did before the family registry: every step's D and G loss and every
FID of a short run equal the values recorded on the earlier code (tests/data/gan_losses_reference.py)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from synthbench import records
from synthbench.runtime import configure

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("gan_losses_reference", DATA / "gan_losses_reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


@pytest.fixture(scope="module")
def arm(tmp_path_factory):
    configure(1, 3)
    return reference.write_arm(tmp_path_factory.mktemp("pinned") / "data", records)


@pytest.mark.parametrize("name", reference.FAMILIES)
def test_family_trains_exactly_as_before_the_registry(name, arm, tmp_path):
    expected = np.load(DATA / "gan_losses_reference.npz")
    losses, fids = reference.losses_and_fids(reference.families()[name], arm, tmp_path)
    assert losses.shape == expected[f"{name}_losses"].shape == (40, 2)
    np.testing.assert_allclose(losses, expected[f"{name}_losses"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fids, expected[f"{name}_fids"], rtol=1e-5)
