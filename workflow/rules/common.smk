# Shared by all rule files (config validation, wildcard constraints, target functions).
# No other file reads raw config keys by string; rules use the helpers below.

import sys
from pathlib import Path

SRC = Path(workflow.basedir) / "src"
sys.path.insert(0, str(SRC))
# Jobs run `python -m <package>`: they find our packages whether run locally, in conda envs or on a cluster.
# (Snakemake formats the prefix like a shell command, hence the doubled braces.)
shell.prefix('export PYTHONPATH="' + str(SRC) + '${{PYTHONPATH:+:$PYTHONPATH}}"; ')

from synthbench.config import ConfigError, load_schema, validate_config  # noqa: E402

try:
    validate_config(config, load_schema(Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"))
except ConfigError as error:
    raise WorkflowError(str(error)) from None


wildcard_constraints:
    dataset="chest|brain",
    arm="resolution|classes|samples",
    value=r"\d+",
    gan="prog|cpd",
    source="real|prog|cpd",
    seed=r"\d+",


DEMO = config["demo"]
DEMO_RAW = {
    "chest": "resources/demo/CheXpert-v1.0-small",
    "brain": "resources/demo/rsna-intracranial-hemorrhage-detection",
}


def demo_targets():
    """The demo raw datasets, when the demo is switched on."""
    return list(DEMO_RAW.values()) if DEMO["enabled"] else []


def all_targets():
    """The final targets of the workflow, chosen by the config switches."""
    return demo_targets()
