"""Reference values for the reader study's statistics, made independently of synthbench.

Fleiss' kappa by statsmodels (`statsmodels.stats.inter_rater.fleiss_kappa`, 0.15.0) on random [items, categories]
tables of two-category answers; Wilson intervals by its `proportion_confint(method="wilson")` and exact two-sided
binomial p-values against 0.5 by its `binom_test` (not scipy's, which synthbench calls). Run in a throwaway venv
(`pip install statsmodels==0.15.0`), never by the tests:

    python tests/data/reader_reference.py   # writes tests/data/reader_reference.npz
"""

from pathlib import Path

import numpy as np
from statsmodels.stats.inter_rater import fleiss_kappa
from statsmodels.stats.proportion import binom_test, proportion_confint

rng = np.random.default_rng(20261206)
tables, kappas = [], []
for readers, items in ((2, 30), (3, 50), (5, 40), (7, 25)):
    # readers who agree more than chance: each item has a leaning, each reader follows it with probability 0.7
    leaning = rng.random(items) < 0.5
    said = np.where(rng.random((readers, items)) < 0.7, leaning, ~leaning)
    table = np.stack([said.sum(axis=0), readers - said.sum(axis=0)], axis=1)
    tables.append(table)
    kappas.append(fleiss_kappa(table, method="fleiss"))

counts = np.array([[7, 20], [14, 20], [31, 40], [50, 50], [0, 12], [60, 100]])
wilson = np.array([proportion_confint(k, n, alpha=0.05, method="wilson") for k, n in counts])
binomial = np.array([binom_test(k, n, prop=0.5, alternative="two-sided") for k, n in counts])

np.savez(Path(__file__).with_suffix(".npz"), kappas=np.array(kappas),
         **{f"table_{i}": table for i, table in enumerate(tables)}, counts=counts, wilson=wilson, binomial=binomial)
print("kappas", np.round(kappas, 4))
