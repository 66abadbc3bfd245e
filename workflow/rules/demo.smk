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
        "python -m synthbench demo-data chest --out {output:q} --seed {params.seed:q}"
        " --train-patients {params.size[train_patients]:q} --valid-patients {params.size[valid_patients]:q}"
        " --max-studies {params.size[max_studies]:q} --lateral-fraction {params.size[lateral_fraction]:q}"
        " --width {params.size[width]:q} --heights {params.heights:q} > {log:q} 2>&1"


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
        "python -m synthbench demo-data brain --out {output:q} --seed {params.seed:q} --patients {params.size[patients]:q}"
        " --slices {params.slices:q} --haemorrhage-fraction {params.size[haemorrhage_fraction]:q}"
        " --size {params.size[size]:q} > {log:q} 2>&1"


rule demo_data:
    input:
        demo_targets(),
