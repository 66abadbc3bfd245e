# GANs: FID machinery (Inception weights, cached real statistics and feature sets) -> one training job per
# (dataset, arm, value, gan, seed), resumable from checkpoints/, that ends by writing the synthetic splits
# (one synthetic image per real row, with its labels) from the selected generator, and the features of the
# synthetic twins of the real rows the statistics came from; for real + synthetic mixes above ratio 1, more
# synthetic train images from the same generator. The overfit control is a family's run on a few patients
# (rule overfit_subset), trained by the same job.


# Downloads run where the workflow runs (a cluster's login node), not on compute nodes that are often offline.
localrules:
    fid_inception_weights,


rule fid_inception_weights:
    output:
        weights=FID["inception_weights"],
    log:
        paths.log(paths.FID_INCEPTION, "inception_weights.log"),
    benchmark:
        paths.benchmark(paths.FID_INCEPTION, "inception_weights.tsv")
    params:
        downloads=FID["inception_downloads"],
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    shell:
        "python -m synthbench fid fetch --out {output.weights:q} --downloads {params.downloads:q} > {log:q} 2>&1"


rule fid_real_stats:
    input:
        records=paths.result(paths.DATA, "train.tfrecord"),
        csv=paths.result(paths.DATA, "train.csv"),
        heldout_records=paths.result(paths.DATA, "test.tfrecord"),
        heldout_csv=paths.result(paths.DATA, "test.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
        weights=fid_weights,
    output:
        stats=paths.result(paths.FID_STATS, "train.npz"),
        features=paths.result(paths.FID_STATS, "features.npz"),
    log:
        paths.log(paths.FID_STATS, "train.log"),
    benchmark:
        paths.benchmark(paths.FID_STATS, "train.tsv")
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
        runtime=runtime_per_attempt(60),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench fid stats --records {input.records:q} --csv {input.csv:q} --meta {input.meta:q}"
        " {params.extractor:q} --num-images {params.num_images:q} --batch-size {params.batch_size:q} --seed {params.seed:q}"
        " --threads {threads} --out {output.stats:q} --features-out {output.features:q}"
        " --heldout-records {input.heldout_records:q} --heldout-csv {input.heldout_csv:q} > {log:q} 2>&1"


rule overfit_subset:
    wildcard_constraints:
        gan=OVERFIT,
    input:
        train=paths.result(paths.DATA, "train.tfrecord"),
        rows=paths.result(paths.DATA, "train.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        records=paths.result(paths.TRAINING_SUBSET, "train.tfrecord"),
        rows=paths.result(paths.TRAINING_SUBSET, "train.csv"),
    log:
        paths.log(paths.TRAINING_SUBSET, "subset.log"),
    benchmark:
        paths.benchmark(paths.TRAINING_SUBSET, "subset.tsv")
    params:
        data=lambda wildcards, input: Path(input.meta).parent,
        images=config["controls"][OVERFIT]["train_images"],
        out=lambda wildcards, output: Path(output.records).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench outside subset --data {params.data:q} --images {params.images:q}"
        " --seed {wildcards.seed:q} --out {params.out:q} > {log:q} 2>&1"


rule train_gan:
    wildcard_constraints:
        gan=one_of(TRAINED),
    input:
        train=generator_train_records,
        train_rows=sidecar(generator_train_records),
        csvs=expand(paths.result(paths.DATA, "{split}.csv"), split=SPLITS, allow_missing=True),
        meta=paths.result(paths.DATA, "meta.json"),
        stats=fid_real_stats,
        weights=fid_weights,
    output:
        network=paths.result(paths.GAN, "network_final.keras"),
        card=paths.result(paths.GAN, "card.json"),
        fid=paths.result(paths.GAN, "fid.csv"),
        record=paths.result(paths.GAN, "training.json"),
        metrics=paths.result(paths.GAN, "metrics.csv"),
        features=paths.result(paths.GAN, "features.npz"),
        samples=report(
            paths.result(paths.GAN, "samples.png"),
            caption="../../src/synthbench/report/samples.rst",
            category="GAN samples",
            subcategory="{dataset} {arm}",
            labels={"value": "{value}", "gan": "{gan}", "seed": "{seed}"},
        ),
        synthetic=multiext(
            paths.result(paths.SYNTHETIC) + "/",
            "train.tfrecord",
            "train.csv",
            "valid.tfrecord",
            "valid.csv",
            "test.tfrecord",
            "test.csv",
        ),
    log:
        paths.log(paths.GAN, "train.log"),
    benchmark:
        paths.benchmark(paths.GAN, "train.tsv")
    params:
        data=lambda wildcards, input: Path(input.meta).parent,
        out=lambda wildcards, output: Path(output.network).parent,
        synthetic=lambda wildcards, output: Path(output.synthetic[0]).parent,
        family=gan_family,
        settings=gan_settings_json,
        extractor=fid_extractor_arguments,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=memory_per_gpu("train_gan", 8000),
        runtime=runtime_per_attempt(1440),
        gpu=gpus_per_job("train_gan"),
    shell:
        "python -m synthbench gan train --family {params.family:q} --data {params.data:q}"
        " --train-records {input.train:q} --real-stats {input.stats:q}"
        " {params.extractor:q}"
        " --settings-json {params.settings:q} --seed {wildcards.seed:q} --threads {threads} --out {params.out:q}"
        " --synthetic-out {params.synthetic:q} --features-out {output.features:q} > {log:q} 2>&1"


rule more_synthetic:
    wildcard_constraints:
        gan=one_of(FAMILIES),
    input:
        network=rules.train_gan.output.network,
        card=rules.train_gan.output.card,
        train=paths.result(paths.DATA, "train.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
    output:
        records=paths.result(paths.SYNTHETIC, f"{MORE}.tfrecord"),
        rows=paths.result(paths.SYNTHETIC, f"{MORE}.csv"),
    log:
        paths.log(paths.SYNTHETIC, f"{MORE}.log"),
    benchmark:
        paths.benchmark(paths.SYNTHETIC, f"{MORE}.tsv")
    params:
        data=lambda wildcards, input: Path(input.meta).parent,
        copies=more_copies,
        out=lambda wildcards, output: Path(output.records).parent,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(60),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench gan more --network {input.network:q} --data {params.data:q} --copies {params.copies:q}"
        " --seed {wildcards.seed:q} --threads {threads} --out {params.out:q} > {log:q} 2>&1"
