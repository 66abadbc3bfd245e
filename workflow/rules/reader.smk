# Reader studies: one study set per dataset arm (rule reader_study_set; target rules reader_study_{dataset}_{arm}),
# shown to readers outside the DAG by `synthbench reader serve`; the answers of a finished study, exported and
# listed in reader_study.answers, are analysed by rule reader_analysis, whose table and figure join the report.


rule reader_study_set:
    input:
        unpack(reader_study_inputs),
    output:
        study=directory(paths.result(paths.READER_STUDY, "study")),
        key=paths.result(paths.READER_STUDY, "key.csv"),
    log:
        paths.log(paths.READER_STUDY, "build.log"),
    benchmark:
        paths.benchmark(paths.READER_STUDY, "build.tsv")
    params:
        values=lambda wildcards: arm_values(wildcards.dataset, wildcards.arm),
        sources=lambda wildcards: reader_sources(config, wildcards.dataset, wildcards.arm),
        run_seed=lambda wildcards: seeds_of(wildcards.dataset, wildcards.arm)[0],
        study_seed=config["seed"],
        per_source=READER["images_per_source"],
    conda:
        "../../envs/tensorflow.yaml"
    threads: 1
    resources:
        mem_mb=4000,
    shell:
        "python -m synthbench reader build --dataset {wildcards.dataset:q} --arm {wildcards.arm:q}"
        " --values {params.values:q} --sources {params.sources:q} --seed {params.run_seed:q}"
        " --study-seed {params.study_seed:q} --images-per-source {params.per_source:q}"
        " --out {output.study:q} --key-out {output.key:q} > {log:q} 2>&1"


rule reader_analysis:
    input:
        answers=reader_answers_file,
        key=rules.reader_study_set.output.key,
    output:
        table=paths.result(paths.READER_STUDY, "analysis.csv"),
        page=report(paths.result(paths.READER_STUDY, "analysis.html"), caption="../../src/synthbench/report/reader_table.rst",
                    category="Reader study", labels={"dataset": "{dataset}", "arm": "{arm}", "page": "table"}),
        figure=report(paths.result(paths.READER_STUDY, "accuracy.png"), caption="../../src/synthbench/report/reader_study.rst",
                      category="Reader study", labels={"dataset": "{dataset}", "arm": "{arm}", "page": "figure"}),
    log:
        paths.log(paths.READER_STUDY, "analysis.log"),
    benchmark:
        paths.benchmark(paths.READER_STUDY, "analysis.tsv")
    params:
        title=lambda wildcards: f"{wildcards.dataset} {wildcards.arm}",
        seed=config["seed"],
        permutations=READER["permutations"],
        bootstrap=READER["bootstrap"],
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench reader analyse --answers {input.answers:q} --key {input.key:q} --arm {wildcards.arm:q}"
        " --title {params.title:q} --seed {params.seed:q} --permutations {params.permutations:q}"
        " --bootstrap {params.bootstrap:q} --out {output.table:q} --page {output.page:q} --figure {output.figure:q}"
        " > {log:q} 2>&1"


for target_dataset in enabled_datasets():
    for target_arm in enabled_arms(target_dataset):

        rule:
            name:
                f"reader_study_{target_dataset}_{target_arm}"
            input:
                reader_study_targets(target_dataset, target_arm),
