"""The visual Turing test's core: a set made from the demo run by the CLI, its blinding tried
from everything but the pixels, answers that survive a SIGKILL, a package read by a second
reader and imported, a transcribed CSV, the key, the report and the refusals."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.errors import InputError
from mammogan_core.review.answers import import_answers
from mammogan_core.review.layout import KEY_JSON, PACKAGE, set_dir
from mammogan_core.review.package import (
    FIXED_MTIME,
    ReviewPackage,
    export_package,
    open_package,
    png_bytes,
)
from mammogan_core.review.reading import (
    Answer,
    ReaderInfo,
    ReadingSession,
    answers_file_bytes,
    read_answers_file,
    reading_order,
)
from mammogan_core.review.report import review_report
from mammogan_core.review.sets import list_review_sets
from mammogan_core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str, capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, dict]:
    code = run_cli(list(argv)).exit_code
    out = capsys.readouterr().out if capsys else ""
    return code, json.loads(out.splitlines()[-1]) if out.strip() else {}


@pytest.fixture(scope="module")
def template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo workspace with one review set (2 real, 2 synthetic, 1 repeat), made by the CLI (in this process: torch is loaded already)."""
    ws = Path(shutil.copytree(demo_template, tmp_path_factory.mktemp("review") / "ws"))
    argv = ["review", "create", "--workspace", str(ws), "--real", "2", "--synthetic", "2"]
    outcome = run_cli([*argv, "--repeat", "1", "--seed", "3", "--quiet"])
    assert outcome.exit_code == 0
    with Workspace.open(ws) as w:
        (made,) = list_review_sets(w)
    return ws, made.set


@pytest.fixture
def study(template: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    """This test's own copy of the workspace and the set's id."""
    return Path(shutil.copytree(template[0], tmp_path / "ws")), template[1]


def key_of(ws: Path, set_id: str) -> dict[str, dict[str, str]]:
    with Workspace.open(ws) as w:
        return json.loads((set_dir(w, set_id) / KEY_JSON).read_text())["images"]


def package_of(ws: Path, set_id: str) -> Path:
    return ws / "reviews" / set_id / PACKAGE


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG."""
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        out.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + length]))
        at += 12 + length
    return out


def read_all(package: ReviewPackage, name: str, call_of) -> ReadingSession:
    session = ReadingSession.open(package, ReaderInfo(name, "radiologist", 10))
    while (image_id := session.current()) is not None:
        session.answer(image_id, *call_of(image_id), seconds=2.0)
    return session


# ------------------------------------------------------------------------------- blinding
def test_nothing_but_the_pixels_tells_real_from_synthetic(study):
    ws, set_id = study
    key = key_of(ws, set_id)
    folder = package_of(ws, set_id)
    truths = {t["truth"] for t in key.values()}
    assert truths == {"real", "synthetic"} and len(key) == 5

    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == ["images/" + f"{i}.png" for i in sorted(key)] + ["review.json"]

    def features(image_id: str) -> dict[str, object]:
        path = folder / "images" / f"{image_id}.png"
        data = path.read_bytes()
        kinds = [kind for kind, _ in chunks(data)]
        ihdr = chunks(data)[0][1]
        pixels = open_package(folder).image(image_id)
        return {
            "size": len(data),
            "chunks": tuple(kinds),
            "ihdr": ihdr,
            "dtype": pixels.dtype.str,
            "shape": pixels.shape,
            "mtime": path.stat().st_mtime,
            "name_length": len(image_id),
        }

    # a feature separates the classes when its values for real and synthetic images differ
    by_class = {t: [features(i) for i, e in key.items() if e["truth"] == t] for t in truths}
    for name in by_class["real"][0]:
        values = {t: {f[name] for f in fs} for t, fs in by_class.items()}
        assert values["real"] == values["synthetic"] and len(values["real"]) == 1, name
    assert by_class["real"][0]["chunks"] == (b"IHDR", b"IDAT", b"IEND")  # no text, no time
    assert by_class["real"][0]["mtime"] == FIXED_MTIME

    description = json.loads((folder / "review.json").read_text())
    assert set(description) == {
        "format", "version", "set_id", "title", "instructions", "order_seed", "bits",
        "display", "images",
    }  # fmt: skip
    assert [im["id"] for im in description["images"]] == sorted(key)  # id order: random
    everything = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    for entry in key.values():  # no source of any image is named anywhere in the package
        assert entry["source"].encode() not in everything
        assert entry["source"].split("/")[0].encode() not in everything
    assert b"patch:" not in everything and b"best.pt" not in everything
    assert b'"seed"' not in everything  # the set's seed could replay the choice


def test_ids_and_orders_are_random_whatever_the_seed(study, capsys):
    ws, set_id = study
    code, made = cli(
        "review", "create", "--workspace", str(ws), "--real", "2", "--synthetic", "2",
        "--repeat", "1", "--seed", "3", "--json", capsys=capsys,
    )  # fmt: skip
    assert code == 0 and made["set"] != set_id
    first, second = key_of(ws, set_id), key_of(ws, made["set"])
    assert not set(first) & set(second)
    # the same seed chose the same images: only the ids differ
    assert sorted(e["source"] for e in first.values()) == sorted(
        e["source"] for e in second.values()
    )
    a, b = open_package(package_of(ws, set_id)), open_package(package_of(ws, made["set"]))
    assert a.order_seed != b.order_seed
    many = ReviewPackage(Path("."), "s", "", "", tuple(f"{i:03d}" for i in range(60)), "seed", 8)
    orders = {reading_order(many, name) for name in ("A", "B", "C")}
    assert len(orders) == 3 and all(sorted(o) == list(many.image_ids) for o in orders)
    with Workspace.open(ws) as w:
        assert {s.set for s in list_review_sets(w)} == {set_id, made["set"]}


def test_uncompressed_pngs_of_a_shape_have_one_size_and_read_back_exactly():
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (128, 128), dtype=np.uint8)
    flat = np.full((128, 128), 128, np.uint8)
    assert len(png_bytes(noisy)) == len(png_bytes(flat))
    deep = rng.integers(0, 65536, (128, 128), dtype=np.uint16)
    assert len(png_bytes(deep)) == len(png_bytes(np.zeros_like(deep)))
    from mammogan_core.review.package import decode_png

    np.testing.assert_array_equal(decode_png(png_bytes(noisy), 8), noisy)
    np.testing.assert_array_equal(decode_png(png_bytes(deep), 16), deep)


# ------------------------------------------------------------------------------- reading
KILLED_READER = textwrap.dedent(
    """
    import sys
    from mammogan_core.review.package import open_package
    from mammogan_core.review.reading import ReaderInfo, ReadingSession

    session = ReadingSession.open(open_package(sys.argv[1]), ReaderInfo("Killed"))
    while (image_id := session.current()) is not None:
        session.answer(image_id, "synthetic", 4, 1.5)
        print(session.answered, flush=True)
        sys.stdin.readline()  # the test kills the process while it waits here
    """
)


def test_answers_survive_a_sigkill_mid_reading(study):
    ws, set_id = study
    folder = package_of(ws, set_id)
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_READER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as proc:
        try:
            assert proc.stdout.readline().strip() == "1"
            proc.stdin.write("\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "2"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    session = ReadingSession.open(open_package(folder), ReaderInfo("Killed"))
    assert session.answered == 2 and not session.done
    assert session.current() == session.order[2]  # resumes at the first unanswered image
    assert {a.call for a in session.answers.values()} == {"synthetic"}

    # a line torn by a kill during the write is dropped, and reading goes on after it
    with open(session.path, "ab") as fh:
        fh.write(b'{"kind": "answer", "ima')
    resumed = ReadingSession.open(open_package(folder), ReaderInfo("Killed"))
    assert resumed.answered == 2
    resumed.answer(resumed.current(), "real", 2, 3.0)
    assert read_answers_file(resumed.path).answers.keys() == resumed.answers.keys()


def test_undo_withdraws_the_last_answer_and_a_new_answer_replaces_an_old(study):
    ws, set_id = study
    package = open_package(package_of(ws, set_id))
    session = ReadingSession.open(package, ReaderInfo("U", "resident", 2))
    first, second = session.order[:2]
    session.answer(first, "real", 5, 1.0)
    session.answer(second, "synthetic", 2, 1.0)
    assert session.undo_last() == second and session.current() == second
    session.answer(first, "synthetic", 1, 4.0)  # changed their mind
    again = ReadingSession.open(package, ReaderInfo("U"))
    assert {i: (a.call, a.confidence) for i, a in again.answers.items()} == {
        first: ("synthetic", 1)
    }
    assert again.reader == ReaderInfo("U", "resident", 2)  # as entered when reading began
    assert again.order == session.order
    with pytest.raises(InputError, match="confidence must be 1 to 5"):
        again.answer(second, "real", 6, 1.0)
    with pytest.raises(InputError, match="real or synthetic"):
        again.answer(second, "maybe", 3, 1.0)
    with pytest.raises(InputError, match="no image"):
        again.answer("ffffffffff", "real", 3, 1.0)


# ------------------------------------------------------------------------------- packages
def test_a_package_round_trip_with_a_second_reader(study, tmp_path, capsys):
    ws, set_id = study
    key = key_of(ws, set_id)
    truth = lambda i: (key[i]["truth"], 5)  # noqa: E731
    read_all(open_package(package_of(ws, set_id)), "Organiser", truth)  # in the app, here

    code, exported = cli(
        "review", "export-package", "--workspace", str(ws), "--set", set_id,
        "--out", str(tmp_path / "for-b"), "--json", capsys=capsys,
    )  # fmt: skip
    assert code == 0
    elsewhere = Path(shutil.copytree(exported["package"], tmp_path / "elsewhere" / "pkg"))
    assert not (elsewhere / KEY_JSON).exists() and not list((elsewhere / "answers").iterdir())
    b = read_all(open_package(elsewhere), "Dr B", lambda i: ("real", 3))  # fooled by all
    code, imported = cli(
        "review", "import-answers", "--workspace", str(ws), str(b.path), "--json", capsys=capsys
    )
    assert code == 0 and (imported["set"], imported["new"], imported["reader"]) == (
        set_id,
        5,
        "Dr B",
    )

    code, report = cli(
        "review", "report", "--workspace", str(ws), "--set", set_id, "--json", capsys=capsys
    )
    assert code == 0
    readers = {r["reader"]: r for r in report["readers"]}
    assert set(readers) == {"Organiser", "Dr B"}
    assert readers["Organiser"]["accuracy"] == 1.0 and readers["Organiser"]["auc"] == 1.0
    assert readers["Dr B"]["sensitivity"] == 0.0 and readers["Dr B"]["specificity"] == 1.0
    assert readers["Organiser"]["repeat_agreement"] == 1.0
    assert report["pooled"]["n"] == 8 and report["pooled"]["accuracy"] == 0.75
    for name in ("accuracy", "sensitivity", "specificity", "auc", "p_value", "n"):
        assert name in report["pooled"] and all(name in r for r in report["readers"])
    # the pooled row is descriptive only: no test, no interval; each reader has exact ones
    assert report["pooled"]["reader"] == "pooled (descriptive only)"
    assert report["pooled"]["p_value"] is None and report["pooled"]["accuracy_ci"] is None
    low, high = readers["Organiser"]["accuracy_ci"]  # 4 of 4: Clopper-Pearson (0.398, 1)
    assert low == pytest.approx(0.3976, abs=1e-4) and high == 1.0
    # readers and images random: the first showings every reader answered (2 + 2 images)
    (m,) = report["mrmc"]["modalities"]
    assert (m["readers"], m["cases"], m["positives"]) == (2, 4, 2)
    assert m["reader_auc"] == {"Dr B": 0.5, "Organiser": 1.0} and m["auc"] == 0.75
    assert m["accuracy"]["estimate"] == 0.75 and m["equivalence"]["verdict"] == (
        "inconclusive: too few readers or images"
    )
    assert json.loads(Path(report["mrmc_json"]).read_text()) == report["mrmc"]
    code, again = cli("review", "mrmc", report["readings_csv"], "--json", capsys=capsys)
    assert code == 0 and again["modalities"][0]["ci"] == m["ci"]
    assert report["cohen_kappa"][0]["readers"] == ["Dr B", "Organiser"]
    assert report["fleiss_kappa"] is not None and report["fleiss_n"] == 4
    synthetic = {i for i, e in key.items() if e["truth"] == "synthetic" and not e["repeat_of"]}
    # each synthetic image fooled one reader of two: not most
    assert report["fooled"] == []
    with open(report["csv"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["reader"] for r in rows] == ["Dr B", "Organiser", "pooled (descriptive only)"]
    assert rows[1]["accuracy_low"] and not rows[2]["accuracy_low"]
    assert Path(report["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(report["answers_csv"], newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 10
    assert synthetic  # the set has synthetic images to be fooled by

    # a third reader fooled too: now most readers called the synthetic images real
    c = read_all(open_package(elsewhere), "Dr C", lambda i: ("real", 4))
    with Workspace.open(ws) as w:
        import_answers(w, c.path)
        assert {f["image_id"] for f in review_report(w, set_id).fooled} == synthetic


def test_refusals_name_the_file_and_the_reason(study, tmp_path):
    ws, set_id = study
    folder = package_of(ws, set_id)
    copy = Path(shutil.copytree(folder, tmp_path / "pkg"))
    reader = read_all(open_package(copy), "Dr D", lambda i: ("real", 1))
    with Workspace.open(ws) as w:
        import_answers(w, reader.path)
        with pytest.raises(InputError, match="already imported") as dup:
            import_answers(w, reader.path)
        assert str(reader.path) in str(dup.value)

        edited = tmp_path / "edited.jsonl"
        edited.write_text(
            reader.path.read_text().replace('"call": "real"', '"call": "synthetic"', 1)
        )
        with pytest.raises(InputError, match="line 2 of the answers file was edited"):
            import_answers(w, edited)

        other = tmp_path / "other.jsonl"
        answer = Answer(open_package(folder).image_ids[0], "real", 3, 1.0)
        other.write_bytes(answers_file_bytes("0123abcd", ReaderInfo("E"), [answer], "app"))
        with pytest.raises(InputError, match="set 0123abcd, which this workspace does not hold"):
            import_answers(w, other)
        stranger = tmp_path / "stranger.jsonl"
        stranger.write_bytes(
            answers_file_bytes(
                set_id, ReaderInfo("F"), [Answer("ffffffffff", "real", 3, 1.0)], "app"
            )
        )
        with pytest.raises(InputError, match="does not hold"):
            import_answers(w, stranger)
        with pytest.raises(InputError, match="already reads set"):
            own = read_all(open_package(folder), "Dr G", lambda i: ("real", 1))
            import_answers(w, Path(shutil.copy(own.path, tmp_path / "g.jsonl")))

    image = copy / "images" / f"{open_package(copy).image_ids[-1]}.png"
    data = bytearray(image.read_bytes())
    data[-40] ^= 1  # one pixel changed; same size, same mtime
    image.write_bytes(bytes(data))
    with pytest.raises(InputError, match="altered") as altered:
        open_package(copy)
    assert str(image) in str(altered.value)
    with pytest.raises(InputError, match="not a review package"):
        open_package(tmp_path)
    with Workspace.open(ws) as w:
        with pytest.raises(InputError, match="must be new or empty"):
            export_package(w, set_id, copy)
        with pytest.raises(InputError, match=f"no review set 'nope'.*{set_id}"):
            export_package(w, "nope", tmp_path / "x")


def test_a_transcribed_csv_imports_as_transcribed(study, tmp_path, capsys):
    ws, set_id = study
    ids = sorted(key_of(ws, set_id))
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        "image_id,call,confidence,seconds\n"
        + "".join(
            f"{i},{('Real', 'synthetic', 'S', 'r')[n % 4]},{n % 5 + 1},\n"
            for n, i in enumerate(ids)
        )
    )
    code, _ = cli("review", "import-answers", "--workspace", str(ws), str(sheet))
    assert code == 2 and "--reader NAME" in capsys.readouterr().err
    code, done = cli(
        "review", "import-answers", "--workspace", str(ws), str(sheet), "--reader", "Dr Paper",
        "--years", "25", "--json", capsys=capsys,
    )  # fmt: skip
    assert code == 0 and (done["source"], done["answers"], done["set"]) == (
        "transcribed",
        5,
        set_id,
    )
    stored = read_answers_file(Path(done["stored"]))
    assert stored.source == "transcribed" and stored.reader == ReaderInfo("Dr Paper", "", 25.0)
    assert all(a.seconds is None for a in stored.history)
    # the reader's own keys (R / S) as well as the words, in any case
    assert [stored.answers[i].call for i in ids[:4]] == ["real", "synthetic", "synthetic", "real"]

    bad = tmp_path / "bad.csv"
    bad.write_text(f"image_id,call,confidence\n{ids[0]},real,3\n{ids[1]},real,7\n")
    code, _ = cli("review", "import-answers", "--workspace", str(ws), str(bad), "--reader", "X")
    err = capsys.readouterr().err
    assert code == 2 and str(bad) in err and "line 3" in err and "confidence must be 1 to 5" in err
    bad.write_text(f"image_id,call,confidence\n{ids[0]},real,3\n{ids[0]},synthetic,3\n")
    code, _ = cli("review", "import-answers", "--workspace", str(ws), str(bad), "--reader", "X")
    assert code == 2 and "line 3: image" in capsys.readouterr().err
    bad.write_text("id,answer\n")
    code, _ = cli("review", "import-answers", "--workspace", str(ws), str(bad), "--reader", "X")
    assert (
        code == 2 and "the first line must be image_id,call,confidence" in capsys.readouterr().err
    )


def test_the_key_csv_is_the_truth_of_every_image(study, tmp_path, capsys):
    ws, set_id = study
    out = tmp_path / "key.csv"
    code, _ = cli("review", "key", "--workspace", str(ws), "--set", set_id, "--out", str(out))
    assert code == 0
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    key = key_of(ws, set_id)
    assert list(rows[0]) == ["image_id", "truth", "source"]
    assert {r["image_id"]: r["truth"] for r in rows} == {i: e["truth"] for i, e in key.items()}
    repeat = next(i for i, e in key.items() if e["repeat_of"])
    assert next(r for r in rows if r["image_id"] == repeat)["source"].startswith(
        f"repeat of {key[repeat]['repeat_of']}"
    )
    imrmc = tmp_path / "set.imrmc"
    argv = ["review", "key", "--workspace", str(ws), "--set", set_id, "--out", str(imrmc)]
    code, _ = cli(*argv, "--format", "imrmc")
    assert code == 2 and "needs two real and two synthetic images" in capsys.readouterr().err
    package = open_package(package_of(ws, set_id))
    read_all(package, "A", lambda i: (key[i]["truth"], 4))
    read_all(package, "B", lambda i: ("synthetic", 2))
    code, done = cli(*argv, "--format", "imrmc", "--json", capsys=capsys)
    assert code == 0 and done["imrmc"] == str(imrmc)
    lines = imrmc.read_text().splitlines()
    at = lines.index("BEGIN DATA:")
    assert {"NR: 2", "N0: 2", "N1: 2", "NM: 1"} <= set(lines[:at])
    rows = [line.split(",") for line in lines[at + 1 :]]
    truth = {r[1]: r[3] for r in rows if r[0] == "-1"}
    assert len(rows) == 4 + 2 * 4 and sorted(truth.values()) == ["0", "0", "1", "1"]
    named = dict(line.split(" = ") for line in lines[:at] if line.startswith("case "))
    for case, value in truth.items():  # the truth rows follow the key
        assert key[named[f"case {case}"]]["truth"] == ("synthetic" if value == "1" else "real")
    code, _ = cli("review", "create", "--workspace", str(ws), "--real", "9", "--synthetic", "2")
    assert code == 2 and "9 real lesions wanted but the workspace has 2" in capsys.readouterr().err


def test_the_mrmc_analysis_keeps_finished_readers_and_plans_from_the_set(study, capsys):
    ws, set_id = study
    key = key_of(ws, set_id)
    package = open_package(package_of(ws, set_id))
    read_all(package, "A", lambda i: (key[i]["truth"], 4))
    read_all(package, "B", lambda i: ("real", 3))  # a guess: every image alike
    halfway = ReadingSession.open(package, ReaderInfo("C"))
    halfway.answer(halfway.current(), "real", 3, seconds=1.0)
    with Workspace.open(ws) as w:
        report = review_report(w, set_id)
    (m,) = report.mrmc.modalities
    assert report.mrmc.readers == ("A", "B") and m.cases == 4
    assert m.reader_auc == {"A": 1.0, "B": 0.5}
    assert any("readers not finished: C" in w for w in report.mrmc.warnings)
    argv = ["review", "plan", "--workspace", str(ws), "--pilot", set_id, "--readers", "3", "100"]
    code, plan = cli(*argv, "--images", "40", "400", "--json", capsys=capsys)
    assert code == 0 and plan["method"] == f"pilot set {set_id}"
    # readers as far apart as these (AUC 1 and 0.5) need very many of them
    assert plan["power"][0][0] < 0.05 and plan["power"][1][1] > 0.5
    code, _ = cli("review", "plan", "--workspace", str(ws), "--pilot", "nope")
    assert code == 2 and "no review set 'nope'" in capsys.readouterr().err
