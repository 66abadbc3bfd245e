# Generator metrics: each GAN run's synthetic train features against the real train features they are twins of
# (FID, KID, precision / recall / density / coverage, with intervals), and the real held-out features against
# them once per arm dataset: the real-vs-real ceiling (source `real`), in the FID extractor's space and in each of
# generator_metrics.extractors. Light numpy jobs: the features come from the FID statistics jobs, the GAN job
# (the FID extractor's, which it has loaded already) and, for the other extractors, rule generator_features.


rule generator_features:
    input:
        records=paths.result(paths.SYNTHETIC, "train.tfrecord"),
        csv=paths.result(paths.SYNTHETIC, "train.csv"),
        meta=paths.result(paths.DATA, "meta.json"),
        rows=paths.result(paths.FID_STATS, "train.npz"),
        weights=fid_weights,
    output:
        paths.result(paths.GAN_FEATURES, "{extractor}.npz"),
    log:
        paths.log(paths.GAN_FEATURES, "{extractor}.log"),
    benchmark:
        paths.benchmark(paths.GAN_FEATURES, "{extractor}.tsv")
    params:
        extractor=fid_extractor_arguments,
        batch_size=FID["batch_size"],
    conda:
        "../../envs/tensorflow.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(60),
        gpu=GPUS_PER_JOB,
    shell:
        "python -m synthbench fid features --records {input.records:q} --csv {input.csv:q} --meta {input.meta:q}"
        " {params.extractor:q} --rows-from {input.rows:q} --batch-size {params.batch_size:q} --threads {threads}"
        " --out {output:q} > {log:q} 2>&1"


rule generator_metrics:
    input:
        real=fid_real_features,
        synthetic=generator_features,
    output:
        report=paths.result(paths.GENERATOR_METRICS, "metrics.json"),
        metrics=paths.result(paths.GENERATOR_METRICS, "metrics.csv"),
    log:
        paths.log(paths.GENERATOR_METRICS, "metrics.log"),
    benchmark:
        paths.benchmark(paths.GENERATOR_METRICS, "metrics.tsv")
    params:
        settings=settings_json({key: value for key, value in GENERATOR_METRICS.items() if key != "extractors"}),
        synthetic=lambda wildcards, input: ["--synthetic-features", *input.synthetic] if input.synthetic else [],
        out=lambda wildcards, output: Path(output.report).parent,
    conda:
        "../../envs/data.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=runtime_per_attempt(60),
    shell:
        "python -m synthbench metrics generator --real-features {input.real:q} {params.synthetic:q}"
        " --settings-json {params.settings:q} --seed {wildcards.seed:q} --threads {threads} --out {params.out:q}"
        " > {log:q} 2>&1"
