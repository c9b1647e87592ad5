"""Fuzzed inputs through the real import and extraction: every file imports or gives a per-file
error with a reason; nothing crashes, hangs (a watchdog per file), leaves a half-written file in
the workspace or allocates for a header's claimed size."""

from __future__ import annotations

import importlib.util
import signal
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Finished, ItemError
from mammogan_core.extraction import ExtractParams, extract_patches, worker
from mammogan_core.importing import import_dataset, pipeline
from mammogan_core.importing.pipeline import plan_import
from mammogan_core.workspace import Workspace

WATCHDOG_S = 20  # a file that takes this long is a hang
PER_FILE_S = 5  # the bound asserted on every file's header scan and decode
PEAK_BYTES = 150 * 2**20  # traced Python + numpy allocations, import and extraction


def _corpus_module():
    """tests/ is not a package (pytest imports test files by path): load the generator so."""
    spec = importlib.util.spec_from_file_location(
        "fuzz_corpus", Path(__file__).with_name("corpus.py")
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Hang(BaseException):
    """Raised by the watchdog; a BaseException, so no `except Exception` in the code swallows it."""


def _watchdog(signum, frame):
    raise Hang()


def _timed(real, times: dict[str, float]):
    def call(path, *args, **kwargs):
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, WATCHDOG_S)
        try:
            return real(path, *args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            times[str(path)] = max(times.get(str(path), 0.0), time.perf_counter() - start)

    return call


# pydicom's words for header values it cannot decode with
HEADER_WORDS = (
    "Bits Allocated",
    "Bits Stored",
    "Photometric Interpretation",
    "Samples per Pixel",
    "Pixel Representation",
    "Number of Frames",
    "number of bytes of pixel data",
)


def _is_dicom(path: Path) -> bool:
    return "_dicom_" in path.name or not path.suffix  # the corpus's names (UID-named: DICOM)


def _reason_kind(reason: str) -> str:
    """A reason without its numbers and file-specific details, for the counts."""
    return reason.split(" (")[0].split(":")[0][:60]


@pytest.mark.slow
def test_fuzzed_files_import_or_fail_per_file(tmp_path: Path, monkeypatch) -> None:
    fuzz = _corpus_module()
    corpus = fuzz.write_corpus(tmp_path / "corpus", seed=0)
    assert corpus.files >= 1000
    header_s: dict[str, float] = {}
    decode_s: dict[str, float] = {}
    monkeypatch.setattr(pipeline, "read_header", _timed(pipeline.read_header, header_s))
    monkeypatch.setattr(worker, "read_image", _timed(worker.read_image, decode_s))
    old_handler = signal.signal(signal.SIGALRM, _watchdog)
    tracemalloc.start()
    refused: Counter = Counter()
    refused_paths: set[str] = set()
    try:
        with Workspace.create(tmp_path / "ws") as ws:
            imported = 0
            for folder in corpus.image_folders:
                events = list(import_dataset(ws, folder, "images", None, Control()))
                summary = events[-1].as_dict()
                errors = {e["path"]: e["reason"] for e in summary["errors"]}
                stored = {
                    str(ws.resolve(r[0]))
                    for r in ws.query(
                        "SELECT path FROM images WHERE source_id=?", (summary["source_id"],)
                    )
                }
                files = {str(p) for p in folder.iterdir()}
                assert stored | set(errors) == files and not stored & set(errors)
                assert all(reason for reason in errors.values())
                assert sum(isinstance(e, ItemError) for e in events) == len(errors)
                refused.update(_reason_kind(r) for r in errors.values())
                refused_paths |= set(errors)
                imported += len(stored)
                for path, reason in errors.items():
                    if "huge_dims" in path and "dicom" in path:
                        assert "more than any mammogram" in reason, (path, reason)
            tables = Counter()
            for fmt, annotations in corpus.annotations:
                try:
                    plan = plan_import(corpus.good_images, fmt, annotations)
                except InputError as exc:  # the per-file error of an annotation file
                    assert exc.path == str(annotations) and exc.reason
                    tables["refused"] += 1
                    continue
                events = list(
                    import_dataset(ws, corpus.good_images, fmt, annotations, Control(), plan=plan)
                )
                assert isinstance(events[-1], Finished)
                tables["imported"] += 1
            import_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()

            events = list(extract_patches(ws, ExtractParams(), Control(), workers=0))
            assert isinstance(events[-1], Finished)
            failed = {e.path: e.reason for e in events if isinstance(e, ItemError)}
            assert all(failed.values())
            done = ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL")[0][0]
            total = ws.counts()["images"]
            assert done + len(failed) == total
            extract_peak = tracemalloc.get_traced_memory()[1]
            # what a header shows is refused at import; only damaged compressed data is left
            # for the decoder to find
            header_reasons = [r for r in failed.values() if any(w in r for w in HEADER_WORDS)]
            assert not header_reasons, header_reasons
            assert ws.query("PRAGMA integrity_check")[0][0] == "ok"
            patches = ws.counts()["lesion_patches"] + ws.counts()["normal_patches"]
            assert patches > 0
    finally:
        tracemalloc.stop()
        signal.signal(signal.SIGALRM, old_handler)
    undecodable = [
        str(p) for f in corpus.image_folders for p in f.iterdir() if fuzz.UNDECODABLE in p.name
    ]
    assert len(undecodable) >= 36 and set(undecodable) <= refused_paths
    dicoms = [str(p) for f in corpus.image_folders for p in f.iterdir() if _is_dicom(p)]
    dicom_failed = [p for p in failed if _is_dicom(Path(p))]
    # nothing half-written: no temporary file of an atomic write is left behind
    assert not [p for p in (tmp_path / "ws").rglob("*") if p.name.endswith(".tmp")]
    slowest = max(header_s.values())
    assert slowest < PER_FILE_S and max(decode_s.values()) < PER_FILE_S
    assert import_peak < PEAK_BYTES and extract_peak < PEAK_BYTES
    print(
        f"\nfuzz corpus: {corpus.files} files {dict(sorted(corpus.kinds.items()))}\n"
        f"images imported {imported}, refused {sum(refused.values())}: {dict(refused.most_common())}\n"
        f"DICOM files {len(dicoms)}: refused at import {len(refused_paths & set(dicoms))} "
        f"(header-only undecodable {len(undecodable)}, all refused), failed at extraction "
        f"{len(dicom_failed)}\n"
        f"annotation files {dict(tables)}; extraction: {done} images done, {len(failed)} failed "
        f"({dict(Counter(_reason_kind(r) for r in failed.values()).most_common())}), "
        f"{patches} patches\nslowest header scan {slowest * 1000:.0f} ms, slowest decode "
        f"{max(decode_s.values()) * 1000:.0f} ms; peak traced memory import "
        f"{import_peak / 2**20:.0f} MiB, extraction {extract_peak / 2**20:.0f} MiB"
    )
