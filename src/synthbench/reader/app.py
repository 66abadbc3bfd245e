"""The reader study's web app (Flask): readers sign in, answer one image at a time, and resume where they left.

What the browser may see is limited by construction: the app is given the served study folder (item tokens and
images) and never the answer key, and it serves an image only by its token to a signed-in reader, from memory,
without the file's name, date or any caching validator. The reading page asks `/api/next` for the reader's due
item and posts each answer to `/api/answer`, which the store checks and saves before answering with the next.
The organiser's pages (progress per reader, CSV export) need the organiser key the server prints at start.
"""

import io
import secrets
from pathlib import Path

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, session, url_for

from synthbench.reader.store import CONFIDENCES, AnswerError, AnswerStore
from synthbench.reader.study import Study

MAX_NAME = 64
NO_STORE = {"Cache-Control": "no-store"}


def create_app(study: Study, store: AnswerStore, readers: set[str] | None = None) -> Flask:
    """The app of one study. `readers`: the names or tokens allowed to sign in (None lets any name in)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=store.secret("session_key"), SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=4096)
    organiser_key = store.secret("organiser_key")

    @app.after_request
    def hardened(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self'; frame-ancestors 'none'"
        return response

    def reader_or_401() -> str:
        reader = session.get("reader")
        if reader is None:
            abort(401)
        return reader

    def state(reader: str) -> dict:
        answered, item = store.due(reader)
        return {"item": item, "answered": answered, "total": len(study.items), "done": item is None}

    @app.get("/")
    def sign_in_page():
        if session.get("reader"):
            return redirect(url_for("read"))
        return render_template("sign_in.html", title=study.title, tokens=readers is not None, error=None)

    @app.post("/sign-in")
    def sign_in():
        reader = request.form.get("reader", "").strip()
        error = None
        if not reader or len(reader) > MAX_NAME:
            error = f"Enter your name (at most {MAX_NAME} characters)."
        elif readers is not None and reader not in readers:
            error = "This token is not one of this study's readers."
        if error:
            return render_template("sign_in.html", title=study.title, tokens=readers is not None, error=error), 400
        store.sign_in(reader)
        session.clear()
        session["reader"] = reader
        session.permanent = True
        return redirect(url_for("read"))

    @app.post("/sign-out")
    def sign_out():
        session.clear()
        return redirect(url_for("sign_in_page"))

    @app.get("/read")
    def read():
        reader = session.get("reader")
        if reader is None:
            return redirect(url_for("sign_in_page"))
        return render_template("read.html", title=study.title, reader=reader)

    @app.get("/api/next")
    def next_item():
        return jsonify(state(reader_or_401()))

    @app.post("/api/answer")
    def answer():
        reader = reader_or_401()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="send the answer as a JSON object"), 400
        try:
            store.record(reader, body.get("item"), body.get("answer"), body.get("confidence"))
        except AnswerError as error:
            return jsonify(error=str(error), **state(reader)), error.status
        return jsonify(state(reader))

    @app.get("/image/<item>")
    def image(item: str):
        reader_or_401()
        if item not in study:
            abort(404)
        return Response(study.image_path(item).read_bytes(), mimetype="image/png",
                        headers={"Cache-Control": "private, max-age=86400"})

    def organiser_or_403() -> None:
        if not secrets.compare_digest(request.args.get("key", ""), organiser_key):
            abort(403)

    @app.get("/organiser")
    def organiser():
        organiser_or_403()
        return render_template("organiser.html", title=study.title, progress=store.progress(), key=organiser_key,
                               total=len(study.items))

    @app.get("/organiser/answers.csv")
    def export():
        organiser_or_403()
        text = io.StringIO()
        store.export(text)
        return Response(text.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=answers.csv"})

    app.jinja_env.globals["confidences"] = CONFIDENCES
    return app


def read_readers(path: Path | None) -> set[str] | None:
    """The allowed readers' names or tokens, one per line (blank lines and # comments skipped)."""
    if path is None:
        return None
    lines = [line.split("#", 1)[0].strip() for line in Path(path).read_text().splitlines()]
    names = {line for line in lines if line}
    if not names:
        raise ValueError(f"{path}: lists no reader")
    return names
