"""The output layout read backwards: which run a result file belongs to, from its path alone.

Paths are `results/{dataset}/{arm}/{value}/{stage}[/{source}]/seed{seed}/{file}` (DESIGN.md §2), so the
summary and the plots need no other index of what the DAG produced.
"""

import re
from pathlib import Path

SEED = re.compile(r"seed(\d+)$")


def run_of(path: Path) -> dict:
    """{dataset, arm, value, stage, source (None when the stage has none), seed} of a result file."""
    parts = Path(path).parts
    try:
        root = len(parts) - 1 - parts[::-1].index("results")
        dataset, arm, value = parts[root + 1:root + 4]
        seed_at = next(i for i in range(root + 5, len(parts) - 1) if SEED.match(parts[i]))
        stage = parts[root + 4:seed_at]
        return {"dataset": dataset, "arm": arm, "value": int(value), "stage": stage[0],
                "source": stage[1] if len(stage) > 1 else None, "seed": int(SEED.match(parts[seed_at])[1])}
    except (ValueError, StopIteration, IndexError):
        layout = "results/{dataset}/{arm}/{value}/{stage}/.../seed{seed}/"
        raise ValueError(f"{path}: not under {layout}") from None
