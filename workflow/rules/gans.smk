# GANs: FID machinery (Inception weights, cached real statistics) -> one training job per
# (dataset, arm, value, gan, seed), resumable from checkpoints/ -> inference writes synthetic splits.


rule fid_inception_weights:
    output:
        weights=FID["inception_weights"],
    log:
        "logs/fid/inception_weights.log",
    benchmark:
        "benchmarks/fid/inception_weights.tsv"
    params:
        downloads=FID["inception_downloads"],
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    shell:
        "python -m synthbench fid fetch --out {output.weights} --downloads {params.downloads} > {log} 2>&1"


rule fid_real_stats:
    input:
        records="results/{dataset}/{arm}/{value}/data/train.tfrecord",
        csv="results/{dataset}/{arm}/{value}/data/train.csv",
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
        weights=fid_weights,
    output:
        "results/{dataset}/{arm}/{value}/fid/{extractor}/train.npz",
    log:
        "logs/{dataset}/{arm}/{value}/fid/{extractor}/train.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/fid/{extractor}/train.tsv"
    params:
        extractor=fid_extractor_arguments,
        num_images=FID["num_images"],
        batch_size=FID["batch_size"],
        seed=config["seed"],
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench fid stats --records {input.records} --csv {input.csv} --meta {input.meta}"
        " {params.extractor} --num-images {params.num_images} --batch-size {params.batch_size} --seed {params.seed}"
        " --threads {threads} --out {output} > {log} 2>&1"


rule train_gan:
    input:
        train="results/{dataset}/{arm}/{value}/data/train.tfrecord",
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
        stats=fid_real_stats,
        weights=fid_weights,
    output:
        network="results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/network_final.keras",
        card="results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/card.json",
        fid="results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/fid.csv",
        record="results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/training.json",
        samples=report(
            "results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/samples.png",
            caption="../../src/synthbench/report/samples.rst",
            category="GAN samples",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "gan": "{gan}", "seed": "{seed}"},
        ),
    log:
        "logs/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/train.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/train.tsv"
    params:
        data=lambda wildcards, input: Path(input.meta).parent,
        out=lambda wildcards, output: Path(output.network).parent,
        settings=gan_settings_json,
        extractor=fid_extractor_arguments,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=lambda wildcards, attempt: 1440 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench gan train --family {wildcards.gan} --data {params.data} --real-stats {input.stats}"
        " {params.extractor}"
        " --settings-json {params.settings} --seed {wildcards.seed} --threads {threads} --out {params.out}"
        " > {log} 2>&1"


rule gan_inference:
    input:
        network=rules.train_gan.output.network,
        card=rules.train_gan.output.card,
        meta="results/{dataset}/{arm}/{value}/data/meta.json",
        csvs=expand("results/{{dataset}}/{{arm}}/{{value}}/data/{split}.csv", split=("train", "valid", "test")),
    output:
        multiext(
            "results/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/synthetic/",
            "train.tfrecord",
            "train.csv",
            "valid.tfrecord",
            "valid.csv",
            "test.tfrecord",
            "test.csv",
        ),
    log:
        "logs/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/inference.log",
    benchmark:
        "benchmarks/{dataset}/{arm}/{value}/gan/{gan}/seed{seed}/inference.tsv"
    params:
        data=lambda wildcards, input: Path(input.meta).parent,
        out=lambda wildcards, output: Path(output[0]).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench gan infer --network {input.network} --data {params.data} --seed {wildcards.seed}"
        " --threads {threads} --out {params.out} > {log} 2>&1"
