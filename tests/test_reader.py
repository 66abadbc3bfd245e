"""Reader study without a browser: the study set's format, the statistics against statsmodels' values, the answer
store's checks and durability, the web app's routes (Flask's test client), and the analysis on simulated readers
of known accuracy."""

import http.cookiejar
import json
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from conftest import REPO, job_environment
from synthbench.reader import statistics
from synthbench.reader.analysis import POOLED, analyse_answers, read_answers
from synthbench.reader.app import create_app
from synthbench.reader.simulate import simulated_answers
from synthbench.reader.store import EXPORT_COLUMNS, AnswerError, AnswerStore
from synthbench.reader.study import KEY_COLUMNS, REAL, SYNTHETIC, Study, item_tokens, png_bytes, write_study

REFERENCE = np.load(REPO / "tests/data/reader_reference.npz")
# What the answer key says of an item, beyond real / synthetic: no page may contain any of it.
KEY_WORDS = re.compile(r"\b(cpd|prog|Edema|key\.csv|truth|image_id|source)\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`python -m synthbench <arguments>` (a `reader serve` command) in a subprocess, up once it answers HTTP."""

    def __init__(self, arguments: list[str], port: int, cwd=None):
        self.arguments, self.cwd = [sys.executable, "-m", "synthbench", *arguments], cwd
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.arguments, env=job_environment(), stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, cwd=self.cwd)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)
                return
            except OSError:
                assert self.process.poll() is None, self.process.stdout.read()
                time.sleep(0.2)
        raise AssertionError("the reader server did not start in 60 s")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def make_study(folder, values=(16, 32), sources=("cpd", "prog"), per_source=5, seed=3):
    """A study folder and its key, of random images: per value and source, `per_source` real and as many
    synthetic items (the layout `synthbench reader build` writes)."""
    rng = np.random.default_rng(seed)
    rows = [(value, source, truth) for value in values for source in sources for _ in range(per_source)
            for truth in (REAL, SYNTHETIC)]
    tokens = item_tokens(len(rows), seed)
    images = {token: rng.integers(0, 256, (value, value), dtype=np.uint8)
              for token, (value, _, _) in zip(tokens, rows, strict=True)}
    write_study(folder / "study", "chest samples", seed, images)
    key = pd.DataFrame([{"item": token, "truth": truth, "source": source, "value": value, "image_id": index,
                         "labels": "Edema"}
                        for index, (token, (value, source, truth)) in enumerate(zip(tokens, rows, strict=True))])
    key[KEY_COLUMNS].to_csv(folder / "key.csv", index=False)
    return Study(folder / "study"), key


def test_study_images_name_nothing_and_weigh_the_same_at_one_side(tmp_path):
    study, key = make_study(tmp_path)
    assert study.items == sorted(study.items) and len(set(study.items)) == len(key) == 40
    sizes = {value: {study.image_path(item).stat().st_size for item in key.loc[key["value"] == value, "item"]}
             for value in (16, 32)}
    assert all(len(found) == 1 for found in sizes.values()), "a PNG's size tells its side, not its source"
    flat, noisy = np.zeros((16, 16), np.uint8), np.random.default_rng(0).integers(0, 256, (16, 16), dtype=np.uint8)
    assert len(png_bytes(flat)) == len(png_bytes(noisy))
    content = (tmp_path / "study/study.json").read_text()
    assert not any(word in content for word in ("cpd", "prog", REAL, SYNTHETIC, "Edema"))
    orders = [study.order_for(reader) for reader in ("ann", "bob")]
    assert sorted(orders[0]) == study.items and orders[0] != orders[1] and study.order_for("ann") == orders[0]


def test_fleiss_kappa_wilson_and_binomial_match_statsmodels():
    for index, kappa in enumerate(REFERENCE["kappas"]):
        assert statistics.fleiss_kappa(REFERENCE[f"table_{index}"]) == pytest.approx(kappa, abs=1e-12)
    for (successes, trials), (low, high), p_value in zip(REFERENCE["counts"], REFERENCE["wilson"],
                                                         REFERENCE["binomial"], strict=True):
        estimate = statistics.proportion(successes, trials)
        assert (estimate.ci_low, estimate.ci_high) == pytest.approx((low, high), abs=1e-10)
        assert estimate.p_value == pytest.approx(p_value, rel=1e-9)
    assert statistics.fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same number"):
        statistics.fleiss_kappa([[2, 0], [1, 2]])


def test_permutation_test_holds_its_level_and_finds_skill():
    """Under the null (answers independent of truth) the permutation p-value is uniform: it falls below 0.05 about
    5 % of the time, even for readers biased towards one answer; readers at 0.75 accuracy are found."""
    rng = np.random.default_rng(1)
    synthetic = np.repeat([True, False], 20)
    answered = np.ones((3, 40), bool)
    null_p = []
    for _ in range(400):
        said = rng.random((3, 40)) < np.array([[0.5], [0.8], [0.3]])  # one fair, two biased readers
        null_p.append(statistics.permutation_p(said, answered, synthetic, rng, 500))
    assert 0.025 <= np.mean(np.array(null_p) < 0.05) <= 0.085
    skilled = np.where(rng.random((3, 40)) < 0.75, synthetic, ~synthetic)
    assert statistics.permutation_p(skilled, answered, synthetic, rng, 2000) < 0.01


def test_pooled_interval_covers_the_true_accuracy_when_readers_and_images_vary():
    """Readers differ in skill and images in difficulty; the two-way bootstrap interval of pooled accuracy covers
    the population accuracy in about 95 % of studies (the pigeonhole bootstrap is slightly conservative)."""
    rng = np.random.default_rng(2)
    covered = []
    for _ in range(200):
        skill = rng.normal(0.7, 0.05, (5, 1))
        difficulty = rng.normal(0, 0.1, (1, 60))
        hits = rng.random((5, 60)) < np.clip(skill + difficulty, 0, 1)
        estimate = statistics.pooled_share(hits, np.ones_like(hits), rng, 400)
        covered.append(estimate.ci_low <= 0.7 <= estimate.ci_high)
    assert 0.9 <= np.mean(covered) <= 1.0


def test_rating_auc_is_the_weighted_roc_auc_of_the_answers_given():
    """Against scikit-learn's roc_auc_score on the answers given (missing answers left out), also with the
    bootstrap's kind of weights; one reader's interval resamples images only."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(4)
    synthetic = np.repeat([True, False], 30)
    ratings = rng.choice([-3, -2, -1, 1, 2, 3], size=(4, 60)) + 2 * synthetic  # some skill
    answered = rng.random((4, 60)) < 0.9
    truth = np.broadcast_to(synthetic, ratings.shape)
    estimate = statistics.rating_auc(ratings, answered, synthetic, rng, 300)
    assert estimate.estimate == pytest.approx(roc_auc_score(truth[answered], ratings[answered]), abs=1e-12)
    assert estimate.ci_low < estimate.estimate < estimate.ci_high and estimate.n == answered.sum()
    weights = rng.integers(0, 3, ratings.shape) * answered
    histograms = [((ratings[..., None] == levels) * weights[..., None] * mask[..., None]).sum(axis=(0, 1))
                  for levels in [np.unique(ratings)] for mask in (truth, ~truth)]
    assert statistics._auc_of_histograms(*histograms) == pytest.approx(
        roc_auc_score(truth.ravel(), ratings.ravel(), sample_weight=weights.ravel()), abs=1e-12)
    one = statistics.rating_auc(ratings[:1], answered[:1], synthetic, rng, 300)
    assert one.estimate == pytest.approx(roc_auc_score(synthetic[answered[0]], ratings[0][answered[0]]))


def test_store_keeps_order_refuses_bad_answers_and_survives_reopening(tmp_path):
    study, _ = make_study(tmp_path)
    store = AnswerStore(tmp_path / "answers.sqlite", study)
    store.sign_in("ann")
    answered, due = store.due("ann")
    assert (answered, due) == (0, study.order_for("ann")[0])
    for item, answer, confidence, status in ((due, "maybe", 2, 400), (due, REAL, 4, 400), (due, REAL, True, 400),
                                             ("../key.csv", REAL, 2, 404), (study.order_for("ann")[1], REAL, 2, 409)):
        with pytest.raises(AnswerError) as refused:
            store.record("ann", item, answer, confidence)
        assert refused.value.status == status
    store.record("ann", due, SYNTHETIC, 3)
    with pytest.raises(AnswerError):
        store.record("ann", due, REAL, 1)  # answered already: not the due item any more
    reopened = AnswerStore(tmp_path / "answers.sqlite", study)
    assert reopened.due("ann") == (1, study.order_for("ann")[1]) and reopened.answered("ann") == 1
    assert reopened.secret("session_key") == store.secret("session_key")
    with sqlite3.connect(tmp_path / "answers.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other, _ = make_study(tmp_path / "other", seed=4)
    with pytest.raises(ValueError, match="another study"):
        AnswerStore(tmp_path / "answers.sqlite", other)


def test_app_serves_only_signed_in_readers_and_never_the_key(tmp_path):
    study, key = make_study(tmp_path)
    store = AnswerStore(tmp_path / "answers.sqlite", study)
    client = create_app(study, store, readers={"tok-ann"}).test_client()
    assert client.get("/api/next").status_code == 401
    assert client.get(f"/image/{study.items[0]}").status_code == 401
    assert client.post("/sign-in", data={"reader": "stranger"}).status_code == 400
    assert client.post("/sign-in", data={"reader": "tok-ann"}).status_code == 302
    bodies = []
    state = client.get("/api/next").get_json()
    assert state == {"item": study.order_for("tok-ann")[0], "answered": 0, "total": 40, "done": False}
    image = client.get(f"/image/{state['item']}")
    assert image.mimetype == "image/png" and "Last-Modified" not in image.headers and "ETag" not in image.headers
    assert image.data == study.image_path(state["item"]).read_bytes()
    assert client.get("/image/..%2Fkey.csv").status_code == 404
    bad = client.post("/api/answer", json={"item": state["item"], "answer": "real", "confidence": 9})
    assert bad.status_code == 400 and bad.get_json()["item"] == state["item"]
    while not state["done"]:
        response = client.post("/api/answer", json={"item": state["item"], "answer": REAL, "confidence": 2})
        bodies.append(response.get_data(as_text=True))
        state = response.get_json()
    assert state["answered"] == 40 and store.answered("tok-ann") == 40
    pages = [client.get(path).get_data(as_text=True) for path in ("/", "/read", "/static/reader.js")]
    for text in bodies + pages:
        assert not KEY_WORDS.search(text), KEY_WORDS.search(text)
    organiser_key = store.secret("organiser_key")
    assert client.get("/organiser").status_code == 403
    assert "tok-ann" in client.get(f"/organiser?key={organiser_key}").get_data(as_text=True)
    export = client.get(f"/organiser/answers.csv?key={organiser_key}").get_data(as_text=True).splitlines()
    assert export[0] == ",".join(EXPORT_COLUMNS) and len(export) == 41


def test_analysis_recovers_simulated_readers_accuracy(tmp_path):
    """Simulated readers at 0.75 on 40 + 40 images per block: pooled intervals cover 0.75 and exclude chance, and
    the table has every measure the study reports; readers at chance score 0.5 and agree at chance (kappa 0). The
    permutation test's level under the null is tested on its own above."""
    study, key = make_study(tmp_path, per_source=40)
    answers = simulated_answers(study, key, readers=5, accuracy=0.75, seed=0)
    answers.to_csv(tmp_path / "answers.csv", index=False)
    table = analyse_answers(*read_answers(tmp_path / "answers.csv", tmp_path / "key.csv"), 0, 2000, 500)
    pooled = table[(table["reader"] == POOLED) & (table["measure"] == "accuracy")]
    assert len(pooled) == 4 and (pooled["ci_low"] <= 0.75).all() and (pooled["ci_high"] >= 0.75).all()
    assert (pooled["p_holm"] < 0.01).all() and (pooled["ci_low"] > 0.5).all()
    readers = table[(table["reader"] != POOLED) & (table["measure"] == "accuracy")]
    assert len(readers) == 20 and ((readers["ci_low"] <= 0.75) & (readers["ci_high"] >= 0.75)).mean() >= 0.85
    assert set(table["measure"]) == {"accuracy", "sensitivity", "specificity", "rating_auc", "fleiss_kappa"}
    # ratings +-confidence (1-3 at random), the sign right 3 times in 4: the AUC those readers have, by enumeration
    levels = [(sign * confidence, weight / 3) for confidence in (1, 2, 3) for sign, weight in ((1, 0.75), (-1, 0.25))]
    truth_auc = sum(p * q * (1.0 if a > -b else 0.5 if a == -b else 0.0) for a, p in levels for b, q in levels)
    auc = table[(table["reader"] == POOLED) & (table["measure"] == "rating_auc")]
    assert ((auc["ci_low"] <= truth_auc) & (auc["ci_high"] >= truth_auc)).all(), (truth_auc, auc)
    kappa = table[table["measure"] == "fleiss_kappa"]["estimate"]
    # independent readers right 3 times in 4 agree on 0.75² + 0.25² of images, chance agreement 0.5: kappa 0.25
    assert kappa.to_numpy() == pytest.approx(0.25, abs=0.12)
    chance = simulated_answers(study, key, readers=5, accuracy=0.5, seed=1)
    chance_table = analyse_answers(chance.merge(key, on="item"), key, 0, 2000, 500)
    chance_pooled = chance_table[(chance_table["reader"] == POOLED) & (chance_table["measure"] == "accuracy")]
    assert chance_pooled["estimate"].mean() == pytest.approx(0.5, abs=0.04)
    chance_kappa = chance_table[chance_table["measure"] == "fleiss_kappa"]["estimate"]
    assert chance_kappa.to_numpy() == pytest.approx(0, abs=0.12)


def test_analysis_refuses_answers_of_another_study(tmp_path):
    study, key = make_study(tmp_path)
    answers = simulated_answers(study, key, readers=1, accuracy=0.5, seed=0)
    answers.loc[0, "item"] = "0123456789abcdef"
    answers.to_csv(tmp_path / "answers.csv", index=False)
    with pytest.raises(ValueError, match="answers.csv: 1 answered items are not in"):
        read_answers(tmp_path / "answers.csv", tmp_path / "key.csv")


def readme_reader_commands() -> dict[str, str]:
    """The README's `synthbench reader ...` commands, by subcommand."""
    text = (REPO / "README.md").read_text()
    lines = [line for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S) for line in block.splitlines()
             if line.startswith("synthbench reader ")]
    return {line.split()[2]: line for line in lines}


def test_readme_reader_commands_run_as_written(tmp_path):
    """serve, export and simulate as the README shows them, from a folder with a study where the README's build
    command puts it (serve on a free port instead of 8000, which may be taken)."""
    commands = readme_reader_commands()
    assert set(commands) == {"serve", "export", "simulate"}
    make_study(tmp_path / "results/chest/resolution/reader_study")
    port = free_port()
    serve = [str(port) if word == "8000" else word for word in shlex.split(commands["serve"])[1:]]
    server = Server(serve, port, cwd=tmp_path)
    server.start()
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        opener.open(server.url + "/sign-in", data=b"reader=ann")
        due = json.load(opener.open(server.url + "/api/next"))["item"]
        answer = urllib.request.Request(server.url + "/api/answer", method="POST",
                                        data=json.dumps({"item": due, "answer": "real", "confidence": 2}).encode(),
                                        headers={"Content-Type": "application/json"})
        assert json.load(opener.open(answer))["answered"] == 1
    finally:
        server.kill()
    for name in ("export", "simulate"):
        subprocess.run([sys.executable, "-m", *shlex.split(commands[name])], cwd=tmp_path, env=job_environment(),
                       check=True, capture_output=True)
        exported = pd.read_csv(tmp_path / "reader_answers/chest_resolution.csv", dtype={"item": str})
        if name == "export":
            assert exported[["reader", "item", "answer"]].values.tolist() == [["ann", due, "real"]]
    assert len(exported) == 4 * 40 and set(exported["reader"]) == {f"simulated-{n}" for n in range(1, 5)}
