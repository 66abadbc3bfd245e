# Datasets: raw download -> index (manifest.csv, skipped.csv) -> image cache (h5 at the largest side needed).


rule index_chest:
    input:
        raw=raw_dir("chest"),
    output:
        manifest="results/chest/index/manifest.csv",
        skipped="results/chest/index/skipped.csv",
    log:
        "logs/chest/index/index.log",
    benchmark:
        "benchmarks/chest/index/index.tsv"
    params:
        labels=" ".join(f"'{label}'" for label in dataset_config("chest")["labels"]),
        uncertain_as=dataset_config("chest")["uncertain_as"],
    conda:
        "../../envs/data.yaml"
    threads: 8
    resources:
        mem_mb=4000,
    shell:
        "python -m build_dataset index chest --raw {input.raw} --labels {params.labels}"
        " --uncertain-as {params.uncertain_as} --manifest {output.manifest} --skipped {output.skipped}"
        " --processes {threads} > {log} 2>&1"


rule index_brain:
    input:
        raw=raw_dir("brain"),
    output:
        manifest="results/brain/index/manifest.csv",
        skipped="results/brain/index/skipped.csv",
    log:
        "logs/brain/index/index.log",
    benchmark:
        "benchmarks/brain/index/index.tsv"
    params:
        labels=" ".join(f"'{label}'" for label in dataset_config("brain")["labels"]),
        normal_images=dataset_config("brain")["normal_images"],
        seed=config["seed"],
    conda:
        "../../envs/data.yaml"
    threads: 8
    resources:
        mem_mb=4000,
    shell:
        "python -m build_dataset index brain --raw {input.raw} --labels {params.labels}"
        " --normal-images {params.normal_images} --seed {params.seed}"
        " --manifest {output.manifest} --skipped {output.skipped} --processes {threads} > {log} 2>&1"


rule image_cache:
    input:
        manifest="results/{dataset}/index/manifest.csv",
        raw=lambda wildcards: raw_dir(wildcards.dataset),
    output:
        "results/{dataset}/index/images_{side}.h5",
    log:
        "logs/{dataset}/index/images_{side}.log",
    benchmark:
        "benchmarks/{dataset}/index/images_{side}.tsv"
    wildcard_constraints:
        side=r"\d+",
    params:
        decode=decode_options,
    conda:
        "../../envs/data.yaml"
    threads: 8
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
    shell:
        "python -m build_dataset cache {wildcards.dataset} --manifest {input.manifest} --raw {input.raw}"
        " --side {wildcards.side} --out {output} {params.decode} --processes {threads} > {log} 2>&1"


rule arm_split:
    input:
        manifest="results/{dataset}/index/manifest.csv",
        cache=cache_file,
    output:
        multiext(
            "results/{dataset}/{arm}/{value}/data/",
            "train.tfrecord",
            "train.csv",
            "valid.tfrecord",
            "valid.csv",
            "test.tfrecord",
            "test.csv",
            "meta.json",
        ),
    log:
        "logs/{dataset}/{arm}/{value}/data.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/data.tsv"
    params:
        settings=dataset_settings_json,
        seed=config["seed"],
        out="results/{dataset}/{arm}/{value}/data",
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
    shell:
        "python -m build_dataset split {wildcards.dataset} {wildcards.arm} {wildcards.value}"
        " --manifest {input.manifest} --cache {input.cache} --config-json {params.settings}"
        " --seed {params.seed} --out {params.out} > {log} 2>&1"
