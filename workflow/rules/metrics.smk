# Generator metrics: each GAN run's synthetic train features against the real train features they are twins of
# (FID, KID, precision / recall / density / coverage, with intervals), and the real held-out features against
# them once per arm dataset: the real-vs-real ceiling (source `real`). Light numpy jobs: the features come from
# the FID statistics job and the GAN job, which have the extractor loaded already.


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
        settings=settings_json(GENERATOR_METRICS),
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
