"""Real + synthetic mixes: their names, which synthetic rows they take, the stream that interleaves real and
synthetic rows, the extra fakes sampled for ratios above 1, and the figure."""

import json

import numpy as np
import pandas as pd
import pytest

from synthbench.classifier.mixes import mix_rows
from synthbench.names import mix_of, mix_source


def test_mix_names_spell_their_family_and_ratio():
    assert [mix_source("cpd", ratio) for ratio in (0.5, 1, 2.0, 1.25)] == [
        "real+0.5cpd", "real+1cpd", "real+2cpd", "real+1.25cpd"]
    assert mix_of("real+0.5cpd") == ("cpd", 0.5) and mix_of("real+2sngan") == ("sngan", 2.0)
    assert mix_of("cpd") is None and mix_of("real") is None and mix_of("real+cpd") is None


def test_mixes_take_the_ratio_of_rows_twin_split_first_and_nest_across_ratios():
    twins, more = 40, 40
    taken = {ratio: mix_rows([twins, more], ratio, real_rows=40, seed=3) for ratio in (0.5, 1, 1.5, 2)}
    assert [[int(mask.sum()) for mask in masks] for masks in taken.values()] == [[20, 0], [40, 0], [40, 20], [40, 40]]
    for smaller, larger in ((0.5, 1), (1, 1.5), (1.5, 2)):
        for part in range(2):
            assert not (taken[smaller][part] & ~taken[larger][part]).any(), "a smaller mix's fakes are in the larger"
    assert not np.array_equal(mix_rows([twins], 0.5, 40, seed=4)[0], taken[0.5][0]), "another seed, other rows"
    with pytest.raises(ValueError, match="ratio 2.5 on 40 real rows needs 100 synthetic rows; the synthetic files "
                                         r"hold 80 \(40 \+ 40\)"):
        mix_rows([twins, more], 2.5, 40, seed=3)


def write_records(path, images, labels, ids):
    from synthbench import records

    with records.RecordWriter(path) as writer:
        writer.write(images, labels, ids)
    pd.DataFrame({"image_id": ids}).to_csv(path.with_suffix(".csv"), index=False)


def test_the_training_stream_interleaves_the_kept_rows_of_every_part_in_proportion(tmp_path):
    """Real images are 255, each synthetic image is filled with its row number: the stream shows only kept rows,
    about as often as their share of the mix."""
    from synthbench.classifier.pipeline import training_batches

    side = 4
    real, synthetic = tmp_path / "real.tfrecord", tmp_path / "synthetic.tfrecord"
    write_records(real, np.full((60, side, side), 255, np.uint8), np.ones((60, 1), np.float32), np.arange(60))
    write_records(synthetic, np.arange(100, dtype=np.uint8)[:, None, None] * np.ones((1, side, side), np.uint8),
                  np.zeros((100, 1), np.float32), -np.arange(1, 101))
    keep = np.zeros(100, bool)
    keep[::5] = True  # 20 of 100 rows
    parts = [(real, np.ones(60, bool)), (synthetic, keep)]
    stream = training_batches(parts, 1, side, 16, seed=1, cache_mb=1)
    images = np.concatenate([batch[0].numpy()[:, 0, 0, 0] for batch in stream.take(100)])
    fakes = images[images != 255]
    assert set(fakes.astype(int)) == set(np.flatnonzero(keep)), "every kept synthetic row, and no other"
    assert len(fakes) / len(images) == pytest.approx(20 / 80, abs=0.04)
    again = np.concatenate([batch[0].numpy()[:, 0, 0, 0] for batch in training_batches(
        parts, 1, side, 16, seed=1, cache_mb=1).take(100)])
    np.testing.assert_array_equal(images, again)
    resumed = np.concatenate([batch[0].numpy()[:, 0, 0, 0] for batch in training_batches(
        parts, 1, side, 16, seed=1, cache_mb=1, skip=40).take(60)])
    np.testing.assert_array_equal(resumed, images[40 * 16:])


def test_more_synthetic_images_repeat_the_train_labels_with_fresh_noise_and_ids_after_the_twins(tmp_path):
    from synthbench import records
    from synthbench.gans.inference import MORE, write_more_synthetic, write_synthetic_split

    data = tmp_path / "data"
    data.mkdir()
    labels = np.array([[1, 0], [0, 1], [1, 1]], np.float32)
    pd.DataFrame({"image_id": [7, 8, 9], "patient_id": ["a", "b", "c"], "A": labels[:, 0].astype(int),
                  "B": labels[:, 1].astype(int)}).to_csv(data / "train.csv", index=False)
    (data / "meta.json").write_text(json.dumps({"labels": ["A", "B"], "resolution": 4}))

    def sampler(vectors, seed):  # a fake's pixels tell its label vector and its noise seed
        noise = np.random.default_rng(seed).integers(0, 50, len(vectors))
        return ((vectors @ np.array([1, 2]) * 60 + noise)[:, None, None] * np.ones((1, 4, 4))).astype(np.uint8)

    out = tmp_path / "synthetic"
    out.mkdir()
    assert write_more_synthetic(sampler, data, copies=2, seed=5, out=out, batch_size=2) == 6
    images, written_labels, ids = records.read_records(out / f"{MORE}.tfrecord", 2, 4)
    np.testing.assert_array_equal(written_labels, np.concatenate([labels, labels]))
    np.testing.assert_array_equal(ids, [-4, -5, -6, -7, -8, -9])
    table = pd.read_csv(out / f"{MORE}.csv")
    assert table["image_id"].tolist() == ids.tolist() and (table["patient_id"] == "synthetic").all()
    write_synthetic_split(sampler, data / "train.csv", ["A", "B"], 5 * 3, out / "train.tfrecord", out / "train.csv",
                          batch_size=2)
    twins, _, twin_ids = records.read_records(out / "train.tfrecord", 2, 4)
    np.testing.assert_array_equal(twin_ids, [-1, -2, -3])
    assert not np.array_equal(images[:3], twins) and not np.array_equal(images[:3], images[3:]), "fresh noise"


def test_the_mixes_figure_starts_every_line_at_the_real_classifier_and_draws_the_paired_differences():
    from synthbench.plots.mixes import mix_points, mixes_figure

    rows = [("chest", "samples", 20, source, 0, "delta_mean_auroc", "", "", delta, delta - 0.05, delta + 0.05)
            for source, delta in (("cpd", -0.2), ("real+0.5cpd", 0.01), ("real+2cpd", 0.03), ("real+1prog", -0.01))]
    rows.append(("chest", "samples", 20, "real", 0, "mean_auroc", "", "", 0.7, 0.6, 0.8))
    summary = pd.DataFrame(rows, columns=["dataset", "arm", "value", "source", "seed", "metric", "class",
                                          "extractor", "result", "ci_low", "ci_high"])
    points = mix_points(summary)
    assert points[["family", "ratio", "mean"]].values.tolist() == [
        ["cpd", 0.0, 0.0], ["cpd", 0.5, 0.01], ["cpd", 2.0, 0.03], ["prog", 0.0, 0.0], ["prog", 1.0, -0.01]]
    assert points.loc[points["ratio"] > 0, "low"].tolist() == pytest.approx([-0.04, -0.02, -0.06])
    figure = mixes_figure(points)
    drawn = {line.get_label(): line.get_ydata().tolist() for line in figure.axes[0].get_lines()
             if not line.get_label().startswith("_")}
    assert drawn == {"cpd (no-growth GAN)": [0.0, 0.01, 0.03], "prog (progressive GAN)": [0.0, -0.01]}
    assert len(figure.axes[0].containers) == 2, "an error bar per family, at its mixes (not at the real classifier)"
