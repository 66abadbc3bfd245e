"""`synthbench report config` (arguments in `cli`): the configuration a run used, as the report shows it."""

import argparse
import json

import yaml

from synthbench.atomic import replacing
from synthbench.report.pages import config_page, write_page


def config(args: argparse.Namespace) -> None:
    text = yaml.safe_dump(json.loads(args.config_json), sort_keys=False, default_flow_style=None, width=110)
    with replacing(args.yaml) as partial:
        partial.write_text(text, encoding="utf-8")
    write_page(config_page(text), args.page)
