"""Which real test images get explained: a fixed, seeded set, the same for every classifier of an arm.

Classes (label combinations) take turns, so a small set still shows every class before any class twice.
"""

from pathlib import Path

import pandas as pd

from synthbench import seeds


def chosen_images(test_csv: Path, label_names: list[str], count: int, seed: int) -> pd.DataFrame:
    """Rows of the test CSV (image_id and labels), one class after another in a seeded order."""
    table = pd.read_csv(test_csv)
    missing = [name for name in ["image_id", *label_names] if name not in table.columns]
    if missing:
        raise ValueError(f"{test_csv}: missing columns {missing}")
    shuffled = table.iloc[seeds.attribution_images(seed).permutation(len(table))]
    turn = shuffled.groupby(label_names, sort=False).cumcount()
    return shuffled.assign(_turn=turn.to_numpy()).sort_values("_turn", kind="stable").head(count).drop(
        columns="_turn").reset_index(drop=True)
