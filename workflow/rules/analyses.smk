# Analyses of each arm dataset: nearest neighbours of synthetic images among real train images (memorisation,
# in the feature space of the real-trained classifier, computed in the search job) and the comparison of every
# classifier's occlusion maps (written by evaluate_classifier) with the real-trained one's and the untrained floor.


rule nearest_neighbours:
    input:
        model=paths.result(paths.fixed(paths.CLASSIFIER, source=REAL), "model.keras"),
        synthetic_records=paths.result(paths.SYNTHETIC, "train.tfrecord"),
        synthetic_rows=paths.result(paths.SYNTHETIC, "train.csv"),
        train_records=generator_train_records,
        train_rows=sidecar(generator_train_records),
        heldout_records=paths.result(paths.DATA, "test.tfrecord"),
        heldout_rows=paths.result(paths.DATA, "test.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
        planted=planted_copies,
        detection_weights=lambda wildcards: list(detection_weights(wildcards).values()),
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
        settings=settings_json(NEIGHBOURS),
        batch_size=CLASSIFIER["batch_size"],
        title=lambda wildcards: run_title(wildcards, wildcards.gan),
        planted=lambda wildcards, input: ["--planted", *input.planted] if input.planted else [],
        detection=detection_extractors_json,
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(60),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench neighbours --model {input.model:q} --synthetic-records {input.synthetic_records:q}"
        " --train-records {input.train_records:q} --heldout-records {input.heldout_records:q}"
        " --batch-size {params.batch_size:q} --meta {input.meta:q} --settings-json {params.settings:q}"
        " --title {params.title:q} --seed {wildcards.seed:q} {params.planted:q}"
        " --detection-extractors-json {params.detection:q} --threads {threads}"
        " --out {params.out:q} > {log:q} 2>&1"


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
        settings=settings_json(ATTRIBUTION),
        title=lambda wildcards: run_title(wildcards),
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench attribution compare --maps {input.maps:q} --meta {input.meta:q}"
        " --settings-json {params.settings:q} --title {params.title:q} --out {params.out:q} > {log:q} 2>&1"
