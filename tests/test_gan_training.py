"""Generator training as a job, for the progressive GAN, SNGAN and diffusion (growth, batch norm / spectral-norm
state, and a family without a discriminator whose generator is its whole sampler): a
SIGKILL mid-run followed by a rerun resumes from the checkpoint and ends exactly like an uninterrupted run
(same schedule, same FID history: determinism); the job writes one fake per real row with that row's labels, and
`gan infer` writes the same fakes again."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import REPO, job_environment, write_tiny_arm
from synthbench import records
from synthbench.config import gan_section
from synthbench.fid.extractors import make_extractor
from synthbench.fid.real_stats import split_rows, split_statistics
from synthbench.gans import checkpoint
from synthbench.metrics.feature_sets import load_features

SIDE, LABELS = 32, ["left", "right"]
LOOP = {"total_kimg": 1.2, "min_kimg": 0, "fid_every_kimg": 0.2, "patience": 50, "tick_kimg": 0.2, "ema_kimg": 0.1,
        "minibatch": 8, "lrate": 0.002}
SETTINGS = {
    "prog": gan_section("prog", {**LOOP, "growth": {"initial_resolution": 16, "training_kimg": 0.2,
                                                    "transition_kimg": 0.2},
                                 "networks": {"latent_size": 8, "fmap_base": 64, "fmap_max": 16, "mbstd_group": 4}}),
    "sngan": gan_section("sngan", {**LOOP, "networks": {"latent_size": 8, "g_channels": 8, "d_channels": 8}}),
    "diffusion": gan_section("diffusion", {**LOOP, "sampling": {"steps": 4},
                                           "networks": {"channels": 8, "max_channels": 16, "blocks_per_level": 1,
                                                        "attention_resolutions": []}}),
}
LOSSES = {"diffusion": ["loss/denoise"]}  # the objective's losses; the GANs' D and G otherwise
FAMILIES = tuple(SETTINGS)


@pytest.fixture(scope="module")
def arm(tmp_path_factory):
    """A tiny real arm dataset (train/valid/test + meta.json) and its cached FID statistics."""
    data = write_tiny_arm(tmp_path_factory.mktemp("arm") / "data", SIDE, LABELS)
    stats, used = split_statistics(data / "train.tfrecord", data / "train.csv", LABELS, SIDE,
                                   make_extractor("random"), num_images=64, seed=0)
    stats.save(data / "stats.npz", labels=used, rows=split_rows(data / "train.csv", 64, 0))
    return data


def _train_command(family, arm, out):
    return [sys.executable, "-m", "synthbench", "gan", "train", "--family", family, "--data", str(arm),
            "--real-stats", str(arm / "stats.npz"), "--extractor", "random",
            "--settings-json", json.dumps(SETTINGS[family]), "--seed", "3", "--threads", "1", "--out", str(out),
            "--synthetic-out", str(out / "synthetic"), "--features-out", str(out / "features.npz"),
            "--normalisation-variants", "minmax"]


def _run(command, log):
    env = job_environment()
    with open(log, "a") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)


@pytest.fixture(scope="module", params=FAMILIES)
def uninterrupted(request, arm, tmp_path_factory):
    """(family, output folder of its uninterrupted run)."""
    out = tmp_path_factory.mktemp(f"uninterrupted_{request.param}")
    command = _train_command(request.param, arm, out)
    assert _run(command, out / "log.txt").wait(timeout=600) == 0, (out / "log.txt").read_text()
    return request.param, out


@pytest.mark.e2e
def test_killed_run_resumes_and_ends_like_an_uninterrupted_one(arm, uninterrupted, tmp_path):
    family, uninterrupted = uninterrupted
    out = tmp_path / "run"
    process = _run(_train_command(family, arm, out), tmp_path / "log.txt")
    state = out / "checkpoints/state.npz"
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if state.is_file() and checkpoint.load(state)[1]["nimg"] >= 600:
            break
        time.sleep(0.2)
    assert process.poll() is None, "the run must still be going when it is killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    _groups, killed_state = checkpoint.load(state)
    assert not (out / "network_final.keras").exists() and not (out / "training.json").exists()
    assert killed_state["stopping"]["history"], "FID evaluations happened before the kill"

    assert _run(_train_command(family, arm, out), tmp_path / "log.txt").wait(timeout=600) == 0
    log = (tmp_path / "log.txt").read_text()
    assert f"resuming at kimg {killed_state['nimg'] / 1000:.1f}" in log
    resumed, reference = pd.read_csv(out / "fid.csv"), pd.read_csv(uninterrupted / "fid.csv")
    history_before_kill = pd.DataFrame(killed_state["stopping"]["history"])
    pd.testing.assert_frame_equal(resumed.head(len(history_before_kill))[["kimg", "fid"]],
                                  history_before_kill[["kimg", "fid"]], check_dtype=False)
    np.testing.assert_array_equal(resumed["kimg"], reference["kimg"])
    np.testing.assert_allclose(resumed["fid"], reference["fid"], rtol=1e-5)
    record, expected = (json.loads((d / "training.json").read_text()) for d in (out, uninterrupted))
    assert record["kimg"] == expected["kimg"] == 1.2 and record["stop_reason"] == "total_kimg"
    assert record["best_kimg"] == expected["best_kimg"]


@pytest.mark.e2e
def test_outputs_of_a_run(uninterrupted):
    family, uninterrupted = uninterrupted
    record = json.loads((uninterrupted / "training.json").read_text())
    history = pd.read_csv(uninterrupted / "fid.csv")
    if family == "prog":
        assert history["kimg"].min() >= 0.4, "no FID before the network is fully grown"
        groups, _state = checkpoint.load(uninterrupted / "checkpoints/state.npz")
        # Keras lists Adam's step count first: Adam started afresh when the fade-in ended at kimg 0.4, so it has
        # counted the (1.2 - 0.4) kimg / 8 images since, not the run's 150 steps
        assert int(groups["g_optimizer"][0]) == int(groups["d_optimizer"][0]) == 100
    assert record["family"] == family
    assert set(history["extractor"]) == {"random"} and record["extractor"] == "random"
    assert record["best_fid"] == history["fid"].min()
    assert (uninterrupted / "samples.png").stat().st_size > 0
    assert "stopped at kimg 1.20 (total_kimg)" in (uninterrupted / "log.txt").read_text()


@pytest.mark.e2e
def test_training_writes_one_fake_per_real_row_with_its_labels_and_infer_writes_them_again(arm, uninterrupted,
                                                                                           tmp_path):
    _family, uninterrupted = uninterrupted
    command = [sys.executable, "-m", "synthbench", "gan", "infer",
               "--network", str(uninterrupted / "network_final.keras"), "--data", str(arm), "--seed", "3",
               "--out", str(tmp_path / "synthetic")]
    assert _run(command, tmp_path / "log.txt").wait(timeout=300) == 0, (tmp_path / "log.txt").read_text()
    for split in ("train", "valid", "test"):
        real = pd.read_csv(arm / f"{split}.csv")
        fake = pd.read_csv(uninterrupted / f"synthetic/{split}.csv")
        assert list(fake.columns) == list(real.columns)
        pd.testing.assert_frame_equal(fake[LABELS], real[LABELS])
        assert (fake["image_id"] == -np.arange(1, len(real) + 1)).all() and set(fake["patient_id"]) == {"synthetic"}
        images, labels, ids = records.read_records(uninterrupted / f"synthetic/{split}.tfrecord", len(LABELS), SIDE)
        assert images.shape == (len(real), SIDE, SIDE) and images.dtype == np.uint8
        np.testing.assert_array_equal(labels, real[LABELS].to_numpy(np.float32))
        np.testing.assert_array_equal(ids, fake["image_id"])
        again = records.read_records(tmp_path / f"synthetic/{split}.tfrecord", len(LABELS), SIDE)
        np.testing.assert_array_equal(again[0], images, err_msg="inference is seeded: the same fakes again")
        assert (tmp_path / f"synthetic/{split}.tfrecord").read_bytes() == \
            (uninterrupted / f"synthetic/{split}.tfrecord").read_bytes(), "two processes, the same bytes"
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / f"synthetic/{split}.csv"), fake)
    assert images.std() > 0, "fakes are images, not a constant"
    train_images = records.read_records(uninterrupted / "synthetic/train.tfrecord", len(LABELS), SIDE)[0]
    rows = split_rows(arm / "train.csv", 64, 0)
    assert 0 < len(rows) < len(train_images), "a subset: the rows of the real statistics, not the whole split"
    kept, extractor = load_features(uninterrupted / "features.npz", "synthetic")
    assert extractor == "random"
    np.testing.assert_allclose(kept, make_extractor("random")(train_images[rows]), rtol=1e-5, atol=1e-6)
    stretched, variant = load_features(uninterrupted / "features.npz", "synthetic", "minmax")
    assert variant == "random[minmax]"
    np.testing.assert_allclose(stretched, make_extractor("random").min_max_variant()(train_images[rows]),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.e2e
def test_tensorboard_scalars_every_tick_and_progress_grids_every_snapshot(arm, uninterrupted):
    """TensorBoard's own loader reads the run's events: losses, speed, lod and minibatch every tick, FID at every
    evaluation (the values of fid.csv), at steps counted in real images shown; grids of fixed-noise fakes, one
    row per class, every `snapshot_ticks` (default 4) ticks and at the end."""
    import tensorflow as tf
    from PIL import Image
    from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator

    family, uninterrupted = uninterrupted
    events = EventAccumulator(str(uninterrupted / "tensorboard"), size_guidance={"tensors": 0})
    events.Reload()

    def series(tag):
        return {event.step: float(tf.make_ndarray(event.tensor_proto)) for event in events.Tensors(tag)}

    ticks = [200, 400, 600, 800, 1000, 1200]  # tick_kimg 0.2 up to 1.2 kimg
    losses = LOSSES.get(family, ["loss/D", "loss/G"])
    for tag in (*losses, "progress/kimg_per_second", "progress/lod", "progress/minibatch"):
        assert sorted(series(tag)) == ticks, tag
    assert all(np.isfinite(value) for value in series(losses[0]).values())
    assert all(value > 0 for value in series("progress/kimg_per_second").values())
    assert set(series("progress/minibatch").values()) == {8.0}
    history = pd.read_csv(uninterrupted / "fid.csv")
    fid = series("fid/random")
    assert sorted(fid) == [round(kimg * 1000) for kimg in history["kimg"]]
    np.testing.assert_allclose([fid[round(kimg * 1000)] for kimg in history["kimg"]], history["fid"], rtol=1e-6)

    grids = sorted(path.name for path in (uninterrupted / "progress").glob("*.png"))
    assert grids == ["fakes_kimg00000.800.png", "fakes_kimg00001.200.png"]
    assert [event.step for event in events.Tensors("fakes")] == [800, 1200]
    classes = len(pd.read_csv(arm / "train.csv")[LABELS].drop_duplicates())
    with Image.open(uninterrupted / "progress" / grids[-1]) as image:
        grid = np.asarray(image)
    assert grid.shape == (classes * (SIDE + 1) - 1, 8 * (SIDE + 1) - 1)
    first_row = grid[:SIDE]
    assert first_row.std() > 0, "fakes, not a blank grid"


@pytest.mark.e2e
def test_readme_tensorboard_command_serves_the_runs_scalars(uninterrupted):
    """The README's TensorBoard command, pointed at a run folder on a free local port, serves its scalars."""
    import socket
    import urllib.request

    command = next(line.split("#")[0].split() for line in (REPO / "README.md").read_text().splitlines()
                   if line.startswith(".venv/bin/tensorboard "))
    assert command[:2] == [".venv/bin/tensorboard", "--logdir"] and command[3] == "--port"
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    family, run = uninterrupted
    tensorboard = str(Path(sys.executable).with_name("tensorboard"))
    server = subprocess.Popen([tensorboard, "--logdir", str(run), "--port", str(port), *command[5:]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, tags = time.time() + 120, None
        while time.time() < deadline and tags is None:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/data/plugin/scalars/tags", timeout=5) as answer:
                    tags = json.loads(answer.read())
            except OSError:
                assert server.poll() is None, "tensorboard exited"
                time.sleep(1)
        assert tags is not None, "tensorboard did not answer"
        assert {*LOSSES.get(family, ["loss/D", "loss/G"]), "fid/random"} <= set(tags["tensorboard"])
    finally:
        server.terminate()
        server.wait(timeout=30)
