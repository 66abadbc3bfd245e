# Results: the tidy summary of every number, the paper's figures (regenerated from results files without
# retraining), and target rules: one per dataset x arm, `plots` and `report`.


rule summary:
    input:
        summary_inputs(),
    output:
        table=paths.result(paths.TOP, "summary.csv"),
        mean=paths.result(paths.TOP, "summary_mean.csv"),
        page=report(paths.result(paths.TOP, "summary.html"), caption="../../src/synthbench/report/summary.rst", category="Tables",
                    labels={"table": "every number"}),
        mean_page=report(paths.result(paths.TOP, "summary_mean.html"), caption="../../src/synthbench/report/summary_mean.rst",
                         category="Tables", labels={"table": "mean over seeds"}),
        rank=paths.result(paths.TOP, "fid_rank_agreement.csv"),
        rank_page=report(paths.result(paths.TOP, "fid_rank_agreement.html"),
                         caption="../../src/synthbench/report/fid_rank_agreement.rst", category="Tables",
                         labels={"table": "FID rank agreement of extractors"}),
        catalogue=paths.result(paths.TOP, "catalogue.csv"),
        catalogue_page=report(paths.result(paths.TOP, "catalogue.html"),
                              caption="../../src/synthbench/report/catalogue.rst", category="Tables",
                              labels={"table": "trained generators"}),
        paired=paths.result(paths.TOP, "paired_tests.csv"),
        paired_page=report(paths.result(paths.TOP, "paired_tests.html"),
                           caption="../../src/synthbench/report/paired_tests.rst", category="Main results",
                           labels={"figure": "as good as real? (paired tests)"}),
    log:
        paths.log(paths.TOP, "summary.log"),
    benchmark:
        paths.benchmark(paths.TOP, "summary.tsv")
    params:
        uncatalogued=[*INTAKE_SOURCES, OVERFIT],
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench summary --inputs {input:q} --out {output.table:q} --mean-out {output.mean:q}"
        " --page {output.page:q} --mean-page {output.mean_page:q} --rank-out {output.rank:q}"
        " --rank-page {output.rank_page:q} --catalogue-out {output.catalogue:q}"
        " --catalogue-page {output.catalogue_page:q} --paired-out {output.paired:q}"
        " --uncatalogued-sources {params.uncatalogued:q}"
        " --paired-page {output.paired_page:q} > {log:q} 2>&1"


rule plot_auroc:
    input:
        rules.summary.output.table,
    output:
        figure=report(paths.result(paths.PLOTS, "auroc.png"), caption="../../src/synthbench/report/auroc.rst", category="Main results",
                      labels={"figure": "mean test AUROC"}),
        gap=report(paths.result(paths.PLOTS, "auroc_gap.png"), caption="../../src/synthbench/report/auroc_gap.rst", category="Main results",
                   labels={"figure": "real - synthetic AUROC"}),
        table=paths.result(paths.PLOTS, "auroc.csv"),
        table_page=report(paths.result(paths.PLOTS, "auroc.html"), caption="../../src/synthbench/report/auroc_table.rst",
                          category="Main results", labels={"figure": "plotted numbers"}),
    log:
        paths.log(paths.PLOTS, "auroc.log"),
    benchmark:
        paths.benchmark(paths.PLOTS, "auroc.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench plots auroc --summary {input:q} --out {output.figure:q} --gap-out {output.gap:q}"
        " --table {output.table:q} --table-page {output.table_page:q} > {log:q} 2>&1"


rule plot_mixes:
    input:
        rules.summary.output.table,
    output:
        figure=report(paths.result(paths.PLOTS, "mixes.png"), caption="../../src/synthbench/report/mixes.rst",
                      category="Main results", labels={"figure": "real + synthetic mixes"}),
        table=paths.result(paths.PLOTS, "mixes.csv"),
        table_page=report(paths.result(paths.PLOTS, "mixes.html"), caption="../../src/synthbench/report/mixes_table.rst",
                          category="Main results", labels={"figure": "real + synthetic mixes table"}),
    log:
        paths.log(paths.PLOTS, "mixes.log"),
    benchmark:
        paths.benchmark(paths.PLOTS, "mixes.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench plots mixes --summary {input:q} --out {output.figure:q} --table {output.table:q}"
        " --table-page {output.table_page:q} > {log:q} 2>&1"


rule plot_fid:
    input:
        fid_curves,
    output:
        figure=report(paths.result(paths.PLOTS, "fid_{dataset}.png"), caption="../../src/synthbench/report/fid.rst", category="GANs",
                      labels={"dataset": "{dataset}", "figure": "FID curves"}),
        table=paths.result(paths.PLOTS, "fid_{dataset}.csv"),
        table_page=report(paths.result(paths.PLOTS, "fid_{dataset}.html"), caption="../../src/synthbench/report/fid_table.rst",
                          category="GANs", labels={"dataset": "{dataset}", "figure": "where each run stopped"}),
    log:
        paths.log(paths.PLOTS, "fid_{dataset}.log"),
    benchmark:
        paths.benchmark(paths.PLOTS, "fid_{dataset}.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench plots fid --inputs {input:q} --dataset {wildcards.dataset:q} --out {output.figure:q}"
        " --table {output.table:q} --table-page {output.table_page:q} > {log:q} 2>&1"


rule plot_generator_metrics:
    input:
        rules.summary.output.table,
    output:
        figure=report(paths.result(paths.PLOTS, "metrics_{dataset}.png"), caption="../../src/synthbench/report/generator_metrics.rst",
                      category="GANs", labels={"dataset": "{dataset}", "figure": "generator metrics"}),
        table=paths.result(paths.PLOTS, "metrics_{dataset}.csv"),
        table_page=report(paths.result(paths.PLOTS, "metrics_{dataset}.html"),
                          caption="../../src/synthbench/report/generator_metrics_table.rst", category="GANs",
                          labels={"dataset": "{dataset}", "figure": "generator metrics table"}),
    log:
        paths.log(paths.PLOTS, "metrics_{dataset}.log"),
    benchmark:
        paths.benchmark(paths.PLOTS, "metrics_{dataset}.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench plots generator-metrics --summary {input:q} --dataset {wildcards.dataset:q} --out {output.figure:q}"
        " --table {output.table:q} --table-page {output.table_page:q} > {log:q} 2>&1"


rule plot_memorisation:
    input:
        neighbour_files,
    output:
        report(paths.result(paths.PLOTS, "memorisation_{dataset}.png"), caption="../../src/synthbench/report/memorisation.rst", category="Memorisation",
               subcategory="distance histograms", labels={"dataset": "{dataset}"}),
    log:
        paths.log(paths.PLOTS, "memorisation_{dataset}.log"),
    benchmark:
        paths.benchmark(paths.PLOTS, "memorisation_{dataset}.tsv")
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    shell:
        "python -m synthbench plots memorisation --inputs {input:q} --dataset {wildcards.dataset:q} --out {output:q} > {log:q} 2>&1"


for target_dataset in enabled_datasets():
    for target_arm in enabled_arms(target_dataset):

        rule:
            name:
                f"{target_dataset}_{target_arm}"
            input:
                arm_targets(target_dataset, target_arm),


rule plots:
    input:
        plot_targets(),


rule resolved_config:
    output:
        config=paths.result(paths.TOP, "config.yaml"),
        page=report(paths.result(paths.TOP, "config.html"), caption="../../src/synthbench/report/config.rst",
                    category="Configuration", labels={"page": "every key"}),
    log:
        paths.log(paths.TOP, "config.log"),
    params:
        config=settings_json(config),
        left_out=settings_json(left_out_figures()),
    conda:
        "../../envs/data.yaml"
    threads: 1
    shell:
        "python -m synthbench report config --config-json {params.config:q} --left-out-json {params.left_out:q}"
        " --yaml {output.config:q} --page {output.page:q} > {log:q} 2>&1"


rule report:
    input:
        report_pages(),
        plot_targets(),
        arm_targets(),
        reader_analysis_targets(),
