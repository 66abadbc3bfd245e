# Sources that are not trained here: generators made elsewhere (config outside_sources) and the controls
# (copycat, noise), entered into the arms that list them in `sources`. One intake job per (arm value, source,
# seed) leaves what a family's training job leaves for the stages after it: synthetic splits (one image per real
# row, with its labels), the features of the rows the FID statistics came from, and a sample grid; and
# planted.csv, the copies the copycat control planted (no rows for the others). An images source's draws depend
# on the seed; its images do not.


rule source_intake:
    wildcard_constraints:
        gan=one_of(INTAKE_SOURCES),
    input:
        unpack(intake_inputs),
        csvs=expand(paths.result(paths.DATA, "{split}.csv"), split=SPLITS, allow_missing=True),
        train=paths.result(paths.DATA, "train.tfrecord"),
        meta=paths.result(paths.DATA, "meta.json"),
        stats=fid_real_stats,
        weights=fid_weights,
    output:
        record=paths.result(paths.GAN, "intake.json"),
        planted=paths.result(paths.GAN, "planted.csv"),
        features=paths.result(paths.GAN, "features.npz"),
        samples=report(
            paths.result(paths.GAN, "samples.png"),
            caption="../../src/synthbench/report/outside_samples.rst",
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
        paths.log(paths.GAN, "intake.log"),
    benchmark:
        paths.benchmark(paths.GAN, "intake.tsv")
    params:
        source=intake_arguments,
        data=lambda wildcards, input: Path(input.meta).parent,
        out=lambda wildcards, output: Path(output.record).parent,
        synthetic=lambda wildcards, output: Path(output.synthetic[0]).parent,
        extractor=fid_extractor_arguments,
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=runtime_per_attempt(120),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench outside intake {params.source:q} --data {params.data:q}"
        " --real-stats {input.stats:q} {params.extractor:q} --seed {wildcards.seed:q} --threads {threads}"
        " --out {params.out:q} --synthetic-out {params.synthetic:q} --features-out {output.features:q} > {log:q} 2>&1"
