"""Patient-level, stratified, deterministic train / val / test splits."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from mammogan_core.preprocess.split import assign_splits, split_patients
from mammogan_core.workspace.catalogue import utc_now


def test_split_patients_follows_fractions_and_spreads_lesion_patients() -> None:
    patients = {f"p{i:03d}": i < 20 for i in range(200)}  # 20 lesion patients
    split = split_patients(patients, seed=1)
    assert set(split) == set(patients)
    assert Counter(split.values()) == {"train": 140, "val": 30, "test": 30}
    lesion = Counter(s for p, s in split.items() if patients[p])
    assert lesion == {"train": 14, "val": 3, "test": 3}
    assert split == split_patients(dict(reversed(list(patients.items()))), seed=1)  # order-free
    assert split != split_patients(patients, seed=2)


def test_three_lesion_patients_are_not_all_in_train() -> None:
    split = split_patients({"a": True, "b": True, "c": True})
    assert len(set(split.values())) == 2


def test_bad_fractions_are_refused() -> None:
    with pytest.raises(ValueError, match="fractions"):
        split_patients({"a": True}, fractions=(0.5, 0.5, 0.5))


def _add_images(ws, specs: list[tuple[str | None, bool, str | None]]) -> None:  # type: ignore[no-untyped-def]
    """specs: (patient_key, has_finding, split) per image."""
    with ws.transaction() as conn:
        src = conn.execute(
            "INSERT INTO sources(root, format, imported_at) VALUES ('/d', 'generic', ?)",
            (utc_now(),),
        ).lastrowid
        for i, (patient, lesion, split) in enumerate(specs):
            img = conn.execute(
                "INSERT INTO images(source_id, image_key, path, patient_key, split) VALUES (?, ?, ?, ?, ?)",
                (src, f"k{i}", f"/d/{i}.dcm", patient, split),
            ).lastrowid
            if lesion:
                conn.execute(
                    "INSERT INTO findings(image_id, finding_type, geometry_kind, geometry, x0, y0, x1, "
                    "y1, source_row) VALUES (?, 'mass', 'box', '{}', 1, 1, 5, 5, ?)",
                    (img, f"r{i}"),
                )


def test_assign_splits_is_patient_level_and_keeps_stored_splits(workspace) -> None:  # type: ignore[no-untyped-def]
    specs = [(f"pat{i // 4}", i % 8 == 0, None) for i in range(160)]  # 40 patients x 4 images
    specs += [(None, False, None), (None, True, None)]  # no patient key: own patient
    specs += [("kept", False, "test"), ("kept", False, None)]  # a stored split wins
    _add_images(workspace, specs)
    assert assign_splits(workspace, seed=3) == len(specs) - 1
    rows = workspace.query("SELECT patient_key, split FROM images")
    by_patient: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        assert r["split"] in ("train", "val", "test")
        if r["patient_key"]:
            by_patient[r["patient_key"]].add(r["split"])
    assert all(len(s) == 1 for s in by_patient.values())  # no patient in two splits
    assert by_patient["kept"] == {"test"}
    assert set().union(*by_patient.values()) == {"train", "val", "test"}
    assert assign_splits(workspace, seed=3) == 0  # idempotent
