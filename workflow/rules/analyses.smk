# Analyses of each arm dataset: nearest neighbours of synthetic images among real train images (memorisation,
# in the feature space of the real-trained classifier) and occlusion attribution maps of every classifier.


rule classifier_features:
    input:
        weights="results/{dataset}/{arm}/{value}/classifier/real/seed{seed}/best.weights.h5",
        records=feature_records,
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        "results/{dataset}/{arm}/{value}/nn/features/seed{seed}/{source}/{split}.npz",
    log:
        "logs/{dataset}/{arm}/{value}/nn/features/seed{seed}/{source}/{split}.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/nn/features/seed{seed}/{source}/{split}.tsv"
    params:
        settings=classifier_settings_json(),
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench classifier features --weights {input.weights} --records {input.records} --meta {input.meta}"
        " --settings-json {params.settings} --threads {threads} --out {output} > {log} 2>&1"


rule nearest_neighbours:
    input:
        synthetic="results/{dataset}/{arm}/{value}/nn/features/seed{seed}/{gan}/train.npz",
        train="results/{dataset}/{arm}/{value}/nn/features/seed{seed}/real/train.npz",
        heldout="results/{dataset}/{arm}/{value}/nn/features/seed{seed}/real/test.npz",
        synthetic_records="results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/synthetic/train.tfrecord",
        train_records="results/{dataset}/{arm}/{value}/data/train.tfrecord",
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        neighbours="results/{dataset}/{arm}/{value}/nn/{gan}/seed{seed}/neighbours.npz",
        report="results/{dataset}/{arm}/{value}/nn/{gan}/seed{seed}/memorisation.json",
        grid=report(
            "results/{dataset}/{arm}/{value}/nn/{gan}/seed{seed}/grid.png",
            caption="../../src/synthbench/report/nn_grid.rst",
            category="Memorisation",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "gan": "{gan}", "seed": "{seed}"},
        ),
    log:
        "logs/{dataset}/{arm}/{value}/nn/{gan}/seed{seed}/search.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/nn/{gan}/seed{seed}/search.tsv"
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
        weights=explainer_weights,
        test="results/{dataset}/{arm}/{value}/data/test.tfrecord",
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        "results/{dataset}/{arm}/{value}/attribution/{explainer}/seed{seed}/maps.npz",
    log:
        "logs/{dataset}/{arm}/{value}/attribution/{explainer}/seed{seed}/maps.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/attribution/{explainer}/seed{seed}/maps.tsv"
    params:
        weights=lambda wildcards, input: f"--weights {input.weights}" if input.weights else "--random-weights",
        settings=quoted_json(ATTRIBUTION),
        classifier=classifier_settings_json(),
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 120 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench attribution maps {params.weights} --explainer {wildcards.explainer} --test {input.test}"
        " --meta {input.meta} --settings-json {params.settings} --classifier-settings-json {params.classifier}"
        " --seed {wildcards.seed} --threads {threads} --out {output} > {log} 2>&1"


rule attribution_panel:
    input:
        maps=attribution_maps,
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
    output:
        report="results/{dataset}/{arm}/{value}/attribution/seed{seed}/attribution.json",
        panel=report(
            "results/{dataset}/{arm}/{value}/attribution/seed{seed}/panel.png",
            caption="../../src/synthbench/report/attribution.rst",
            category="Attribution",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "seed": "{seed}"},
        ),
    log:
        "logs/{dataset}/{arm}/{value}/attribution/seed{seed}/panel.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/attribution/seed{seed}/panel.tsv"
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
