"""The metric registry and the per-run metrics table: names, directions and ranges are checked where numbers
are written and read, and early stopping follows a metric's direction."""

import math

import pandas as pd
import pytest

from synthbench.gans.stopping import EarlyStopping
from synthbench.metrics import registry
from synthbench.metrics import table as metrics_table
from synthbench.metrics.registry import Metric


def test_directions_pick_the_best_and_ranges_are_inclusive():
    fid, auroc = registry.entry("fid"), registry.entry("auroc")
    assert fid.best([30.0, 12.0, math.nan, 50.0]) == 12.0 and auroc.best([0.6, 0.9, 0.7]) == 0.9
    assert fid.better(1.0, 2.0) and not fid.better(2.0, 2.0) and auroc.better(0.8, 0.7)
    assert auroc.in_range(0.0) and auroc.in_range(1.0) and auroc.in_range(math.nan) and not auroc.in_range(1.01)
    with pytest.raises(ValueError, match="'kimg' has no better direction"):
        registry.entry("kimg").best([1.0])


def test_registration_is_checked():
    assert registry.register(registry.entry("fid")) is registry.entry("fid"), "the same metric twice is harmless"
    with pytest.raises(ValueError, match="'fid' is already registered"):
        registry.register(Metric("fid", "FID", "features", "higher"))
    with pytest.raises(ValueError, match="consumes 'pixels'"):
        Metric("x", "x", "pixels", "lower")
    with pytest.raises(ValueError, match="direction 'up'"):
        Metric("x", "x", "images", "up")
    with pytest.raises(KeyError, match="unknown metric 'fdi'"):
        registry.entry("fdi")
    assert registry.monitorable() == ("fid",)
    with pytest.raises(ValueError, match="cannot judge a generator during training; these can: fid"):
        registry.entry("auroc").evaluator()
    assert registry.entry("fid").evaluator().__name__ == "generator_fid"


def test_table_rows_round_trip_and_bad_rows_are_refused(tmp_path):
    path = tmp_path / metrics_table.FILE
    rows = [metrics_table.row("precision", 0.5, extractor="inception", n=500, ci=(0.4, 0.625)),
            metrics_table.row("auroc", math.nan, class_name="Edema", n=40),
            metrics_table.row("kimg", 60)]
    metrics_table.write(path, rows)
    table = metrics_table.read(path)
    assert table["metric"].tolist() == ["precision", "auroc", "kimg"] and table["class"].tolist() == ["", "Edema", ""]
    assert table["n"].tolist()[:2] == [500, 40] and pd.isna(table["n"].iloc[2]) and math.isnan(table["result"][1])
    assert table[["result", "ci_low", "ci_high"]].iloc[0].tolist() == [0.5, 0.4, 0.625]
    assert table["ci_low"].iloc[1:].isna().all()
    with pytest.raises(ValueError, match=r"'precision': 1.5 is outside its range"):
        metrics_table.row("precision", 0.5, ci=(0.4, 1.5))
    with pytest.raises(ValueError, match=r"interval \[0.6, 0.4\] has its low end above its high end"):
        metrics_table.row("precision", 0.5, ci=(0.6, 0.4))
    with pytest.raises(ValueError, match=r"'auroc' \(Edema\): 1.2 is outside its range \[0.0, 1.0\]"):
        metrics_table.row("auroc", 1.2, class_name="Edema")
    with pytest.raises(KeyError, match="unknown metric"):
        metrics_table.row("accuracy", 0.5)
    path.write_text("source,metric,class,extractor,n,result,ci_low,ci_high\n,fid,,inception,5,3,-3,4\n")
    with pytest.raises(ValueError, match="metrics.csv: fid ci_low = -3.0 is outside its range"):
        metrics_table.read(path)
    path.write_text("metric,result\nfid,3\n")
    with pytest.raises(ValueError, match="metrics.csv: columns"):
        metrics_table.read(path)


def test_early_stopping_follows_the_direction_of_the_monitored_metric():
    fid = EarlyStopping(registry.entry("fid"), every_kimg=10, patience=2, start_kimg=20)
    assert not fid.due(15) and fid.due(20)
    improved = [fid.record({"kimg": k, "fid": f}) for k, f in ((20, 50.0), (30, 40.0), (40, 41.0))]
    assert improved == [True, True, False] and not fid.should_stop
    assert not fid.due(45) and fid.due(50)
    fid.record({"kimg": 50, "fid": 40.0})  # a tie is no improvement
    assert fid.should_stop and fid.best["kimg"] == 30
    higher = Metric("toy_score", "toy score", "images", "higher", 0.0, 1.0)
    score = EarlyStopping(higher, every_kimg=10, patience=1, start_kimg=0)
    assert [score.record({"kimg": k, "toy_score": v}) for k, v in ((0, 0.2), (10, 0.5), (20, 0.4))] == [
        True, True, False]
    assert score.best["kimg"] == 10 and score.should_stop


def test_a_plugin_metric_with_an_evaluate_function_becomes_a_monitor_choice(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "_METRICS", dict(registry._METRICS))  # this test's registrations end with it
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "my_metrics.py").write_text(
        "from synthbench.metrics.registry import Metric, register\n"
        "register(Metric('swd', 'sliced Wasserstein distance', 'features', 'lower', 0.0, "
        "evaluate='my_metrics:generator_swd'))\n"
        "def generator_swd(sampler, real, real_labels, extractor, seed):\n"
        "    return 0.5\n")
    from conftest import load_config
    from synthbench.config import ConfigError, validate_config

    def with_monitor(monitor):
        return {**load_config("config.yaml"), "plugins": ["my_metrics"], "gans": {"dcgan": {"monitor": monitor}}}

    config = validate_config(with_monitor("swd"))
    assert config["gans"]["dcgan"]["monitor"] == "swd" and config["gans"]["prog"]["monitor"] == "fid"
    assert registry.entry("swd").evaluator()(None, None, None, None, 0) == 0.5
    with pytest.raises(ConfigError, match="'gans.dcgan.monitor': 'auroc' is not one of"):
        validate_config(with_monitor("auroc"))
