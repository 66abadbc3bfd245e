"""Property: whatever a label table holds (missing, extra or renamed columns, odd cells, other encodings, bytes,
nothing), the CSV readers either stop with a DatasetError naming the file or return rows that all pass
validation, and every listed row is either used or recorded as skipped."""

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthbench.datasets.chexpert import PATIENT_IN_PATH, read_findings, usable_rows
from synthbench.datasets.errors import DatasetError
from synthbench.datasets.rsna import NO_FINDING, read_labels
from synthbench.raw_formats import CHEXPERT_COLUMNS, RSNA_CSV_COLUMNS, RSNA_SUBTYPES

# derandomize: the same examples in every CI run, so a red build always means the change under test
EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
LABELS = ["Edema", "Cardiomegaly", "No Finding"]
ODD_TEXT = st.text(max_size=12)


def mostly(usual, odd, odds: int = 5):
    """`usual` about `odds` times in `odds + 1`, else `odd`: most tables are nearly right, as real ones are, so
    the rows that get through are exercised as well as the refusals."""
    return st.sampled_from([True] * odds + [False]).flatmap(lambda usual_one: usual if usual_one else odd)


def chexpert_path(draw) -> str:
    patient = draw(st.integers(1, 4))
    return draw(mostly(st.sampled_from([
        *[f"CheXpert-v1.0-small/train/patient{patient:05d}/study{study}/view1_frontal.jpg" for study in (1, 2, 3)],
        f"train/patient{patient:05d}/study2/view1_frontal.jpg",
        f"/elsewhere/patient{patient:05d}/study1/view1_frontal.jpg",
        f"CheXpert-v1.0-small/train/patient{patient:05d}/../../../../x/patient1/a.jpg",
        f"CheXpert-v1.0-small/train/patient00009/../patient{patient:05d}/study1/view1_frontal.jpg",
        "CheXpert-v1.0-small/train/nobody/study1/view1_frontal.jpg",
        "",
    ]), ODD_TEXT))


@st.composite
def chexpert_tables(draw) -> list[list[str]]:
    columns = list(CHEXPERT_COLUMNS)
    for _ in range(draw(st.sampled_from([0] * 8 + [1, 2]))):  # missing or renamed columns
        index = draw(st.integers(0, len(columns) - 1))
        if draw(st.booleans()):
            del columns[index]
        else:
            columns[index] = draw(ODD_TEXT)
    columns += draw(mostly(st.just([]), st.lists(ODD_TEXT, max_size=2)))  # extra columns
    columns = draw(st.permutations(columns))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        cells = []
        for column in columns:
            if column == "Path":
                cells.append(chexpert_path(draw))
            elif column == "Frontal/Lateral":
                cells.append(draw(mostly(st.sampled_from(["Frontal", "Frontal", "Lateral"]),
                                         st.sampled_from(["", "frontal"]) | ODD_TEXT)))
            else:
                cells.append(draw(mostly(st.sampled_from(["1.0", "0.0", "-1.0", "", "", "1", "-1"]),
                                         st.sampled_from(["nan", "2.0", "yes"]) | ODD_TEXT, odds=30)))
        rows.append(cells)
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))  # a repeated row
    return [columns, *rows]


def encoded(draw_table, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(draw_table)
    return text.getvalue().encode(encoding, errors="replace")


FILE_CONTENTS = mostly(
    st.tuples(chexpert_tables(), st.sampled_from(["utf-8"] * 6 + ["latin-1", "utf-16"])).map(
        lambda drawn: encoded(*drawn)),
    st.binary(max_size=200) | st.just(b""),
)


def written(content: bytes, folder: str, name: str) -> Path:
    path = Path(folder) / name
    path.write_bytes(content)
    return path


@EXAMPLES
@given(content=FILE_CONTENTS, uncertain_as=st.sampled_from([0, 1]))
def test_chexpert_table_is_refused_by_name_or_read_into_valid_rows(content, uncertain_as):
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "CheXpert-v1.0-small"
        raw.mkdir()
        csv_path = written(content, raw, "train.csv")
        try:
            rows, values = read_findings(csv_path, LABELS, uncertain_as)
            candidates, skipped = usable_rows(raw, csv_path, rows, values)
        except DatasetError as error:
            assert str(error).startswith(str(csv_path))
            return
        assert list(values.columns) == LABELS and values.isin([0, 1]).all().all()
        assert values.to_numpy().any(axis=1).all(), "every kept row has a positive label"
        assert len(candidates) + len(skipped) == len(rows), "every row is used or recorded as skipped"
        paths = [path for _, path, _ in candidates]
        assert len(set(paths)) == len(paths)
        for _, path, patient in candidates:
            assert not path.startswith(("/", "../")) and "/../" not in path
            assert (raw / path).resolve().is_relative_to(raw.resolve())
            assert PATIENT_IN_PATH.search("/" + path).group(1) == patient


@st.composite
def rsna_tables(draw) -> list[list[str]]:
    columns = draw(mostly(st.just(list(RSNA_CSV_COLUMNS)),
                          st.sampled_from([["ID"], ["Image", "Label"], ["ID", "Label", "x"]])))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        sop = draw(mostly(st.sampled_from(["ID_63eb1e259", "ID_2669954a7", "ID_0a1b2c3d4", "ID_../../x"]),
                          ODD_TEXT))
        subtypes = draw(mostly(st.just(list(RSNA_SUBTYPES)), st.permutations(RSNA_SUBTYPES)))
        for subtype in subtypes:
            label = draw(mostly(st.sampled_from(["0", "1"]), st.sampled_from(["", "2", "0.5"]) | ODD_TEXT, odds=40))
            rows.append([f"{sop}_{subtype}", label, "x"][:len(columns)])
    if rows and draw(mostly(st.just(False), st.just(True))):
        del rows[draw(st.integers(0, len(rows) - 1))]
    return [columns, *rows]


@EXAMPLES
@given(content=mostly(rsna_tables().map(lambda table: encoded(table, "utf-8")), st.binary(max_size=200)))
def test_rsna_table_is_refused_by_name_or_read_into_valid_rows(content):
    with tempfile.TemporaryDirectory() as folder:
        csv_path = written(content, folder, "stage_2_train.csv")
        try:
            labels, repeats = read_labels(csv_path)
        except DatasetError as error:
            assert str(error).startswith(str(csv_path))
            return
        assert list(labels.columns) == [*RSNA_SUBTYPES[:-1], NO_FINDING]
        assert labels.isin([0, 1]).all().all() and labels.index.is_unique
        rows = list(csv.reader(io.StringIO(content.decode())))[1:]
        assert len(labels) + len(repeats) == len(rows) // len(RSNA_SUBTYPES), "every image used or recorded"
        first_any = {}
        for image_id, label in rows:
            if image_id.endswith("_any"):
                first_any.setdefault(image_id.removesuffix("_any"), int(label))
        assert labels[NO_FINDING].to_dict() == {sop: 1 - value for sop, value in first_any.items()}
