# Datasets: raw download -> (chest: the plan, which stops a config whose arms cannot build before the long decode)
# -> index job (manifest.csv, skipped.csv and the image cache images_{side}.h5 at the largest side any enabled arm
# needs, from one decode pass) -> one split job per (dataset, arm, value).


rule plan_chest:
    input:
        unpack(raw_input("chest")),
    output:
        index_file("chest", "plan.csv"),
    log:
        paths.log(index_folder("chest"), "plan.log"),
    params:
        settings=settings_json(plan_settings("chest")),
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench dataset plan --raw {input.raw:q} --config-json {params.settings:q} --out {output:q}"
        " > {log:q} 2>&1"


rule index_chest:
    input:
        unpack(raw_input("chest")),
        plan=chest_plan_before_index(),
    output:
        manifest=index_file("chest", "manifest.csv"),
        skipped=index_file("chest", "skipped.csv"),
        cache=cache_path("chest"),
    log:
        paths.log(index_folder("chest"), "index.log"),
    benchmark:
        paths.benchmark(index_folder("chest"), "index.tsv")
    params:
        labels=dataset_config("chest")["labels"],
        uncertain_as=dataset_config("chest")["uncertain_as"],
        min_side=dataset_config("chest")["min_side"],
        resize=dataset_config("chest")["resize"],
        side=cache_side("chest"),
    conda:
        "../../envs/data.yaml"
    threads: 8
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
    shell:
        "python -m synthbench dataset index chest --raw {input.raw:q} --labels {params.labels:q}"
        " --uncertain-as {params.uncertain_as:q} --resize {params.resize:q} --min-side {params.min_side:q}"
        " --side {params.side:q}"
        " --manifest {output.manifest:q} --skipped {output.skipped:q} --cache {output.cache:q}"
        " --processes {threads} > {log:q} 2>&1"


rule index_brain:
    input:
        unpack(raw_input("brain")),
    output:
        manifest=index_file("brain", "manifest.csv"),
        skipped=index_file("brain", "skipped.csv"),
        cache=cache_path("brain"),
    log:
        paths.log(index_folder("brain"), "index.log"),
    benchmark:
        paths.benchmark(index_folder("brain"), "index.tsv")
    params:
        labels=dataset_config("brain")["labels"],
        normal_images=dataset_config("brain")["normal_images"],
        min_side=dataset_config("brain")["min_side"],
        seed=config["seed"],
        window=[dataset_config("brain")["window"][key] for key in ("center", "width")],
        side=cache_side("brain"),
    conda:
        "../../envs/data.yaml"
    threads: 8
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
    shell:
        "python -m synthbench dataset index brain --raw {input.raw:q} --labels {params.labels:q}"
        " --normal-images {params.normal_images:q} --seed {params.seed:q} --window {params.window:q}"
        " --min-side {params.min_side:q} --side {params.side:q} --manifest {output.manifest:q}"
        " --skipped {output.skipped:q} --cache {output.cache:q}"
        " --processes {threads} > {log:q} 2>&1"


rule arm_split:
    input:
        manifest=paths.result(paths.INDEX, "manifest.csv"),
        cache=lambda wildcards: cache_path(wildcards.dataset),
    output:
        multiext(
            paths.result(paths.DATA) + "/",
            "train.tfrecord",
            "train.csv",
            "valid.tfrecord",
            "valid.csv",
            "test.tfrecord",
            "test.csv",
            "meta.json",
        ),
    log:
        paths.log(paths.ARM, "data.log"),
    benchmark:
        paths.benchmark(paths.ARM, "data.tsv")
    params:
        settings=arm_settings_json,
        seed=config["seed"],
        out=paths.result(paths.DATA),
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
    shell:
        "python -m synthbench dataset split {wildcards.dataset:q} {wildcards.arm:q} {wildcards.value:q}"
        " --manifest {input.manifest:q} --cache {input.cache:q} --config-json {params.settings:q}"
        " --seed {params.seed:q} --out {params.out:q} > {log:q} 2>&1"
