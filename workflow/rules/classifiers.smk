# Classifiers: one DenseNet-121 per (dataset, arm, value, source, seed), trained on the source's train split
# (a real + synthetic mix: the real one with a share of a family's synthetic images added) with model selection
# on its valid split, then evaluated in one job: tested on the arm's REAL test split and
# explained (occlusion maps of the chosen real test images). Then, per arm value and seed, every synthetic-trained
# classifier is compared with the real-trained one on the same test rows (a light job on their predictions).


rule train_classifier:
    input:
        train=classifier_split("train"),
        train_rows=sidecar(classifier_split("train")),
        valid=classifier_split("valid"),
        valid_rows=sidecar(classifier_split("valid")),
        mix=mix_records,
        mix_rows=lambda wildcards: [sidecar(path) for path in mix_records(wildcards)],
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        model=paths.result(paths.CLASSIFIER, "model.keras"),
        history=paths.result(paths.CLASSIFIER, "history.csv"),
        inputs=paths.result(paths.CLASSIFIER, "inputs.json"),
    log:
        paths.log(paths.CLASSIFIER, "train.log"),
    benchmark:
        paths.benchmark(paths.CLASSIFIER, "train.tsv")
    params:
        settings=classifier_settings_json("train"),
        mix=mix_arguments,
        out=lambda wildcards, output: Path(output.model).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=memory_per_gpu("train_classifier", 8000),
        runtime=runtime_per_attempt(720),
        gpu=gpus_per_job("train_classifier"),
    shell:
        "python -m synthbench classifier train --train {input.train:q} --valid {input.valid:q} {params.mix:q}"
        " --meta {input.meta:q}"
        " --settings-json {params.settings:q} --seed {wildcards.seed:q} --threads {threads} --out {params.out:q}"
        " > {log:q} 2>&1"


rule evaluate_classifier:
    input:
        model=rules.train_classifier.output.model,
        test=paths.result(paths.DATA, "test.tfrecord"),
        test_rows=paths.result(paths.DATA, "test.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        report=paths.result(paths.CLASSIFIER, "test_metrics.json"),
        metrics=paths.result(paths.CLASSIFIER, "metrics.csv"),
        roc=paths.result(paths.CLASSIFIER, "roc.csv"),
        predictions=paths.result(paths.CLASSIFIER, "predictions.csv"),
        maps=paths.result(paths.CLASSIFIER, "maps.npz"),
    log:
        paths.log(paths.CLASSIFIER, "evaluate.log"),
    benchmark:
        paths.benchmark(paths.CLASSIFIER, "evaluate.tsv")
    params:
        settings=classifier_settings_json("evaluate"),
        attribution=settings_json(ATTRIBUTION),
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(120),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench classifier evaluate --model {input.model:q} --source {wildcards.source:q}"
        " --test {input.test:q} --meta {input.meta:q} --settings-json {params.settings:q}"
        " --attribution-json {params.attribution:q} --seed {wildcards.seed:q} --threads {threads} --out {params.out:q}"
        " > {log:q} 2>&1"


rule compare_classifiers:
    input:
        real=paths.result(paths.fixed(paths.CLASSIFIER, source=REAL), "predictions.csv"),
        compared=compared_predictions,
    output:
        report=paths.result(paths.COMPARISON, "comparison.json"),
        metrics=paths.result(paths.COMPARISON, "metrics.csv"),
    log:
        paths.log(paths.COMPARISON, "compare.log"),
    benchmark:
        paths.benchmark(paths.COMPARISON, "compare.tsv")
    params:
        settings=classifier_settings_json("compare"),
        compared=lambda wildcards, input: [f"{gan}={path}" for gan, path in zip(
            compared_sources(wildcards.dataset, wildcards.arm), input.compared, strict=True)],
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench classifier compare --real {input.real:q} --compared {params.compared:q}"
        " --settings-json {params.settings:q} --seed {wildcards.seed:q} --out {params.out:q} > {log:q} 2>&1"
