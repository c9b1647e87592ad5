"""Patient-level train / val / test split (default 70 / 15 / 15), deterministic from a seed.

Every image of a patient gets the same split, so no patient leaks from training into testing.
The split is stratified: patients with at least one finding and patients without are split
separately, so the few lesion patients are spread over all three splits even in a small study.
Splits already stored (an earlier run, or a dataset's own split) are kept.

Patients are ordered by a hash of their `split_key` (a keyed hash of the source patient id,
the same in every workspace) and the seed, so the split depends on the data and the seed only:
the same data imported twice, on any machine, gets the same split. Images imported before split
keys existed keep the older rule (a seeded shuffle of the per-workspace pseudonyms).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..workspace import Workspace

SPLITS = ("train", "val", "test")
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)


def _draw(split_key: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}\x00{split_key}".encode()).hexdigest()


def split_patients(
    patients: Mapping[str, bool],
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    split_keys: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """patient key -> split. `patients` maps each key to whether the patient has a finding;
    `split_keys` maps patient keys to their split key. A stratum whose patients all have one is
    ordered by (split key, seed) hashes, otherwise by a seeded shuffle of the sorted keys."""
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(
            f"split fractions must be three non-negative numbers summing to 1, not {fractions}"
        )
    out: dict[str, str] = {}
    for stratum, flag in enumerate((True, False)):
        keys = sorted(k for k, v in patients.items() if bool(v) == flag)
        if split_keys is not None and all(k in split_keys for k in keys):
            keys.sort(key=lambda k: _draw(split_keys[k], seed))
        else:
            keys = [keys[i] for i in np.random.default_rng([seed, stratum]).permutation(len(keys))]
        counts = [0, 0, 0]
        # Largest deficit first: the running counts follow the fractions as closely as possible,
        # so 3 lesion patients become 2 / 1 / 0, not 3 / 0 / 0 as with rounding.
        for i, k in enumerate(keys):
            j = int(np.argmax([f * (i + 1) - c for f, c in zip(fractions, counts)]))
            counts[j] += 1
            out[k] = SPLITS[j]
    return out


def patient_of(image_id: int, patient_key: str | None) -> str:
    """Images without a patient key count as their own patient."""
    return patient_key if patient_key else f"image:{image_id}"


def assign_splits(
    ws: Workspace, fractions: Sequence[float] = DEFAULT_FRACTIONS, seed: int = 0
) -> int:
    """Give every image without a split its patient's split (stored, or newly drawn for new
    patients), in one transaction. Returns the number of images updated."""
    with ws.transaction() as conn:
        rows = conn.execute(
            "SELECT i.id, i.patient_key, i.split_key, i.split, "
            "EXISTS(SELECT 1 FROM findings f WHERE f.image_id = i.id) AS lesion "
            "FROM images i ORDER BY i.id"
        ).fetchall()
        known: dict[str, str] = {}
        lesion: dict[str, bool] = {}
        split_keys: dict[str, str] = {}
        for r in rows:
            p = patient_of(r["id"], r["patient_key"])
            if r["split"]:
                known.setdefault(p, r["split"])
            if r["split_key"]:
                split_keys[p] = r["split_key"]
            lesion[p] = lesion.get(p, False) or bool(r["lesion"])
        todo = {p: v for p, v in lesion.items() if p not in known}
        drawn = split_patients(todo, fractions, seed, split_keys)
        updates = []
        for r in rows:
            if not r["split"]:
                p = patient_of(r["id"], r["patient_key"])
                updates.append((known.get(p) or drawn[p], r["id"]))
        conn.executemany("UPDATE images SET split = ? WHERE id = ?", updates)
    return len(updates)
