"""The output layout: file names in folder patterns, the log and benchmark mirrors, partly filled patterns,
globs over all runs, and `run_of` reading back what `result` wrote."""

from synthbench import paths

RUN = {"dataset": "chest", "arm": "classes", "value": 4, "gan": "sngan", "source": "prog", "seed": 2}


def test_files_of_one_run_and_their_log_and_benchmark_mirrors():
    assert paths.result(paths.GAN, "card.json").format(**RUN) == "results/chest/classes/4/gan/sngan/seed2/card.json"
    assert paths.log(paths.GAN, "train.log").format(**RUN) == "logs/chest/classes/4/gan/sngan/seed2/train.log"
    assert paths.benchmark(paths.CLASSIFIER, "evaluate.tsv").format(**RUN) == \
        "benchmarks/chest/classes/4/classifier/prog/seed2/evaluate.tsv"
    assert paths.result(paths.TOP, "summary.csv") == "results/summary.csv"
    assert paths.result(paths.DATA).format(**RUN) == "results/chest/classes/4/data"


def test_partly_filled_patterns_and_globs():
    real = paths.fixed(paths.CLASSIFIER, source="real")
    assert real == "{dataset}/{arm}/{value}/classifier/real/seed{seed}"
    assert paths.glob(paths.benchmark(paths.CLASSIFIER, "evaluate.tsv")) == \
        "benchmarks/*/*/*/classifier/*/seed*/evaluate.tsv"


def test_run_of_inverts_the_layout_of_every_run_folder():
    for folder, stage, source in ((paths.GAN, "gan", "sngan"), (paths.CLASSIFIER, "classifier", "prog"),
                                  (paths.NEIGHBOURS, "nn", "sngan"), (paths.ATTRIBUTION, "attribution", None),
                                  (paths.GENERATOR_METRICS, "metrics", "prog")):
        run = paths.run_of(paths.result(folder, "metrics.csv").format(**RUN))
        assert run == {"dataset": "chest", "arm": "classes", "value": 4, "stage": stage, "source": source, "seed": 2}
