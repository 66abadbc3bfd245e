"""Data-parallel training without GPUs: the CPU split into two logical devices (SYNTHBENCH_CPU_DEVICES=2) runs the
shared loop on two replicas. A few steps of cpd (minibatch-stddev groups) and diffusion on two replicas give the
losses and weights of one device with the same global minibatch; a checkpoint written on two devices resumes on
one and ends where an uninterrupted one-device run ends; DCGAN (batch norm, statistics per replica) trains on two;
a minibatch the devices cannot share equally is refused. Each side runs in its own process: the devices are fixed
when TensorFlow starts."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, job_environment, write_tiny_arm
from synthbench.gans.schedule import Schedule
from synthbench.gans.training import check_shares
from synthbench.runtime import CPU_DEVICES_VARIABLE

SCRIPT = REPO / "tests/data/replica_steps.py"
STEPS = 3
# Two replicas sum their gradients in another order than one device does, so the weights agree to float32
# rounding, not bit for bit; over three Adam steps that stays far below these tolerances.
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


@pytest.fixture(scope="module")
def arm(tmp_path_factory):
    return write_tiny_arm(tmp_path_factory.mktemp("replicas") / "data", 16, ["left", "right"])


def _steps(family: str, arm: Path, out: Path, devices: int, steps: int = STEPS, *extra: str) -> dict:
    environment = {**job_environment(), CPU_DEVICES_VARIABLE: str(devices)}
    result = subprocess.run([sys.executable, str(SCRIPT), family, str(arm), str(steps), str(out), *extra],
                            env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    saved = dict(np.load(out))
    assert int(saved.pop("replicas")) == devices
    return saved


@pytest.mark.e2e
@pytest.mark.parametrize("family", ["cpd", "diffusion"])
def test_two_replicas_take_the_steps_of_one_device(family, arm, tmp_path):
    one = _steps(family, arm, tmp_path / "one.npz", devices=1)
    two = _steps(family, arm, tmp_path / "two.npz", devices=2)
    assert one["losses"].shape == (STEPS, 2 if family == "cpd" else 1)
    np.testing.assert_allclose(two["losses"], one["losses"], **TOLERANCE)
    assert one.keys() == two.keys()
    for name in one:
        np.testing.assert_allclose(two[name], one[name], **TOLERANCE, err_msg=name)
    trained = [name for name in one if name.startswith("generator_")]
    assert any(not np.allclose(one[name], one[name.replace("generator", "ema")]) for name in trained), \
        "the steps moved the generator away from its EMA: they trained"


@pytest.mark.e2e
def test_a_checkpoint_written_on_two_devices_resumes_on_one(arm, tmp_path):
    uninterrupted = _steps("cpd", arm, tmp_path / "uninterrupted.npz", devices=1, steps=4)
    _steps("cpd", arm, tmp_path / "first.npz", 2, 2, "--checkpoint", str(tmp_path / "run"))
    resumed = _steps("cpd", arm, tmp_path / "resumed.npz", 1, 2, "--resume", str(tmp_path / "run"))
    np.testing.assert_allclose(resumed["losses"], uninterrupted["losses"][2:], **TOLERANCE)
    for name in uninterrupted:
        if name != "losses":
            np.testing.assert_allclose(resumed[name], uninterrupted[name], **TOLERANCE, err_msg=name)


@pytest.mark.e2e
def test_batch_norm_networks_train_on_two_replicas(arm, tmp_path):
    two = _steps("dcgan", arm, tmp_path / "two.npz", devices=2)
    assert np.isfinite(two["losses"]).all()


def test_a_minibatch_the_devices_cannot_share_equally_is_refused():
    growing = Schedule(resolution=32, grows=True, initial_resolution=8, minibatch=64,
                       minibatch_per_resolution={8: 256, 16: 128, 32: 64, 128: 6})
    check_shares(growing, 4)  # 256, 128 and 64 at 8-32 px; the 128 px entry is not this run's
    with pytest.raises(ValueError, match="minibatch 64 cannot be shared equally by 3 devices"):
        check_shares(Schedule(resolution=32, grows=False, minibatch=64), 3)
    with pytest.raises(ValueError, match="minibatch 6 cannot be shared equally by 4 devices"):
        check_shares(Schedule(resolution=128, grows=False, minibatch=64, minibatch_per_resolution={128: 6}), 4)
