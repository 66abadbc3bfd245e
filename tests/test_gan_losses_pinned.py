"""`prog` and `cpd` train exactly as they did before the family registry: every step's D and G loss and every
FID of a short run equal those of the code before the `synthbench` package (commit e29c76e), both run here.

Both sides run on this machine, each in its own process (one CPU thread, seeded, op determinism on, oneDNN off;
settings a process can take only before TensorFlow starts): the old code with the recording script as it was
committed for it (4b2d4df), today's code with tests/data/gan_losses_reference.py. A reference stored from
another machine does not do: cpd's losses leave any one CPU's values after about 20 steps on a CPU of another
make (seen: Intel-recorded values, AMD EPYC replay, 0.4 % at step 24, 3 % by step 40), while the old and the
new code agree to the last bit on each CPU.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tests/data/gan_losses_reference.py"
BEFORE_REGISTRY = "e29c76e"  # the code before the package and family registry
SCRIPT_FOR_IT = "4b2d4df"  # the recording script as committed for that code (gan_prog / gan_cpd imports)
FAMILIES = ("prog", "cpd")


def _run(script: Path, source: Path, out: Path) -> dict[str, np.ndarray]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONPATH=str(source))
    result = subprocess.run([sys.executable, str(script), str(out)], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return dict(np.load(out))


def _git(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=True, **kwargs)


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """Losses and FIDs of the code before the registry, recorded now on this machine."""
    try:
        _git("cat-file", "-e", f"{BEFORE_REGISTRY}^{{commit}}")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"this checkout has no git history with {BEFORE_REGISTRY} (a clone of the repository has)")
    old = tmp_path_factory.mktemp("before_registry")
    archive = _git("archive", BEFORE_REGISTRY, "src").stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    (old / "record.py").write_bytes(_git("show", f"{SCRIPT_FOR_IT}:tests/data/gan_losses_reference.py").stdout)
    return _run(old / "record.py", old / "src", old / "losses.npz")


@pytest.fixture(scope="module")
def today(tmp_path_factory):
    return _run(SCRIPT, REPO / "src", tmp_path_factory.mktemp("today") / "losses.npz")


@pytest.mark.parametrize("name", FAMILIES)
def test_family_trains_exactly_as_before_the_registry(name, before, today):
    assert today[f"{name}_losses"].shape == before[f"{name}_losses"].shape == (40, 2)
    np.testing.assert_allclose(today[f"{name}_losses"], before[f"{name}_losses"], rtol=1e-6, atol=0)
    np.testing.assert_allclose(today[f"{name}_fids"], before[f"{name}_fids"], rtol=1e-6, atol=0)
    assert len(today[f"{name}_fids"]) >= 3, "several FID evaluations (prog: from when it is fully grown)"
