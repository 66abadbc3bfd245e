"""The generator catalogue: model cards checked against their schema (every bad field listed), search over card
fields, ranking by a metric's direction (ties stable), and generation by label names, vectors or as the training
split, through the Python API and `synthbench models`."""

import json

import keras
import numpy as np
import pandas as pd
import pytest

from synthbench import Generators
from synthbench.catalogue.cards import CARD_VERSION, CITATION, MODEL_LICENCE, CardError, checked, dataset_facts
from synthbench.cli import main as synthbench_main
from synthbench.gans import registry
from synthbench.metrics import table as metrics_table

LABELS = ["left", "right"]
SMALL = {"latent_size": 8, "g_channels": 4, "d_channels": 4, "max_channels": 16}


def card(dataset="chest", arm="samples", value=20, family="dcgan", seed=0, resolution=16) -> dict:
    return {"card_version": CARD_VERSION, "family": family, "dataset": dataset, **dataset_facts(dataset),
            "arm": arm, "value": value, "resolution": resolution, "labels": LABELS, "seed": seed,
            "training": {"kimg": 1.0, "best_kimg": 0.5, "stop_reason": "total_kimg", "wall_seconds": 3.0},
            "best": [{"metric": "fid", "value": 30.0, "direction": "lower", "extractor": "random", "kimg": 0.5}],
            "settings_sha256": "a" * 64, "training_data_sha256": "b" * 64, "synthbench_version": "0.2.0",
            "licence": MODEL_LICENCE, "citation": CITATION}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Four generator runs in the results layout (one untrained dcgan network saved four times), with generator
    metrics tables, a training split for one, and a run still training (no network) that must be ignored."""
    root = tmp_path_factory.mktemp("catalogue") / "results"
    keras.utils.set_random_seed(0)
    generator, _ = registry.entry("dcgan").load().build(16, len(LABELS), SMALL)
    runs = [(card(value=20, seed=0), {"fid": 30.0, "precision": 0.7}),
            (card(value=80, seed=0), {"fid": 12.0, "precision": 0.9}),
            (card(value=80, seed=1), {"fid": 12.0, "precision": 0.2}),  # ties the fid of seed 0
            (card(dataset="brain", arm="classes", value=2, family="sngan"), {"fid": 50.0, "precision": 0.5})]
    for run_card, values in runs:
        arm = root / run_card["dataset"] / run_card["arm"] / str(run_card["value"])
        folder = arm / "gan" / run_card["family"] / f"seed{run_card['seed']}"
        folder.mkdir(parents=True)
        generator.save(folder / "network_final.keras")
        (folder / "card.json").write_text(json.dumps(run_card))
        rows = [metrics_table.row(name, value, extractor="random", n=40) for name, value in values.items()]
        metrics_table.write(arm / "metrics" / run_card["family"] / f"seed{run_card['seed']}" / metrics_table.FILE,
                            rows)
    training = root / "chest/samples/20/gan/cpd/seed0"
    training.mkdir(parents=True)
    (training / "card.json").write_text(json.dumps(card(family="cpd")))
    data = root / "chest/samples/20/data"
    data.mkdir(parents=True)
    pd.DataFrame({"image_id": range(5), "patient_id": "p", "left": [1, 0, 1, 1, 0],
                  "right": [0, 1, 0, 1, 1]}).to_csv(data / "train.csv", index=False)
    return root


def test_a_bad_card_is_refused_with_every_problem_listed():
    bad = card()
    del bad["licence"]
    bad["resolution"] = "sixteen"
    bad["source_data"]["url"] = "nowhere"
    with pytest.raises(CardError) as caught:
        checked(bad, "run/card.json")
    message = str(caught.value)
    assert message.startswith("run/card.json: invalid model card")
    assert "(card): 'licence' is a required property" in message
    assert "resolution: 'sixteen' is not of type 'integer'" in message
    assert "source_data.url: 'nowhere' does not match" in message
    checked(card(), "good")


def test_every_finished_generator_is_found_under_a_short_stable_id(catalogue):
    gens = Generators(catalogue)
    assert sorted(gens.models) == ["brain-classes-2-sngan-s0", "chest-samples-20-dcgan-s0",
                                   "chest-samples-80-dcgan-s0", "chest-samples-80-dcgan-s1"], "no half-trained run"
    info = gens.info("chest-samples-80-dcgan-s1")
    assert info["anatomy"] == "chest" and "CheXpert" in info["source_data"]["name"]
    assert {value["metric"]: value["value"] for value in info["metrics"]} == {"fid": 12.0, "precision": 0.2}
    with pytest.raises(KeyError, match="no generator 'chest-x'"):
        gens.info("chest-x")


def test_search_matches_every_word_numbers_exactly_and_fields_by_equality(catalogue):
    gens = Generators(catalogue)
    ids = lambda models: [model.id for model in models]  # noqa: E731
    assert ids(gens.search("chest 80")) == ["chest-samples-80-dcgan-s0", "chest-samples-80-dcgan-s1"]
    assert ids(gens.search("CT, sngan")) == ["brain-classes-2-sngan-s0"]
    assert ids(gens.search("8")) == [], "a number matches a value exactly, not as a part of 80"
    assert ids(gens.search("radiograph", seed=1)) == ["chest-samples-80-dcgan-s1"]
    assert len(gens.search()) == 4
    with pytest.raises(ValueError, match="unknown card field"):
        gens.search(colour="red")


def test_rank_follows_each_metrics_direction_and_keeps_ties_in_id_order(catalogue):
    gens = Generators(catalogue)
    by_fid = [(model.id, value["value"]) for model, value in gens.rank("fid", dataset="chest")]
    assert by_fid == [("chest-samples-80-dcgan-s0", 12.0), ("chest-samples-80-dcgan-s1", 12.0),
                      ("chest-samples-20-dcgan-s0", 30.0)]
    by_precision = [model.id for model, _ in gens.rank("precision")]
    assert by_precision == ["chest-samples-80-dcgan-s0", "chest-samples-20-dcgan-s0", "brain-classes-2-sngan-s0",
                            "chest-samples-80-dcgan-s1"], "higher is better"
    assert gens.rank("kid") == [] and gens.rank("fid", extractor="inception") == []
    with pytest.raises(ValueError, match="no better direction"):
        gens.rank("kid_std")


def test_generate_by_label_names_vectors_or_as_the_training_split(catalogue, tmp_path):
    gens = Generators(catalogue)
    model = "chest-samples-20-dcgan-s0"
    images, vectors = gens.generate(model, num_samples=6, labels=["right"], seed=3)
    assert images.shape == (6, 16, 16) and images.dtype == np.uint8 and (vectors == [0, 1]).all()
    again, _ = gens.generate(model, num_samples=6, labels=["right"], seed=3)
    np.testing.assert_array_equal(images, again)
    other, _ = gens.generate(model, labels=np.array([[1, 0]] * 6, np.float32), seed=3)
    assert not np.array_equal(images, other), "fakes depend on their labels"
    training_images, training_labels = gens.generate(model, labels="training", seed=3)
    assert training_labels.tolist() == [[1, 0], [0, 1], [1, 0], [1, 1], [0, 1]]
    written = gens.generate(model, num_samples=4, labels=["left", "right"], seed=0, out=tmp_path / "fakes")
    table = pd.read_csv(written)
    assert table.columns.tolist() == ["file", "left", "right"] and (table[LABELS] == 1).all().all()
    assert sorted(path.name for path in (tmp_path / "fakes").glob("*.png")) == table["file"].tolist()
    batches = list(gens.dataset(model, batch_size=4, labels=["right"], num_samples=6, seed=3).as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate([batch[0] for batch in batches]), images)
    assert [len(batch[0]) for batch in batches] == [4, 2]
    with pytest.raises(ValueError, match=r"knows no label\(s\) \['Edema'\]"):
        gens.generate(model, num_samples=1, labels=["Edema"])
    with pytest.raises(FileNotFoundError, match="training split of chest-samples-80-dcgan-s0 is not here"):
        gens.generate("chest-samples-80-dcgan-s0", labels="training")


def test_the_models_command_lists_ranks_and_generates(catalogue, tmp_path, capsys):
    synthbench_main(["models", "list", "--root", str(catalogue)])
    listed = capsys.readouterr().out
    assert listed.splitlines()[0].split() == ["id", "family", "dataset", "arm", "value", "px", "labels", "fid"]
    assert "chest-samples-80-dcgan-s1" in listed and "12.00 (random)" in listed
    synthbench_main(["models", "rank", "--metric", "fid", "--where", "dataset=chest", "--root", str(catalogue)])
    ranked = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[0] for line in ranked] == ["chest-samples-80-dcgan-s0", "chest-samples-80-dcgan-s1",
                                                    "chest-samples-20-dcgan-s0"]
    synthbench_main(["models", "generate", "chest-samples-20-dcgan-s0", "--num-samples", "3", "--labels", "left",
                     "--out", str(tmp_path / "out"), "--root", str(catalogue)])
    assert "wrote 3 images" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="--where 'colour': expected FIELD=VALUE"):
        synthbench_main(["models", "search", "--where", "colour", "--root", str(catalogue)])


def test_an_exported_package_imports_into_a_catalogue_and_makes_the_same_images(catalogue, tmp_path):
    from synthbench.catalogue.packages import export_package, import_package

    gens = Generators(catalogue)
    package = export_package(gens, "chest-samples-80-dcgan-s1", tmp_path / "model.zip")
    installed = import_package(package, tmp_path / "catalogue")
    assert installed == tmp_path / "catalogue/chest-samples-80-dcgan-s1"
    imported = Generators(tmp_path / "catalogue")
    assert list(imported.models) == ["chest-samples-80-dcgan-s1"]
    assert [(value["metric"], value["value"]) for value in imported.info("chest-samples-80-dcgan-s1")["metrics"]] == [
        ("fid", 12.0), ("precision", 0.2)], "the package carries the metrics measured after training"
    ours, _ = gens.generate("chest-samples-80-dcgan-s1", num_samples=8, labels=["left"], seed=4)
    theirs, _ = imported.generate("chest-samples-80-dcgan-s1", num_samples=8, labels=["left"], seed=4)
    np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(ValueError, match="is in the catalogue already"):
        import_package(package, tmp_path / "catalogue")


def _rewritten(package, out, **changes):
    """A copy of a package with some members replaced (bytes) or added."""
    import zipfile

    with zipfile.ZipFile(package) as source, zipfile.ZipFile(out, "w") as copy:
        for name in source.namelist():
            copy.writestr(name, changes.pop(name, source.read(name)))
        for name, data in changes.items():
            copy.writestr(name, data)
    return out


def test_damaged_escaping_or_miscarded_packages_are_refused_and_leave_nothing(catalogue, tmp_path):
    import hashlib

    from synthbench.catalogue.packages import export_package, import_package

    package = export_package(Generators(catalogue), "chest-samples-20-dcgan-s0", tmp_path / "model.zip")
    into = tmp_path / "catalogue"
    tampered = _rewritten(package, tmp_path / "tampered.zip", **{"card.json": b'{"family": "dcgan"}'})
    with pytest.raises(ValueError, match="card.json does not match its checksum"):
        import_package(tampered, into)
    escaping = _rewritten(package, tmp_path / "escaping.zip", **{"../../evil.py": b"print('hi')"})
    with pytest.raises(ValueError, match=r"holds .*'../../evil.py'.*exactly \['card.json'"):
        import_package(escaping, into)
    bad_card = json.dumps({**card(), "resolution": "big"}).encode()
    sums = json.dumps({"card.json": hashlib.sha256(bad_card).hexdigest(), "network_final.keras": json.loads(
        _member(package, "checksums.json"))["network_final.keras"]}).encode()
    miscarded = _rewritten(package, tmp_path / "miscarded.zip", **{"card.json": bad_card, "checksums.json": sums})
    with pytest.raises(ValueError, match=r"miscarded.zip: card.json: invalid model card:\n  - resolution: 'big'"):
        import_package(miscarded, into)
    wrong_side = json.dumps(card(resolution=32)).encode()
    sums = json.dumps({"card.json": hashlib.sha256(wrong_side).hexdigest(), "network_final.keras": json.loads(
        _member(package, "checksums.json"))["network_final.keras"]}).encode()
    mismatched = _rewritten(package, tmp_path / "mismatched.zip", **{"card.json": wrong_side, "checksums.json": sums})
    with pytest.raises(ValueError, match="makes 16 px images of 2 labels, the card says 32 px and 2 labels"):
        import_package(mismatched, into)
    with pytest.raises(ValueError, match="not a readable .zip"):
        import_package(tmp_path / "absent.zip", into)
    assert not into.exists() or not list(into.iterdir()), "nothing installed, not even a partial folder"


def _member(package, name):
    import zipfile

    with zipfile.ZipFile(package) as archive:
        return archive.read(name)


def test_the_headline_suggests_the_generator_whose_classifier_scored_best(catalogue, tmp_path):
    from synthbench.summary.headline import generator_line

    table = pd.DataFrame([
        {"dataset": "chest", "arm": "samples", "value": value, "source": source, "metric": "mean_auroc",
         "class": np.nan, "mean": mean} for value, source, mean in (
            (20, "real", 0.99), (20, "dcgan", 0.7), (80, "dcgan", 0.8), (80, "prog", 0.95))])
    line = generator_line(table, catalogue)
    assert line == ("make images with the best of them (chest-samples-80-dcgan-s0): PYTHONPATH=src python -m "
                    "synthbench models generate chest-samples-80-dcgan-s0 --as-training --out "
                    "fakes/chest-samples-80-dcgan-s0"), "prog scored higher but has no generator here; seed 0 first"
    assert generator_line(table, tmp_path / "empty") is None
