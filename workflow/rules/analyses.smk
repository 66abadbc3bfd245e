# Analyses of each arm dataset: nearest neighbours of synthetic images among real train images (memorisation,
# in the feature space of the real-trained classifier) and occlusion attribution maps of every classifier.


rule classifier_features:
    input:
        model=paths.result(paths.fixed(paths.CLASSIFIER, source=REAL), "model.keras"),
        records=feature_records,
        rows=sidecar(feature_records),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        paths.result(paths.FEATURES, "{split}.npz"),
    log:
        paths.log(paths.FEATURES, "{split}.log"),
    benchmark:
        paths.benchmark(paths.FEATURES, "{split}.tsv")
    params:
        settings=classifier_settings_json("features"),
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(60),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench classifier features --model {input.model} --records {input.records} --meta {input.meta}"
        " --settings-json {params.settings} --threads {threads} --out {output} > {log} 2>&1"


rule nearest_neighbours:
    input:
        synthetic=paths.result(paths.fixed(paths.FEATURES, source="{gan}"), "train.npz"),
        train=paths.result(paths.fixed(paths.FEATURES, source=REAL), "train.npz"),
        heldout=paths.result(paths.fixed(paths.FEATURES, source=REAL), "test.npz"),
        synthetic_records=paths.result(paths.SYNTHETIC, "train.tfrecord"),
        train_records=paths.result(paths.DATA, "train.tfrecord"),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        neighbours=paths.result(paths.NEIGHBOURS, "neighbours.npz"),
        report=paths.result(paths.NEIGHBOURS, "memorisation.json"),
        metrics=paths.result(paths.NEIGHBOURS, "metrics.csv"),
        grid=report(
            paths.result(paths.NEIGHBOURS, "grid.png"),
            caption="../../src/synthbench/report/nn_grid.rst",
            category="Memorisation",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "gan": "{gan}", "seed": "{seed}"},
        ),
    log:
        paths.log(paths.NEIGHBOURS, "search.log"),
    benchmark:
        paths.benchmark(paths.NEIGHBOURS, "search.tsv")
    params:
        settings=quoted_json(NEIGHBOURS),
        title=lambda wildcards: shlex.quote(run_title(wildcards, wildcards.gan)),
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
    shell:
        "python -m synthbench neighbours --synthetic {input.synthetic} --train {input.train} --heldout {input.heldout}"
        " --synthetic-records {input.synthetic_records} --train-records {input.train_records}"
        " --meta {input.meta} --settings-json {params.settings} --title {params.title} --threads {threads}"
        " --out {params.out} > {log} 2>&1"


rule attribution_maps:
    input:
        model=explainer_model,
        test=paths.result(paths.DATA, "test.tfrecord"),
        test_rows=paths.result(paths.DATA, "test.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        paths.result(paths.EXPLAINER, "maps.npz"),
    log:
        paths.log(paths.EXPLAINER, "maps.log"),
    benchmark:
        paths.benchmark(paths.EXPLAINER, "maps.tsv")
    params:
        untrained=lambda wildcards: "--untrained" if wildcards.explainer == UNTRAINED else "",
        settings=quoted_json(ATTRIBUTION),
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(120),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench attribution maps --model {input.model} {params.untrained} --explainer {wildcards.explainer} --test {input.test}"
        " --meta {input.meta} --settings-json {params.settings}"
        " --seed {wildcards.seed} --threads {threads} --out {output} > {log} 2>&1"


rule attribution_panel:
    input:
        maps=attribution_maps,
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        report=paths.result(paths.ATTRIBUTION, "attribution.json"),
        metrics=paths.result(paths.ATTRIBUTION, "metrics.csv"),
        panel=report(
            paths.result(paths.ATTRIBUTION, "panel.png"),
            caption="../../src/synthbench/report/attribution.rst",
            category="Attribution",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "seed": "{seed}"},
        ),
    log:
        paths.log(paths.ATTRIBUTION, "panel.log"),
    benchmark:
        paths.benchmark(paths.ATTRIBUTION, "panel.tsv")
    params:
        settings=quoted_json(ATTRIBUTION),
        title=lambda wildcards: shlex.quote(run_title(wildcards)),
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench attribution compare --maps {input.maps} --meta {input.meta} --settings-json {params.settings}"
        " --title {params.title} --out {params.out} > {log} 2>&1"
