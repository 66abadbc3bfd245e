"""Simulated readers: answers of a known accuracy, in the export's format, to check the analysis recovers it (the
tests) and to try a study's analysis before real readers have answered.

Each simulated reader answers every item in their own order (as the app shows it), right with probability
`accuracy`, independently, with a random confidence.
"""

import argparse

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.reader.store import CONFIDENCES, EXPORT_COLUMNS
from synthbench.reader.study import REAL, SYNTHETIC, Study


def simulated_answers(study: Study, key: pd.DataFrame, readers: int, accuracy: float, seed: int) -> pd.DataFrame:
    if not 0 <= accuracy <= 1 or readers < 1:
        raise ValueError(f"simulated readers need 0 <= accuracy <= 1 and at least one reader, got {accuracy}, "
                         f"{readers}")
    truth = key.set_index("item")["truth"]
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(1, readers + 1):
        reader = f"simulated-{number}"
        for position, item in enumerate(study.order_for(reader)):
            right = rng.random() < accuracy
            answer = truth[item] if right else (REAL if truth[item] == SYNTHETIC else SYNTHETIC)
            rows.append((reader, item, position, answer, int(rng.choice(CONFIDENCES)), ""))
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def simulate(args: argparse.Namespace) -> None:
    key = pd.read_csv(args.key, dtype={"item": str})
    answers = simulated_answers(Study(args.study), key, args.readers, args.accuracy, args.seed)
    with replacing(args.out) as partial:
        answers.to_csv(partial, index=False)
    print(f"wrote {len(answers)} answers of {args.readers} simulated readers (accuracy {args.accuracy}) to "
          f"{args.out}", flush=True)
