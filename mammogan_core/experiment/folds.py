"""Patient-level folds: every patient's patches sit in one part (training, validation or test)
of a fold, each patient is a test patient in exactly one fold, and validation and test hold
real patches only. Reproducible from the data and the seed: patients are ordered by a hash of
their key (the split key, the same in every workspace) and the seed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..catalogue_queries import PATIENT_KEY_SQL
from ..errors import InputError
from ..workspace import Workspace
from .options import StudyOptions

PARTS = ("train", "val", "test")


def _order(keys: Iterable[Any], seed: int, salt: str) -> list[Any]:
    """`keys` in an order drawn from (seed, salt, key) alone: the same on every machine."""
    return sorted(keys, key=lambda k: hashlib.sha256(f"{seed}\x00{salt}\x00{k}".encode()).digest())


def ids_digest(ids: list[int]) -> str:
    """A short fingerprint of an id list (in order): a resumed study checks its data is the same."""
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PatientPatches:
    """The study's real patches by patient: lesion and normal patch ids (id order)."""

    lesions: dict[str, list[int]]
    normals: dict[str, list[int]]
    unkeyed: int  # patches whose image has no patient key: left out (their patient is unknown)

    @property
    def patients(self) -> set[str]:
        return set(self.lesions) | set(self.normals)


def patient_patches(ws: Workspace, options: StudyOptions) -> PatientPatches:
    """Real lesion patches (of the chosen types) and normal patches, grouped by patient.
    Synthetic patches of the catalogue are never selected."""
    sql = (
        f"SELECT {PATIENT_KEY_SQL}, p.label, p.id FROM patches p JOIN images i ON i.id = "
        "p.image_id WHERE (p.label = 'normal' OR p.label = 'lesion'"
    )
    params: list[Any] = []
    if options.lesion_types:
        sql += f" AND p.lesion_type IN ({','.join('?' * len(options.lesion_types))})"
        params += list(options.lesion_types)
    lesions: dict[str, list[int]] = {}
    normals: dict[str, list[int]] = {}
    unkeyed = 0
    for key, label, pid in ws.query(sql + ") ORDER BY p.id", params):
        if key is None:
            unkeyed += 1
            continue
        (lesions if label == "lesion" else normals).setdefault(key, []).append(int(pid))
    return PatientPatches(lesions, normals, unkeyed)


@dataclass(frozen=True)
class Fold:
    """One fold: the patient keys of each part and the patch ids each part draws from. The
    training pools are in a seeded order: a cell with k lesions takes the first k (so the
    lesions of a smaller k are among those of a larger one, and every mode of a (k, fold)
    sees the same real patches)."""

    index: int
    train_patients: tuple[str, ...]
    val_patients: tuple[str, ...]
    test_patients: tuple[str, ...]
    train_lesions: tuple[int, ...]
    train_normals: tuple[int, ...]
    val_lesions: tuple[int, ...]
    val_normals: tuple[int, ...]
    test_lesions: tuple[int, ...]
    test_normals: tuple[int, ...]

    def record(self) -> dict[str, Any]:
        """What the study stores of the fold: the patient keys per part, the validation and test
        patch ids, and the counts and fingerprints of the training pools."""
        return {
            "fold": self.index,
            "train_patients": list(self.train_patients),
            "val_patients": list(self.val_patients),
            "test_patients": list(self.test_patients),
            "val_patches": {"lesion": list(self.val_lesions), "normal": list(self.val_normals)},
            "test_patches": {"lesion": list(self.test_lesions), "normal": list(self.test_normals)},
            "train_pool": {
                "lesion": len(self.train_lesions),
                "normal": len(self.train_normals),
                "lesion_digest": ids_digest(list(self.train_lesions)),
                "normal_digest": ids_digest(list(self.train_normals)),
            },
        }


def make_folds(data: PatientPatches, options: StudyOptions) -> list[Fold]:
    """`options.folds` folds, stratified (patients with lesions and patients without are dealt
    out separately, so every test set has lesions); within a fold the non-test patients are
    split into training and validation (`val_fraction`, at least one lesion patient each)."""
    n, seed = options.folds, options.seed
    with_lesions = _order(set(data.lesions), seed, "lesion")
    without = _order(data.patients - set(data.lesions), seed, "normal")
    if len(with_lesions) < n + 2:
        raise InputError(
            f"{options.folds} folds need at least {n + 2} patients with lesion patches (each "
            f"fold's test, validation and training parts need one); this workspace has "
            f"{len(with_lesions)}: use fewer folds or add data"
        )
    groups = [with_lesions[i::n] + without[i::n] for i in range(n)]
    folds = []
    for i, test in enumerate(groups):
        rest_lesion = [p for p in with_lesions if p not in test]
        rest_normal = [p for p in without if p not in test]
        n_val = min(len(rest_lesion) - 1, max(1, round(options.val_fraction * len(rest_lesion))))
        val = rest_lesion[:n_val] + rest_normal[: round(options.val_fraction * len(rest_normal))]
        train = [p for p in rest_lesion + rest_normal if p not in val]
        folds.append(_fold(i, data, options, sorted(train), sorted(val), sorted(test)))
    return folds


def _fold(
    i: int,
    data: PatientPatches,
    options: StudyOptions,
    train: list[str],
    val: list[str],
    test: list[str],
) -> Fold:
    seed = options.seed

    def pool(patients: list[str], by_patient: dict[str, list[int]], salt: str) -> list[int]:
        return _order([pid for p in patients for pid in by_patient.get(p, ())], seed, f"{salt}{i}")

    def held_out(patients: list[str], part: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        lesions = sorted(pool(patients, data.lesions, f"{part}-lesion"))
        # the seed's 1:10 imbalance in validation and test too (fewer where there are fewer)
        wanted = math.ceil(options.normal_ratio * len(lesions))
        normals = sorted(pool(patients, data.normals, f"{part}-normal")[:wanted])
        return tuple(lesions), tuple(normals)

    val_lesions, val_normals = held_out(val, "val")
    test_lesions, test_normals = held_out(test, "test")
    return Fold(
        index=i,
        train_patients=tuple(train),
        val_patients=tuple(val),
        test_patients=tuple(test),
        train_lesions=tuple(pool(train, data.lesions, "train-lesion")),
        train_normals=tuple(pool(train, data.normals, "train-normal")),
        val_lesions=val_lesions,
        val_normals=val_normals,
        test_lesions=test_lesions,
        test_normals=test_normals,
    )


def check_k(folds: list[Fold], options: StudyOptions) -> None:
    """Every k must fit in every fold's training lesions (k is the plot's x-axis: a cell with
    fewer lesions than its k would be misplaced on it)."""
    smallest = min(folds, key=lambda f: len(f.train_lesions))
    too_big = [k for k in options.k if k > len(smallest.train_lesions)]
    if too_big:
        raise InputError(
            f"Real lesions k (--k): {', '.join(map(str, too_big))} exceed the "
            f"{len(smallest.train_lesions)} training lesions of fold {smallest.index + 1}; "
            f"use k up to {len(smallest.train_lesions)} or fewer folds"
        )


def leakage(fold: Fold, generator_patients: set[str] | None) -> dict[str, int]:
    """Counts that must all be 0, stored with the study: patients shared between the parts, and
    the generator's training patients among the validation and test patients."""
    train, val, test = (
        set(p) for p in (fold.train_patients, fold.val_patients, fold.test_patients)
    )
    return {
        "train_val_patients": len(train & val),
        "train_test_patients": len(train & test),
        "val_test_patients": len(val & test),
        "generator_val_test_patients": len((generator_patients or set()) & (val | test)),
    }
