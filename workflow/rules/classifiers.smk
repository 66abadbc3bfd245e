# Classifiers: one DenseNet-121 per (dataset, arm, value, source, seed), trained on the source's train split
# with model selection on its valid split, then tested on the arm's REAL test split.


rule train_classifier:
    input:
        train=classifier_split("train"),
        valid=classifier_split("valid"),
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        weights="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/best.weights.h5",
        history="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/history.csv",
        inputs="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/inputs.json",
    log:
        "logs/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/train.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/train.tsv"
    params:
        settings=classifier_settings_json(),
        out=lambda wildcards, output: Path(output.weights).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=lambda wildcards, attempt: 720 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench classifier train --train {input.train} --valid {input.valid} --meta {input.meta}"
        " --settings-json {params.settings} --seed {wildcards.seed} --threads {threads} --out {params.out}"
        " > {log} 2>&1"


rule test_classifier:
    input:
        weights=rules.train_classifier.output.weights,
        test="results/{dataset}/{arm}/{value}/data/test.tfrecord",
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        metrics="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/test_metrics.json",
        roc="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/roc.csv",
        predictions="results/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/predictions.csv",
    log:
        "logs/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/test.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/classifier/{source}/seed{seed}/test.tsv"
    params:
        settings=classifier_settings_json(),
        out=lambda wildcards, output: Path(output.metrics).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench classifier test --weights {input.weights} --test {input.test} --meta {input.meta}"
        " --settings-json {params.settings} --seed {wildcards.seed} --threads {threads} --out {params.out}"
        " > {log} 2>&1"
