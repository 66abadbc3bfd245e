# Demo raw data: small CheXpert and RSNA downloads in their exact layouts, written from a seed.
# config/demo.yaml points datasets.*.raw_dir at these folders; real runs never touch them.


rule demo_chest:
    output:
        directory(DEMO_RAW["chest"]),
    log:
        paths.log(paths.DEMO, "chest.log"),
    benchmark:
        paths.benchmark(paths.DEMO, "chest.tsv")
    params:
        seed=DEMO["seed"],
        size=DEMO["chest"],
        heights=",".join(map(str, DEMO["chest"]["heights"])),
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    shell:
        "python -m synthbench demo-data chest --out {output} --seed {params.seed}"
        " --train-patients {params.size[train_patients]} --valid-patients {params.size[valid_patients]}"
        " --max-studies {params.size[max_studies]} --lateral-fraction {params.size[lateral_fraction]}"
        " --width {params.size[width]} --heights {params.heights} > {log} 2>&1"


rule demo_brain:
    output:
        directory(DEMO_RAW["brain"]),
    log:
        paths.log(paths.DEMO, "brain.log"),
    benchmark:
        paths.benchmark(paths.DEMO, "brain.tsv")
    params:
        seed=DEMO["seed"],
        size=DEMO["brain"],
        slices=",".join(map(str, DEMO["brain"]["slices"])),
    conda:
        "../../envs/data.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    shell:
        "python -m synthbench demo-data brain --out {output} --seed {params.seed} --patients {params.size[patients]}"
        " --slices {params.slices} --haemorrhage-fraction {params.size[haemorrhage_fraction]}"
        " --size {params.size[size]} > {log} 2>&1"


rule demo_data:
    input:
        demo_targets(),
