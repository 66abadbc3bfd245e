# synthbench: when is synthetic medical imaging data as useful as the real thing?
# The logic lives in workflow/rules/*.smk (one file per stage) and src/ (one package per stage).

from snakemake.utils import min_version

min_version("9.0")


configfile: f"{workflow.basedir}/config/config.yaml"


report: "src/synthbench/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/datasets.smk"
include: "workflow/rules/gans.smk"
include: "workflow/rules/intake.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/classifiers.smk"
include: "workflow/rules/analyses.smk"
include: "workflow/rules/results.smk"
include: "workflow/rules/reader.smk"


rule all:
    default_target: True
    input:
        all_targets(),
