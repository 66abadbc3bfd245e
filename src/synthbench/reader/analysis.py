"""`synthbench reader analyse`: a study's exported answers, joined to its key, as the study's table and figure.

Table (analysis.csv, one row per estimate): for every arm value and source, per reader and pooled over readers
(`reader` = "all"), accuracy (with its test against chance; pooled p-values also Holm-adjusted across the arm's
values, per source), sensitivity and specificity for "synthetic", the ROC AUC of the answers graded by their
confidence (`rating_auc`), and Fleiss' kappa of the readers' agreement (`synthbench.reader.statistics` says how
each is estimated). Figure: pooled accuracy with its interval against
the arm value, one panel per source, each reader's accuracy as a dot, chance as a dashed line.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from synthbench import seeds  # noqa: E402
from synthbench.atomic import replacing  # noqa: E402
from synthbench.classifier.paired import holm  # noqa: E402
from synthbench.plots.style import arm_x_axis, colour, source_label, wrapped_panels  # noqa: E402
from synthbench.reader import statistics  # noqa: E402
from synthbench.reader.store import EXPORT_COLUMNS  # noqa: E402
from synthbench.reader.study import KEY_COLUMNS, SYNTHETIC  # noqa: E402
from synthbench.report.pages import write_table  # noqa: E402

POOLED = "all"
COLUMNS = ["value", "source", "reader", "measure", "estimate", "ci_low", "ci_high", "p_value", "p_holm", "n",
           "interval", "test"]


def read_answers(answers_path: Path, key_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the answers joined to the key, the key); an answer to an item the key does not know is an error naming the
    file."""
    answers = pd.read_csv(answers_path, dtype={"reader": str, "item": str})
    key = pd.read_csv(key_path, dtype={"item": str})
    for path, table, columns in ((answers_path, answers, EXPORT_COLUMNS), (key_path, key, KEY_COLUMNS)):
        missing = [column for column in columns if column not in table.columns]
        if missing:
            raise ValueError(f"{path}: columns {missing} missing")
    unknown = sorted(set(answers["item"]) - set(key["item"]))
    if unknown:
        raise ValueError(f"{answers_path}: {len(unknown)} answered items are not in {key_path} (another study's "
                         f"answers?), e.g. {unknown[0]}")
    if answers.duplicated(["reader", "item"]).any():
        raise ValueError(f"{answers_path}: a reader answered the same item twice")
    return answers.merge(key, on="item", validate="many_to_one"), key


def _row(value, source, reader, measure, estimate: statistics.Estimate, interval: str, test: str = "") -> dict:
    return {"value": value, "source": source, "reader": reader, "measure": measure, "estimate": estimate.estimate,
            "ci_low": estimate.ci_low, "ci_high": estimate.ci_high, "p_value": estimate.p_value, "n": estimate.n,
            "interval": interval, "test": test}


def _reader_rows(value, source, reader: str, answers: pd.DataFrame) -> list[dict]:
    correct = answers["answer"] == answers["truth"]
    synthetic = answers["truth"] == SYNTHETIC
    return [_row(value, source, reader, "accuracy", statistics.proportion(correct.sum(), len(answers)), "Wilson",
                 "exact binomial vs 0.5"),
            _row(value, source, reader, "sensitivity", statistics.proportion(correct[synthetic].sum(),
                                                                                synthetic.sum()), "Wilson"),
            _row(value, source, reader, "specificity", statistics.proportion(correct[~synthetic].sum(),
                                                                                (~synthetic).sum()), "Wilson")]


def _block_rows(value, source, block: pd.DataFrame, key_items: pd.DataFrame, rng, permutations: int,
                resamples: int) -> list[dict]:
    """Per reader and pooled estimates of one (value, source) block of the study."""
    rows = [row for reader, answers in block.groupby("reader") for row in _reader_rows(value, source, reader, answers)]
    items = key_items["item"].to_numpy()
    table = block.pivot(index="reader", columns="item", values="answer").reindex(columns=items)
    answered = table.notna().to_numpy()
    said_synthetic = (table == SYNTHETIC).to_numpy()
    synthetic = (key_items["truth"] == SYNTHETIC).to_numpy()
    hits = said_synthetic == synthetic[None, :]
    bootstrap = f"two-way bootstrap (readers x images), {resamples} resamples"
    accuracy = statistics.pooled_share(hits, answered, rng, resamples)
    p_value = statistics.permutation_p(said_synthetic, answered, synthetic, rng, permutations)
    rows.append(_row(value, source, POOLED, "accuracy", statistics.Estimate(**{**accuracy.__dict__,
                                                                               "p_value": p_value}),
                     bootstrap, f"permutation of truths over images, {permutations} deals"))
    for measure, columns in (("sensitivity", synthetic), ("specificity", ~synthetic)):
        rows.append(_row(value, source, POOLED, measure,
                         statistics.pooled_share(hits[:, columns], answered[:, columns], rng, resamples), bootstrap))
    confidence = block.pivot(index="reader", columns="item", values="confidence").reindex(columns=items)
    ratings = np.where(said_synthetic, 1, -1) * confidence.fillna(0).to_numpy()
    for index, reader in enumerate(table.index):
        rows.append(_row(value, source, reader, "rating_auc", statistics.rating_auc(
            ratings[index:index + 1], answered[index:index + 1], synthetic, rng, resamples),
            f"bootstrap over images, {resamples} resamples"))
    rows.append(_row(value, source, POOLED, "rating_auc",
                     statistics.rating_auc(ratings, answered, synthetic, rng, resamples), bootstrap))
    complete = answered.all(axis=0)
    if len(table) >= 2 and complete.any():
        counts = np.stack([said_synthetic[:, complete].sum(axis=0), (~said_synthetic[:, complete]).sum(axis=0)], 1)
        kappa = statistics.fleiss_kappa(counts)
        rows.append(_row(value, source, POOLED, "fleiss_kappa",
                         statistics.Estimate(kappa, float("nan"), float("nan"), n=int(complete.sum())),
                         "", f"{len(table)} readers, images every reader answered"))
    return rows


def analyse_answers(answers: pd.DataFrame, key: pd.DataFrame, seed: int, permutations: int,
                    resamples: int) -> pd.DataFrame:
    """The study's table (COLUMNS) from answers joined to the key."""
    rng = seeds.reader_statistics(seed)
    rows = []
    for (value, source), key_items in key.groupby(["value", "source"], sort=True):
        block = answers[(answers["value"] == value) & (answers["source"] == source)]
        if block.empty:
            continue
        rows.extend(_block_rows(value, source, block, key_items, rng, permutations, resamples))
    table = pd.DataFrame(rows, columns=COLUMNS)
    pooled = (table["reader"] == POOLED) & (table["measure"] == "accuracy")
    for _, group in table[pooled].groupby("source"):
        table.loc[group.index, "p_holm"] = holm(group["p_value"].tolist())
    return table


def figure(table: pd.DataFrame, arm: str, title: str, path: Path) -> None:
    """Pooled accuracy (interval) and each reader's (dots) against the arm value, a panel per source."""
    accuracy = table[table["measure"] == "accuracy"]
    sources = list(dict.fromkeys(accuracy["source"]))
    plot, axes = wrapped_panels(max(len(sources), 1), columns=3, width=3.6, height=2.9)
    for axis, source in zip(axes, sources, strict=False):
        rows = accuracy[accuracy["source"] == source]
        pooled = rows[rows["reader"] == POOLED].sort_values("value")
        readers = rows[rows["reader"] != POOLED]
        axis.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="chance")
        axis.scatter(readers["value"], readers["estimate"], s=12, color="tab:gray", alpha=0.6, label="a reader")
        axis.errorbar(pooled["value"], pooled["estimate"],
                      yerr=[pooled["estimate"] - pooled["ci_low"], pooled["ci_high"] - pooled["estimate"]],
                      color=colour(source), marker="o", capsize=3, label="all readers (95 % CI)")
        for _, point in pooled[pooled["p_holm"] < 0.05].iterrows():
            axis.annotate("*", (point["value"], point["ci_high"]), ha="center", fontsize=12)
        arm_x_axis(axis, arm, pooled["value"].unique())
        axis.set_ylim(0, 1.05)
        axis.set_ylabel("accuracy (real vs synthetic)", fontsize=8)
        axis.set_title(source_label(source), fontsize=9)
    if sources:
        axes[0].legend(fontsize=7, loc="lower left")
    plot.suptitle(f"Reader study, {title}\ncan readers tell synthetic from real? (* p < 0.05, Holm)", fontsize=9)
    plot.tight_layout()
    with replacing(path) as partial:
        plot.savefig(partial, dpi=120, format="png")
    plt.close(plot)


def analyse(args: argparse.Namespace) -> None:
    answers, key = read_answers(args.answers, args.key)
    table = analyse_answers(answers, key, args.seed, args.permutations, args.bootstrap)
    readers = answers.groupby("reader").size()
    for reader, count in readers.items():
        note = "" if count == len(key) else f" (of {len(key)}: a partial reading, analysed as far as it goes)"
        print(f"reader {reader}: {count} answers{note}", flush=True)
    figure(table, args.arm, args.title, args.figure)
    write_table(table, args.out, args.page, f"Reader study: {args.title}")
    print(f"wrote {len(table)} rows to {args.out}", flush=True)
