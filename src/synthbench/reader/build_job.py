"""`synthbench reader build`: one dataset arm's study set, written as a served folder and an answer key apart.

Per arm value, a seeded draw of real test rows is dealt into one block of `images_per_source` rows per source;
a block shows the real image of each of its rows and that source's synthetic twin of the row (the synthetic test
split has one fake per real row, made for that row's labels). So within every (value, source) block half the
images are real and half synthetic, with exactly the same label vectors, and no real image is shown twice.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import paths, records, seeds
from synthbench.atomic import replacing, replacing_folder
from synthbench.figures import class_name
from synthbench.reader.study import KEY_COLUMNS, REAL, SYNTHETIC, item_tokens, write_study


def _test_split(folder: Path, labels: list[str]) -> pd.DataFrame:
    table = pd.read_csv(folder / "test.csv")
    missing = [name for name in ["image_id", *labels] if name not in table.columns]
    if missing:
        raise ValueError(f"{folder / 'test.csv'}: columns {missing} missing")
    return table


def _value_rows(args: argparse.Namespace, value: int) -> list[dict]:
    """The study's items of one arm value, each with its image: per source, real rows and their synthetic twins."""
    data = Path(paths.result(paths.DATA).format(dataset=args.dataset, arm=args.arm, value=value))
    meta = json.loads((data / "meta.json").read_text())
    labels, side = meta["labels"], meta["resolution"]
    real = _test_split(data, labels)
    per_source = args.images_per_source
    needed = per_source * len(args.sources)
    if len(real) < needed:
        raise ValueError(f"{data / 'test.csv'}: {len(real)} test rows; the study shows {per_source} real images per "
                         f"source for {len(args.sources)} sources ({needed} rows): lower "
                         "reader_study.images_per_source")
    chosen = seeds.reader_rows(args.study_seed, value).permutation(len(real))[:needed]
    real_images = records.images_by_id(data / "test.tfrecord", len(labels), side, real["image_id"].iloc[chosen])
    items = []
    for index, source in enumerate(args.sources):
        block = chosen[index * per_source:(index + 1) * per_source]
        folder = Path(paths.result(paths.SYNTHETIC).format(dataset=args.dataset, arm=args.arm, value=value,
                                                           gan=source, seed=args.seed))
        twins = _test_split(folder, labels)
        if len(twins) != len(real) or not np.array_equal(twins[labels].to_numpy(), real[labels].to_numpy()):
            raise ValueError(f"{folder / 'test.csv'}: not the synthetic twin of {data / 'test.csv'} (one fake per "
                             "real row, with its labels)")
        fakes = records.images_by_id(folder / "test.tfrecord", len(labels), side, twins["image_id"].iloc[block])
        for row in block:
            vector = real[labels].iloc[row].to_numpy()
            common = {"source": source, "value": value, "labels": class_name(vector, labels)}
            real_id, fake_id = int(real["image_id"].iloc[row]), int(twins["image_id"].iloc[row])
            items.append({"truth": REAL, "image_id": real_id, "image": real_images[real_id], **common})
            items.append({"truth": SYNTHETIC, "image_id": fake_id, "image": fakes[fake_id], **common})
        print(f"{args.arm} {value}, {source}: {per_source} real and {per_source} synthetic test images", flush=True)
    return items


def build(args: argparse.Namespace) -> None:
    items = [item for value in args.values for item in _value_rows(args, value)]
    for item, token in zip(items, item_tokens(len(items), args.study_seed), strict=True):
        item["item"] = token
    key = pd.DataFrame(items)[KEY_COLUMNS].sort_values("item")
    with replacing(args.key_out) as key_partial, replacing_folder(args.out) as folder:  # the key last
        write_study(folder, f"{args.dataset} {args.arm}", args.study_seed,
                    {item["item"]: item["image"] for item in items})
        key.to_csv(key_partial, index=False)
    print(f"wrote {len(items)} study images to {args.out} and their key to {args.key_out}", flush=True)
