"""The reader app as a reader uses it: headless Chromium (Playwright, Debian's `chromium`) against the real server
(`synthbench reader serve` in a subprocess). Sign in, answer 20 images with the keyboard, reload mid-way and
resume, have the server killed and restarted mid-study, finish and export; every response the browser received
is searched for the answer key."""

import csv
import os
import shutil
import sqlite3

import numpy as np
import pytest

from test_reader import KEY_WORDS, Server, free_port, make_study

CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(f"no {CHROMIUM} (apt-get install chromium; CI installs it)", allow_module_level=True)


def answered_rows(database) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT item, answer, confidence FROM answers WHERE reader = 'ann' "
                                  "ORDER BY position").fetchall()


def test_a_reader_answers_by_keyboard_resumes_after_reload_and_a_killed_server_and_exports(tmp_path):
    study, key = make_study(tmp_path, values=(16,), sources=("cpd", "prog"), per_source=5)
    assert len(study.items) == 20
    database = tmp_path / "answers.sqlite"
    port = free_port()
    server = Server(["reader", "serve", str(tmp_path / "study"), "--db", str(database), "--port", str(port)], port)
    server.start()
    received = []  # (url, headers, body) of every response the browser got

    def capture(route):
        response = route.fetch()
        received.append((route.request.url, response.headers, response.body()))
        route.fulfill(response=response)

    rng = np.random.default_rng(0)
    clicked = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(accept_downloads=True)
        context.route("**/*", capture)
        page = context.new_page()
        page.goto(server.url + "/")
        page.fill("#reader", "ann")
        page.press("#reader", "Enter")

        def due_item(answered: int) -> str:
            page.wait_for_function(
                "n => document.getElementById('count').textContent.startsWith(n + ' of 20') && "
                "document.getElementById('image').complete && document.getElementById('image').naturalWidth > 0",
                arg=answered)
            return page.get_attribute("#image", "src").rsplit("/", 1)[1]

        for position in range(20):
            item = due_item(position)
            assert item == study.order_for("ann")[position]
            answer, confidence = rng.choice(["real", "synthetic"]), int(rng.integers(1, 4))
            page.keyboard.press(answer[0])
            page.keyboard.press(str(confidence))
            clicked.append((item, str(answer), confidence))
            if position == 6:
                due_item(7)
                page.reload()  # resumes at the eighth image
            if position == 11:
                due_item(12)
                server.kill()
                assert answered_rows(database) == clicked, "every answer shown as saved survives the kill"
                server.start()
                page.reload()
        page.wait_for_selector("#done", state="visible")
        assert page.inner_text("#count") == "20 of 20 answered"

        with sqlite3.connect(database) as connection:
            organiser_key = connection.execute("SELECT value FROM meta WHERE name = 'organiser_key'").fetchone()[0]
        page.goto(f"{server.url}/organiser?key={organiser_key}")
        assert "ann" in page.inner_text("table")
        with page.expect_download() as download:
            page.click("text=Export every answer")
        exported = tmp_path / "answers.csv"
        shutil.copy(download.value.path(), exported)
        browser.close()
    server.kill()

    assert answered_rows(database) == clicked, "SQLite holds exactly what was clicked"
    with open(exported, newline="") as handle:
        rows = [(row["item"], row["answer"], int(row["confidence"])) for row in csv.DictReader(handle)]
    assert rows == clicked
    images = [(headers, body) for url, headers, body in received if "/image/" in url]
    assert len({item for item, _, _ in clicked}) == 20 and len(images) >= 20
    assert len({len(body) for _, body in images}) == 1, "every image of one side weighs the same"
    assert not any(name in headers for headers, _ in images for name in ("last-modified", "etag"))
    for url, _, body in received:
        if not url.split("?")[0].endswith("/organiser/answers.csv"):
            text = body.decode("utf-8", "replace")
            assert not KEY_WORDS.search(text), (url, KEY_WORDS.search(text))
            truths = dict(zip(key["item"], key["truth"], strict=True))
            assert not any(f"{item}.png" in text or truths[item] + item in text for item in truths), url
