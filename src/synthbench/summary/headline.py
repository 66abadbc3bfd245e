"""`synthbench headline --summary summary_mean.csv [--report report.html]`: the benchmark's answers in a few
lines, printed where a run ends (`make demo`), so that a newcomer sees what the run found before opening the
report: the mean test AUROC of every source on every arm value beside the real-data one, the largest
memorisation flag of a generator, what the controls proved (where they ran), and a command that makes images
with the generator whose classifier scored best.

Read from `summary_mean.csv` alone, the table the figures are drawn from, so the lines agree with them.
"""

import argparse
from pathlib import Path

from synthbench.names import CONTROLS, PIXELS, REAL

AUROC = "mean_auroc"
FLAGGED = "nn_fraction_below_threshold"
ROW = ["dataset", "arm", "value"]
ATTACK_SPACE = PIXELS  # the membership attack's space that learned from no one: chance for a source without patients


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--summary", type=Path, required=True, help="results/summary_mean.csv")
    parser.add_argument("--report", type=Path, help="the HTML report, named in the last line when it exists")
    parser.add_argument("--generators", type=Path,
                        help="the folder of the trained generators (results): print a command that uses the best")
    parser.set_defaults(job="synthbench.summary.headline:show")


def auroc_lines(table) -> list[str]:
    """One line per dataset, arm and value: each source's mean test AUROC on the real test split (± sd over
    seeds where there are several), real first."""
    import pandas as pd

    rows = table[(table["metric"] == AUROC) & table["class"].isna()]
    if rows.empty:
        return ["no mean test AUROC in the summary yet"]
    cells = rows.assign(cell=[f"{mean:.3f}" if pd.isna(sd) else f"{mean:.3f}±{sd:.3f}"
                              for mean, sd in zip(rows["mean"], rows["sd"], strict=True)])
    grid = cells.pivot_table(index=ROW, columns="source", values="cell", aggfunc="first")
    sources = sorted(grid.columns, key=lambda source: (source != REAL, source))
    grid = grid[sources].fillna("-").reset_index()
    header = [*ROW, *sources]
    body = [[str(value) for value in row] for row in grid.itertuples(index=False)]
    widths = [max(len(line[column]) for line in [header, *body]) for column in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in [header, *body]]


def memorisation_line(table) -> str:
    """The generator run whose synthetic images were most often nearer a training image than held-out images are
    (the controls are yardsticks: copycat's flags are its planted copies)."""
    rows = table[(table["metric"] == FLAGGED) & ~table["source"].isin(CONTROLS)]
    if rows.empty:
        return "memorisation: no nearest-neighbour search in the summary yet"
    worst = rows.loc[rows["mean"].idxmax()]
    if worst["mean"] == 0:
        return (f"memorisation: no synthetic image of the {len(rows)} runs searched lies nearer a training image "
                "than held-out images do")
    return (f"memorisation: at most {100 * worst['mean']:.1f} % of a generator's synthetic images lie nearer a "
            f"training image than held-out images do ({worst['source']} on {worst['dataset']} {worst['arm']} "
            f"{worst['value']}; {len(rows)} runs searched)")


def _span(values) -> str:
    low, high = values.min(), values.max()
    return f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}-{high:.2f}"


def controls_line(table) -> str | None:
    """What the controls proved, where they ran: the share of copycat's planted copies the memorisation check
    found in each space, and each control's membership AUC in pixels (noise near 0.5, copycat above), or None."""
    copies = table[(table["metric"] == "copy_recall") & (table["source"] == "copycat")]
    attack = table[(table["metric"] == "mia_auc") & (table["extractor"] == ATTACK_SPACE)
                   & table["source"].isin(CONTROLS)]
    if copies.empty and attack.empty:
        return None
    parts = []
    if not copies.empty:
        found = ", ".join(f"{_span(group['mean'])} ({space})" for space, group in copies.groupby("extractor"))
        parts.append(f"copycat's planted copies found with recall {found}")
    if not attack.empty:
        aucs = ", ".join(f"{source} {_span(attack.loc[attack['source'] == source, 'mean'])}"
                         for source in CONTROLS if source in set(attack["source"]))
        parts.append(f"membership AUC in {ATTACK_SPACE} {aucs} (0.5: chance)")
    return "controls: " + "; ".join(parts)


def generator_line(table, root: Path) -> str | None:
    """A command that makes images with the generator whose synthetic-trained classifier scored the best mean
    test AUROC (its first seed), or None when no generator of the summary is in the catalogue."""
    from synthbench.catalogue.models import Generators

    rows = table[(table["metric"] == AUROC) & table["class"].isna() & (table["source"] != REAL)]
    models = Generators(root)
    for row in rows.sort_values("mean", ascending=False, kind="stable").itertuples():
        found = models.search(dataset=row.dataset, arm=row.arm, value=row.value, family=row.source)
        if found:
            best = min(found, key=lambda model: model.card["seed"])
            return (f"make images with the best of them ({best.id}): PYTHONPATH=src python -m synthbench models "
                    f"generate {best.id} --as-training --out fakes/{best.id}")
    return None


def headline(table) -> str:
    controls = controls_line(table)
    return "\n".join(["mean test AUROC on the real test images (classifier trained on each source):",
                      *auroc_lines(table), memorisation_line(table), *([controls] if controls else [])])


def show(args: argparse.Namespace) -> None:
    import pandas as pd

    if not args.summary.exists():
        raise FileNotFoundError(f"{args.summary}: no summary yet; the workflow's `summary` rule writes it")
    table = pd.read_csv(args.summary)
    print(headline(table))
    command = generator_line(table, args.generators) if args.generators is not None else None
    if command is not None:
        print(command)
    if args.report is not None and args.report.exists():
        print(f"every figure and table, with how to read them: {args.report} (open it in a browser)")
