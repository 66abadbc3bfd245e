"""KID and precision / recall / density / coverage agree with the reference packages (torch-fidelity, prdc) on
stored feature sets, their tiles change nothing, and bad input stops with a message naming it; the `synthbench
metrics features` command writes every value with its direction, range and parameters."""

import json
from pathlib import Path

import numpy as np
import pytest

from synthbench.cli import main as synthbench_main
from synthbench.fid.frechet import Statistics, frechet_distance
from synthbench.metrics.fid_infinity import fid_infinity
from synthbench.metrics.fid_jackknife import jackknife_interval
from synthbench.metrics.kid import kid
from synthbench.metrics.prdc import SampleScores, bootstrap_intervals, kth_neighbour_radii, prdc, sample_scores

REFERENCE = np.load(Path(__file__).parent / "data/feature_metrics_reference.npz")
CASES = sorted({key.rsplit("_", 1)[0] for key in REFERENCE.files})


def case(name):
    subsets, subset_size, seed, k = (int(v) for v in REFERENCE[f"{name}_parameters"])
    return REFERENCE[f"{name}_real"], REFERENCE[f"{name}_fake"], subsets, subset_size, seed, k


@pytest.mark.parametrize("name", CASES)
def test_kid_equals_torch_fidelity(name):
    real, fake, subsets, subset_size, seed, _k = case(name)
    result = kid(real, fake, subsets, subset_size, seed)
    np.testing.assert_allclose([result.mean, result.std], REFERENCE[f"{name}_kid"], rtol=1e-6)
    assert result.subset_size == min(subset_size, len(real), len(fake))
    assert result.capped == (subset_size > min(len(real), len(fake)))
    assert ("capped" in result.note()) == result.capped


@pytest.mark.parametrize("name", CASES)
def test_prdc_equals_the_authors_package_and_tiles_change_nothing(name):
    real, fake, *_, k = case(name)
    expected = REFERENCE[f"{name}_prdc"]
    whole = prdc(real, fake, k)
    np.testing.assert_allclose(list(whole.values().values()), expected, rtol=1e-6)
    tiny_tiles = prdc(real, fake, k, memory_mb=0.01)  # tiles of a few rows and columns
    assert tiny_tiles == whole


def test_reference_cases_span_what_the_metrics_tell_apart():
    """The stored cases are not all alike: copies score high precision and density, a narrow mode at the centre
    of the real cloud no recall but a density far above 1 (density is unbounded), and the copied set's KID is
    far below the shifted one's."""
    prdc_of = {name: REFERENCE[f"{name}_prdc"] for name in CASES}
    assert prdc_of["copies"][0] > 0.9 and prdc_of["copies"][2] > prdc_of["shifted"][2]
    assert prdc_of["narrow"][1] < 0.2 and prdc_of["narrow"][2] > 10
    assert REFERENCE["copies_kid"][0] < REFERENCE["shifted_kid"][0]


def test_prdc_intervals_are_seeded_contain_the_value_and_match_the_binomial_width():
    real, fake, *_, k = case("shifted")
    scores = sample_scores(real, fake, k)
    intervals = bootstrap_intervals(scores, resamples=2000, seed=5)
    assert intervals == bootstrap_intervals(scores, resamples=2000, seed=5)
    assert intervals != bootstrap_intervals(scores, resamples=2000, seed=6)
    for name, value in prdc(real, fake, k).values().items():
        low, high = intervals[name]
        assert low <= value <= high, name
    # Precision is a mean of 0/1 scores: its 95 % interval is about 2 x 1.96 binomial standard errors wide.
    p, n = float(np.mean(scores.in_real_balls)), len(fake)
    expected_width = 2 * 1.96 * np.sqrt(p * (1 - p) / n)
    assert intervals["precision"][1] - intervals["precision"][0] == pytest.approx(expected_width, rel=0.15)
    certain = SampleScores(np.ones(50, bool), np.full(50, 2.0), np.ones(40, bool), np.zeros(40, bool))
    assert bootstrap_intervals(certain, 100, 0) == {"precision": (1.0, 1.0), "recall": (1.0, 1.0),
                                                    "density": (2.0, 2.0), "coverage": (0.0, 0.0)}


def test_kth_neighbour_radius_counts_other_samples_only():
    points = np.array([[0.0], [1.0], [3.0], [6.0]])
    np.testing.assert_array_equal(kth_neighbour_radii(points, 1), np.array([1.0, 1.0, 4.0, 9.0]))
    np.testing.assert_array_equal(kth_neighbour_radii(points, 2), np.array([9.0, 4.0, 9.0, 25.0]))


def test_identical_sets_and_disjoint_sets():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(60, 8))
    same = prdc(real, real.copy(), k=3)
    assert same.precision == same.recall == same.coverage == 1.0
    far = prdc(real, real + 100.0, k=3)
    assert far.precision == far.recall == far.density == far.coverage == 0.0
    same_distribution = rng.normal(size=(60, 8))
    alike, apart = (kid(real, other, subsets=5, subset_size=60).mean for other in (same_distribution, real + 1.0))
    assert abs(alike) < apart / 20


@pytest.mark.parametrize(("real", "fake", "message"), [
    (np.zeros((10, 4)), np.zeros((10, 5)), r"real features are 4-d \(\(10, 4\)\), fake features 5-d"),
    (np.zeros((10, 4)), np.zeros((4, 4)), r"fake: 4 feature vectors, at least 6 needed for PRDC with k = 5"),
    (np.zeros((10, 4)), np.full((10, 4), np.nan), r"fake: 10 of 10 feature vectors hold NaN or infinity"),
    (np.zeros(10), np.zeros((10, 4)), r"real: feature array of shape \(10,\), expected \[N, D\]"),
])
def test_bad_feature_sets_name_the_input_and_sizes(real, fake, message):
    with pytest.raises(ValueError, match=message):
        prdc(real, fake, k=5)


def test_metrics_features_command_writes_values_with_direction_range_and_parameters(tmp_path, capsys):
    real, fake, subsets, subset_size, seed, k = case("narrow")
    np.save(tmp_path / "real.npy", real)
    np.save(tmp_path / "fake.npy", fake)
    synthbench_main(["metrics", "features", "--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy"),
                     "--metrics", "fid,kid,prdc", "--kid-subsets", str(subsets), "--kid-subset-size", str(subset_size),
                     "--seed", str(seed), "--k", str(k), "--out", str(tmp_path / "result.json")])
    result = json.loads((tmp_path / "result.json").read_text())
    values = {entry["name"]: entry for entry in result["metrics"]}
    assert list(values) == ["fid", "kid", "kid_std", "precision", "recall", "density", "coverage"]
    np.testing.assert_allclose([values["kid"]["value"], values["kid_std"]["value"]], REFERENCE["narrow_kid"], rtol=1e-6)
    np.testing.assert_allclose([values[n]["value"] for n in ("precision", "recall", "density", "coverage")],
                               REFERENCE["narrow_prdc"], rtol=1e-6)
    expected_fid = frechet_distance(Statistics.from_features(real, "x"), Statistics.from_features(fake, "x"))
    assert values["fid"]["value"] == pytest.approx(expected_fid, rel=1e-12)
    assert values["kid"]["direction"] == "lower" and values["kid"]["range"] == [None, None]
    assert values["precision"]["direction"] == "higher" and values["precision"]["range"] == [0.0, 1.0]
    parameters = values["kid"]["parameters"]
    assert parameters["subset_size"] == 200 and parameters["requested_subset_size"] == 500
    assert values["coverage"]["parameters"] == {"k": k, "distance": "euclidean"}
    for name in ("precision", "recall", "density", "coverage"):
        ci = values[name]["ci"]
        assert ci["low"] <= values[name]["value"] <= ci["high"] and ci["level"] == 0.95 and ci["resamples"] == 1000
    assert values["precision"]["ci"]["over"] == "fake" and values["recall"]["ci"]["over"] == "real"
    subset_values = kid(real, fake, subsets, subset_size, seed).values
    assert [values["kid"]["ci"]["low"], values["kid"]["ci"]["high"]] == pytest.approx(
        np.percentile(subset_values, [2.5, 97.5]), rel=1e-12)
    assert values["kid"]["ci"]["subsets"] == subsets and values["kid_std"].get("ci") is None
    assert values["fid"]["n"] == {"real": len(real), "fake": len(fake)}
    assert result["fake"]["shape"] == list(fake.shape)
    captured = capsys.readouterr()
    assert "KID subset size capped at 200 (the smaller set's size) from the requested 500" in captured.err
    assert "precision" in captured.out and "(higher is better)" in captured.out


def test_metrics_features_command_refuses_unknown_metrics_and_unreadable_files(tmp_path):
    with pytest.raises(SystemExit):
        synthbench_main(["metrics", "features", "--real", "r.npy", "--fake", "f.npy", "--metrics", "fid,ssim",
                         "--out", str(tmp_path / "x.json")])
    (tmp_path / "real.npy").write_text("not an array")
    np.save(tmp_path / "fake.npy", np.zeros((10, 4)))
    with pytest.raises(SystemExit, match=r"real.npy: not a readable .npy array"):
        synthbench_main(["metrics", "features", "--real", str(tmp_path / "real.npy"), "--fake",
                         str(tmp_path / "fake.npy"), "--out", str(tmp_path / "x.json")])
    assert not (tmp_path / "x.json").exists()


def test_readme_metrics_command_runs_as_written(tmp_path):
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    command = next(line for line in (repo / "README.md").read_text().splitlines()
                   if line.startswith("PYTHONPATH=src python -m synthbench metrics features "))
    real, fake, *_ = case("shifted")
    np.save(tmp_path / "real.npy", real)
    np.save(tmp_path / "fake.npy", fake)
    (tmp_path / "src").symlink_to(repo / "src")
    subprocess.run(command, shell=True, cwd=tmp_path, check=True, capture_output=True)
    values = {entry["name"]: entry["value"] for entry in json.loads((tmp_path / "result.json").read_text())["metrics"]}
    np.testing.assert_allclose([values[n] for n in ("precision", "recall", "density", "coverage")],
                               REFERENCE["shifted_prdc"], rtol=1e-6)


def _png_folder(folder: Path, images: np.ndarray, mode: str = "L") -> Path:
    from PIL import Image

    folder.mkdir(parents=True)
    for index, image in enumerate(images):
        pixels = image if mode == "L" else np.repeat(image[:, :, None], 3, axis=2)
        Image.fromarray(pixels, mode=mode).save(folder / f"{index:03d}.png")
    return folder


@pytest.mark.e2e
def test_metrics_folders_command_embeds_both_folders_with_the_extractor(tmp_path):
    """The folders command equals the features command on the same images' features (the random-init control
    network here), and reads a grey image saved as RGB as grey."""
    from synthbench.fid.extractors import make_extractor

    rng = np.random.default_rng(0)
    real_images = rng.integers(0, 256, (40, 16, 16), dtype=np.uint8)
    fake_images = np.clip(real_images[:30].astype(int) + rng.integers(-20, 20, (30, 16, 16)), 0, 255).astype(np.uint8)
    real_folder = _png_folder(tmp_path / "real", real_images)
    fake_folder = _png_folder(tmp_path / "fake", fake_images, mode="RGB")
    synthbench_main(["metrics", "folders", "--real", str(real_folder), "--fake", str(fake_folder), "--extractor",
                     "random", "--kid-subset-size", "20", "--k", "3", "--out", str(tmp_path / "folders.json")])
    result = json.loads((tmp_path / "folders.json").read_text())
    assert result["extractor"] == "random" and result["real"]["images"] == 40 and result["fake"]["images"] == 30

    extractor = make_extractor("random")
    np.save(tmp_path / "real.npy", extractor(real_images))
    np.save(tmp_path / "fake.npy", extractor(fake_images))
    synthbench_main(["metrics", "features", "--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy"),
                     "--kid-subset-size", "20", "--k", "3", "--out", str(tmp_path / "features.json")])
    expected = json.loads((tmp_path / "features.json").read_text())["metrics"]
    assert [m["name"] for m in result["metrics"]] == [m["name"] for m in expected]
    np.testing.assert_allclose([m["value"] for m in result["metrics"]], [m["value"] for m in expected], rtol=1e-9)


def test_metrics_folders_refuse_mixed_sizes_colour_and_empty_folders(tmp_path):
    from PIL import Image

    from synthbench.metrics.folders import read_folder

    folder = _png_folder(tmp_path / "mixed", np.zeros((2, 8, 8), np.uint8))
    Image.fromarray(np.zeros((9, 8), np.uint8)).save(folder / "002.png")
    with pytest.raises(ValueError, match=r"002.png: 8 x 9 px, but 000.png is 8 x 8 px"):
        read_folder(folder)
    colour = tmp_path / "colour"
    colour.mkdir()
    pixels = np.zeros((8, 8, 3), np.uint8)
    pixels[..., 0] = 255
    Image.fromarray(pixels, mode="RGB").save(colour / "red.png")
    with pytest.raises(ValueError, match=r"red.png: a RGB image; expected a greyscale PNG"):
        read_folder(colour)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"empty: no .png images"):
        read_folder(tmp_path / "empty")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken/x.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=r"x.png: not a readable PNG"):
        read_folder(tmp_path / "broken")


def _feature_files(tmp_path, synthetic_extractor="classifier"):
    from synthbench.metrics.feature_sets import save_features

    real, fake, *_ = case("narrow")
    save_features(tmp_path / "real.npz", "classifier", train=real[:150], heldout=real[150:])
    save_features(tmp_path / "gan.npz", synthetic_extractor, synthetic=fake)
    return real, fake


def test_the_workflow_job_measures_a_run_and_the_real_ceiling_into_metrics_tables(tmp_path):
    from synthbench.metrics import table as metrics_table

    real, fake = _feature_files(tmp_path)
    settings = json.dumps({"kid_subsets": 7, "kid_subset_size": 50, "k": 3, "bootstrap": 50, "memory_mb": None,
                           "fid_infinity_points": 4, "fid_groups": 5})
    common = ["--real-features", str(tmp_path / "real.npz"), "--settings-json", settings, "--seed", "4"]
    synthbench_main(["metrics", "generator", *common, "--synthetic-features", str(tmp_path / "gan.npz"),
                     "--out", str(tmp_path / "run")])
    synthbench_main(["metrics", "generator", *common, "--out", str(tmp_path / "ceiling")])
    run = metrics_table.read(tmp_path / "run" / metrics_table.FILE).set_index("metric")
    assert list(run.index) == ["fid", "fid_infinity", "kid", "kid_std", "precision", "recall", "density", "coverage"]
    assert set(run["extractor"]) == {"classifier"} and set(run["n"]) == {len(fake)}
    expected = prdc(real[:150], fake, k=3).values()
    assert run.loc[list(expected), "result"].tolist() == pytest.approx(list(expected.values()), rel=1e-12)
    assert run.loc["kid", "result"] == pytest.approx(kid(real[:150], fake, 7, 50, 4).mean, rel=1e-12)
    assert run.loc["fid_infinity", "result"] == pytest.approx(fid_infinity(real[:150], fake, 4, 4).value, rel=1e-12)
    with_interval = ["fid", "fid_infinity", "kid", "precision", "recall", "density", "coverage"]
    assert run.loc[with_interval, "ci_low"].notna().all() and np.isnan(run.loc["kid_std", "ci_low"])
    interval = jackknife_interval(real[:150], fake, groups=5, seed=4)
    assert run.loc["fid", ["ci_low", "result", "ci_high"]].tolist() == pytest.approx(
        [interval.low, interval.value, interval.high], rel=1e-12)
    assert (run.loc[with_interval, "ci_low"] <= run.loc[with_interval, "result"]).all()
    ceiling = metrics_table.read(tmp_path / "ceiling" / metrics_table.FILE).set_index("metric")
    assert set(ceiling["n"]) == {len(real) - 150}, "the ceiling compares the held-out rows"
    assert ceiling.loc["fid", "result"] == pytest.approx(frechet_distance(
        Statistics.from_features(real[:150], "x"), Statistics.from_features(real[150:], "x")), rel=1e-12)
    (measured,) = json.loads((tmp_path / "ceiling" / "metrics.json").read_text())["inputs"]
    assert measured["compared"]["set"] == "heldout" and measured["extractor"] == "classifier"


def test_the_workflow_job_measures_fid_again_under_each_normalisation_variant_both_files_hold(tmp_path):
    from synthbench.metrics import table as metrics_table
    from synthbench.metrics.feature_sets import save_features

    real, fake, *_ = case("narrow")
    stretched_real, stretched_fake = real * 1.5 + 2, fake * 0.5
    save_features(tmp_path / "real.npz", "inception", train=real[:150], heldout=real[150:],
                  **{"train@minmax": stretched_real[:150], "heldout@minmax": stretched_real[150:],
                     "train@raw": real[:150] * 3, "heldout@raw": real[150:] * 3})
    save_features(tmp_path / "gan.npz", "inception", synthetic=fake, **{"synthetic@minmax": stretched_fake})
    settings = json.dumps({"kid_subsets": 3, "kid_subset_size": 50, "k": 3, "bootstrap": 5, "memory_mb": None,
                           "fid_infinity_points": 3, "fid_groups": 5})
    synthbench_main(["metrics", "generator", "--real-features", str(tmp_path / "real.npz"), "--synthetic-features",
                     str(tmp_path / "gan.npz"), "--settings-json", settings, "--seed", "0", "--out",
                     str(tmp_path / "run")])
    table = metrics_table.read(tmp_path / "run" / metrics_table.FILE)
    fid = table[table["metric"] == "fid"].set_index("extractor")["result"]
    assert list(fid.index) == ["inception", "inception[minmax]"], "raw: the synthetic file has no raw set"
    assert fid["inception[minmax]"] == pytest.approx(frechet_distance(
        Statistics.from_features(stretched_real[:150], "x"), Statistics.from_features(stretched_fake, "x")), rel=1e-12)
    assert fid["inception[minmax]"] != pytest.approx(fid["inception"])
    assert set(table.loc[table["extractor"] == "inception[minmax]", "metric"]) == {"fid"}
    report = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert [measured["extractor"] for measured in report["inputs"]] == ["inception", "inception[minmax]"]


def test_the_workflow_job_measures_in_every_extractor_it_is_given_a_pair_of_files_for(tmp_path):
    from synthbench.metrics import table as metrics_table
    from synthbench.metrics.feature_sets import save_features

    real, fake = _feature_files(tmp_path)
    rng = np.random.default_rng(5)
    other_real, other_fake = rng.normal(size=(200, 3)), rng.normal(0.5, 1.0, size=(120, 3))
    save_features(tmp_path / "real_random.npz", "random", train=other_real[:150], heldout=other_real[150:])
    save_features(tmp_path / "gan_random.npz", "random", synthetic=other_fake)
    settings = json.dumps({"kid_subsets": 3, "kid_subset_size": 50, "k": 3, "bootstrap": 5, "memory_mb": None,
                           "fid_infinity_points": 3, "fid_groups": 5})
    common = ["--settings-json", settings, "--seed", "0", "--out", str(tmp_path / "run")]
    synthbench_main(["metrics", "generator", "--real-features", str(tmp_path / "real.npz"),
                     str(tmp_path / "real_random.npz"), "--synthetic-features", str(tmp_path / "gan.npz"),
                     str(tmp_path / "gan_random.npz"), *common])
    table = metrics_table.read(tmp_path / "run" / metrics_table.FILE)
    assert table.groupby("extractor")["metric"].count().to_dict() == {"classifier": 8, "random": 8}
    fid = table[table["metric"] == "fid"].set_index("extractor")["result"]
    assert fid["random"] == pytest.approx(frechet_distance(Statistics.from_features(other_real[:150], "x"),
                                                           Statistics.from_features(other_fake, "x")), rel=1e-12)
    assert fid["classifier"] == pytest.approx(frechet_distance(Statistics.from_features(real[:150], "x"),
                                                               Statistics.from_features(fake, "x")), rel=1e-12)
    with pytest.raises(SystemExit, match="2 --real-features files but 1 --synthetic-features"):
        synthbench_main(["metrics", "generator", "--real-features", str(tmp_path / "real.npz"),
                         str(tmp_path / "real_random.npz"), "--synthetic-features", str(tmp_path / "gan.npz"), *common])


def test_the_workflow_job_refuses_features_of_another_extractor(tmp_path):
    _feature_files(tmp_path, synthetic_extractor="inception")
    settings = json.dumps({"kid_subsets": 2, "kid_subset_size": 50, "k": 3, "bootstrap": 5, "memory_mb": None,
                           "fid_infinity_points": 3, "fid_groups": 5})
    with pytest.raises(SystemExit, match=r"gan.npz: features of extractor 'inception', .*real.npz holds 'classifier'"):
        synthbench_main(["metrics", "generator", "--real-features", str(tmp_path / "real.npz"), "--synthetic-features",
                         str(tmp_path / "gan.npz"), "--settings-json", settings, "--seed", "0", "--out",
                         str(tmp_path / "run")])


def test_the_workflow_job_records_an_undefined_fid_infinity_and_a_kid_without_spread(tmp_path):
    """The demo's smallest held-out sets (16 images) are too small for FID∞: the job records it as undefined
    (NaN in the table, null with the reason in the JSON) instead of failing the workflow; and KID subsets that are
    both whole sets have no spread, so no interval is claimed."""
    from synthbench.metrics import table as metrics_table
    from synthbench.metrics.feature_sets import save_features

    rng = np.random.default_rng(3)
    save_features(tmp_path / "real.npz", "classifier", train=rng.normal(size=(16, 4)),
                  heldout=rng.normal(size=(16, 4)))
    settings = json.dumps({"kid_subsets": 5, "kid_subset_size": 100, "k": 3, "bootstrap": 20, "memory_mb": None,
                           "fid_infinity_points": 5, "fid_groups": 5})
    synthbench_main(["metrics", "generator", "--real-features", str(tmp_path / "real.npz"), "--settings-json",
                     settings, "--seed", "0", "--out", str(tmp_path / "ceiling")])
    table = metrics_table.read(tmp_path / "ceiling" / metrics_table.FILE).set_index("metric")
    assert np.isnan(table.loc["fid_infinity", "result"]) and np.isfinite(table.loc["fid", "result"])
    assert np.isnan(table.loc["kid", "ci_low"]) and np.isfinite(table.loc["kid", "result"])
    values = {entry["name"]: entry for entry in json.loads((tmp_path / "ceiling/metrics.json").read_text())["metrics"]}
    assert values["fid_infinity"]["value"] is None
    assert values["fid_infinity"]["undefined"] == "undefined: 16 images, FID∞ needs at least 20"
    assert "no spread" in values["kid"]["no_ci"]
    with pytest.raises(SystemExit, match="FID∞ needs at least 20 synthetic feature vectors"):
        np.save(tmp_path / "r.npy", rng.normal(size=(16, 4)))
        synthbench_main(["metrics", "features", "--real", str(tmp_path / "r.npy"), "--fake", str(tmp_path / "r.npy"),
                         "--metrics", "fid_infinity", "--out", str(tmp_path / "x.json")])
