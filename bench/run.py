"""`make bench`: runs every benchmark under bench/, prints a table and writes bench/results.json."""

import json
import os
import platform
import sys
from pathlib import Path

from bench import (
    classifier_pipeline,
    dataset_throughput,
    demo_rules,
    feature_metrics_speed,
    fid_speed,
    gan_throughput,
    iqa_speed,
    neighbours_speed,
    plan_speed,
    replica_throughput,
)

BENCHMARKS = [plan_speed, dataset_throughput, fid_speed, gan_throughput, replica_throughput, classifier_pipeline,
              neighbours_speed, feature_metrics_speed, iqa_speed, demo_rules]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.processor() or platform.platform()}"


def main() -> None:
    entries = []
    for module in BENCHMARKS:
        for entry in module.run():
            entries.append({**entry, "machine": machine()})
            print(f"{entry['name']}: {entry['figure']} {entry['unit']} (baseline {_shown(entry['baseline'])}, "
                  f"ratio {_shown(entry['ratio'], 'x')})", file=sys.stderr, flush=True)
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(entries, indent=2) + "\n")
    print_table(entries)
    print(f"\nwritten to {out}")


def _shown(value, suffix: str = "") -> str:
    """A figure for the table; '-' where a benchmark has no baseline."""
    return "-" if value is None else f"{value}{suffix}"


def print_table(entries: list[dict]) -> None:
    width = max(len(e["name"]) for e in entries)
    print(f"\n{'benchmark':<{width}}  {'figure':>10}  {'unit':<9} {'baseline':>10}  ratio")
    for e in entries:
        print(f"{e['name']:<{width}}  {e['figure']:>10}  {e['unit']:<9} {_shown(e['baseline']):>10}  "
              f"{_shown(e['ratio'], 'x')}  {e.get('goal', '')}")


if __name__ == "__main__":
    main()
