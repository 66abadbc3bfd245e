"""`synthbench reader serve` and `synthbench reader export`: the web app on a local port, and its answers as CSV.

Served by waitress (a production WSGI server in pure Python, not Flask's development server), on 127.0.0.1
unless `--host` says otherwise: readers on other machines need `--host 0.0.0.0` and a network the organiser
trusts, as the answers travel unencrypted.
"""

import argparse
from pathlib import Path

from synthbench.atomic import replacing
from synthbench.reader.store import AnswerStore
from synthbench.reader.study import Study

DATABASE = "answers.sqlite"


def database_path(study: Path, database: Path | None) -> Path:
    """Where the answers are kept: `--db`, or answers.sqlite beside the study folder (outside the folder a rebuild
    of the study set replaces)."""
    return database or Path(study).resolve().parent / DATABASE


def serve(args: argparse.Namespace) -> None:
    import waitress

    from synthbench.reader.app import create_app, read_readers

    study = Study(args.study)
    store = AnswerStore(database_path(args.study, args.db), study)
    app = create_app(study, store, read_readers(args.readers))
    address = f"http://{args.host}:{args.port}"
    print(f"reader study {study.title!r}: {len(study.items)} images per reader; answers in {store.path}\n"
          f"  readers open   {address}/\n"
          f"  organiser page {address}/organiser?key={store.secret('organiser_key')}\n"
          "stop with Ctrl+C (every answer given is already saved)", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=8, ident="synthbench")


def export(args: argparse.Namespace) -> None:
    study = Study(args.study)
    path = database_path(args.study, args.db)
    if not path.is_file():
        raise ValueError(f"{path}: no answers database (serve the study first, or give --db)")
    with replacing(args.out) as partial, open(partial, "w", newline="") as handle:
        count = AnswerStore(path, study).export(handle)
    print(f"wrote {count} answers to {args.out}", flush=True)
