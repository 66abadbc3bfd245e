"""`synthbench report config` (arguments in `cli`): the configuration a run used, as the report shows it."""

import argparse
import json

import yaml

from synthbench.report.pages import config_page, write_text


def config(args: argparse.Namespace) -> None:
    text = yaml.safe_dump(json.loads(args.config_json), sort_keys=False, default_flow_style=None, width=110)
    write_text(text, args.yaml)
    write_text(config_page(text, json.loads(args.left_out_json)), args.page)
