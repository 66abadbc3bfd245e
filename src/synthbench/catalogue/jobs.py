"""The `synthbench models` commands (arguments in `cli`): tables a person can read, on standard output."""

import argparse
import json

import pandas as pd

from synthbench.catalogue.models import AS_TRAINING, Generators, Model


def _where(pairs: list[str]) -> dict:
    where = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise ValueError(f"--where {pair!r}: expected FIELD=VALUE, e.g. dataset=chest")
        where[key] = value
    return where


def _fid(model: Model) -> str:
    values = [value for value in model.metrics if value["metric"] == "fid" and value["value"] is not None]
    return ", ".join(f"{value['value']:.2f} ({value['extractor']})" for value in values) or "-"


def _table(models: list[Model], extra: dict[str, list] | None = None) -> str:
    if not models:
        return "no generators"
    table = pd.DataFrame([{"id": model.id, "family": model.card["family"], "dataset": model.card["dataset"],
                           "arm": model.card["arm"], "value": model.card["value"],
                           "px": model.card["resolution"], "labels": len(model.card["labels"])}
                          for model in models])
    for column, values in (extra or {"fid": [_fid(model) for model in models]}).items():
        table[column] = values
    return table.to_string(index=False)


def list_models(args: argparse.Namespace) -> None:
    print(_table(list(Generators(*args.root))))


def search(args: argparse.Namespace) -> None:
    print(_table(Generators(*args.root).search(" ".join(args.words), **_where(args.where))))


def rank(args: argparse.Namespace) -> None:
    ranked = Generators(*args.root).rank(args.metric, args.extractor, " ".join(args.words), **_where(args.where))
    models = [model for model, _ in ranked]
    print(_table(models, {"rank": list(range(1, len(models) + 1)),
                          args.metric: [f"{value['value']:.4g}" for _, value in ranked],
                          "extractor": [value["extractor"] for _, value in ranked],
                          "n": [value["n"] for _, value in ranked]}))


def info(args: argparse.Namespace) -> None:
    print(json.dumps(Generators(*args.root).info(args.model), indent=2))


def generate(args: argparse.Namespace) -> None:
    labels = AS_TRAINING if args.as_training else args.labels
    written = Generators(*args.root).generate(args.model, args.num_samples, labels, args.seed, args.out)
    print(f"wrote {len(pd.read_csv(written))} images and {written}")


def export(args: argparse.Namespace) -> None:
    from synthbench.catalogue.packages import export_package

    written = export_package(Generators(*args.root), args.model, args.out)
    print(f"wrote {written} ({written.stat().st_size / 1e6:.1f} MB)")


def install(args: argparse.Namespace) -> None:
    from synthbench.catalogue.packages import import_package

    folder = import_package(args.package, args.into)
    print(f"installed {folder.name} into {args.into}: use it with --root {args.into}")
