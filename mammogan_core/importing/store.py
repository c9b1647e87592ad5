"""Catalogue writes of an import: idempotent upserts, so a re-run completes a killed import
and re-importing the same source never doubles the counts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ..workspace import Workspace
from ..workspace.catalogue import utc_now

SALT_KEY = "patient_salt"
# Fixed, so that a patient's split key is the same in every workspace (splits follow the data);
# it is a hash of an identifier, not a secret, and never shown in place of the salted key.
SPLIT_HMAC_KEY = b"mammogan patient split v1"
IMAGE_COLUMNS = (
    "path",
    "patient_key",
    "split_key",
    "laterality",
    "view",
    "rows",
    "cols",
    "spacing_mm",
    "bits_stored",
    "photometric",
    "presentation_intent",
    "manufacturer",
    "transfer_syntax",
    "window_center",
    "window_width",
    "normal_excluded",
)
FINDING_COLUMNS = (
    "finding_type",
    "label_raw",
    "pathology",
    "geometry_kind",
    "geometry",
    "x0",
    "y0",
    "x1",
    "y1",
)


def patient_salt(ws: Workspace) -> str:
    """The workspace's random salt for patient keys (created once, kept in `meta`)."""
    with ws.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
            (SALT_KEY, secrets.token_hex(16)),
        )
        return conn.execute("SELECT value FROM meta WHERE key=?", (SALT_KEY,)).fetchone()[0]


def patient_key(salt: str, raw: str | None) -> str | None:
    """A pseudonymous key: the raw id is never stored."""
    if not raw:
        return None
    return hashlib.sha256(f"{salt}\x00{raw}".encode()).hexdigest()[:16]


def split_key(raw_patient: str | None, path_in_source: str) -> str:
    """The key the patient-level split orders patients by: HMAC-SHA256 of the source patient id
    (of the image's path in the dataset when it has none), the same in every workspace."""
    ident = f"patient:{raw_patient}" if raw_patient else f"image:{path_in_source}"
    return hmac.new(SPLIT_HMAC_KEY, ident.encode(), hashlib.sha256).hexdigest()[:16]


def open_source(ws: Workspace, root: str, fmt: str, annotations: str | None) -> int:
    """The source row (created on first import); its old issue report is replaced."""
    with ws.transaction() as conn:
        row = conn.execute(
            "SELECT id FROM sources WHERE root=? AND format=? AND annotations IS ?",
            (root, fmt, annotations),
        ).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO sources(root, format, annotations, imported_at) VALUES (?, ?, ?, ?)",
                (root, fmt, annotations, utc_now()),
            )
            source_id = int(cur.lastrowid)
        else:
            source_id = int(row[0])
            conn.execute("UPDATE sources SET imported_at=? WHERE id=?", (utc_now(), source_id))
        conn.execute("DELETE FROM import_issues WHERE source_id=?", (source_id,))
    return source_id


@dataclass
class Batch:
    """Rows gathered for a few hundred images, written in one transaction (len: rows held)."""

    images: list[tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]] = field(
        default_factory=list
    )
    issues: list[tuple[str, str | None, str | None, str]] = field(
        default_factory=list
    )  # kind, path, row, reason

    # images seen in this run but not kept (filtered out, lesions not locatable): an earlier
    # import may have stored them, and the catalogue must match the current filters
    dropped: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images) + len(self.issues) + len(self.dropped)

    def add_image(
        self, key: str, image: dict[str, Any], findings: list[tuple[str, dict[str, Any]]]
    ) -> None:
        self.images.append((key, image, findings))

    def issue(
        self, kind: str, reason: str, path: str | None = None, row: str | None = None
    ) -> None:
        self.issues.append((kind, path, row, reason))


def _upsert_image(conn: sqlite3.Connection, source_id: int, key: str, image: dict[str, Any]) -> int:
    cols = ", ".join(IMAGE_COLUMNS)
    updates = ", ".join(f"{c}=excluded.{c}" for c in IMAGE_COLUMNS)
    return conn.execute(
        f"INSERT INTO images(source_id, image_key, {cols}) VALUES (?, ?, {', '.join('?' * len(IMAGE_COLUMNS))}) "
        f"ON CONFLICT(source_id, image_key) DO UPDATE SET {updates} RETURNING id",
        (source_id, key, *(image.get(c) for c in IMAGE_COLUMNS)),
    ).fetchone()[0]


def _upsert_finding(
    conn: sqlite3.Connection, image_id: int, source_row: str, finding: dict[str, Any]
) -> None:
    cols = ", ".join(FINDING_COLUMNS)
    updates = ", ".join(f"{c}=excluded.{c}" for c in FINDING_COLUMNS)
    conn.execute(
        f"INSERT INTO findings(image_id, source_row, {cols}) VALUES (?, ?, {', '.join('?' * len(FINDING_COLUMNS))}) "
        f"ON CONFLICT(image_id, source_row) DO UPDATE SET {updates}",
        (image_id, source_row, *(finding.get(c) for c in FINDING_COLUMNS)),
    )


def write(ws: Workspace, source_id: int, batch: Batch) -> None:
    """Commit a batch (all or nothing) and empty it."""
    if not len(batch):
        return
    with ws.transaction() as conn:
        for key, image, findings in batch.images:
            image_id = _upsert_image(conn, source_id, key, image)
            for source_row, finding in findings:
                _upsert_finding(conn, image_id, source_row, finding)
        conn.executemany(
            "DELETE FROM images WHERE source_id=? AND image_key=?",
            [(source_id, key) for key in batch.dropped],
        )
        conn.executemany(
            "INSERT INTO import_issues(source_id, kind, path, row, reason) VALUES (?, ?, ?, ?, ?)",
            [(source_id, *issue) for issue in batch.issues],
        )
    batch.images.clear()
    batch.issues.clear()
    batch.dropped.clear()


def counts(ws: Workspace, source_id: int) -> tuple[int, int, dict[str, int]]:
    """(images, findings, findings by type) of one source, as the catalogue holds them."""
    images = ws.query("SELECT COUNT(*) FROM images WHERE source_id=?", (source_id,))[0][0]
    by_type = {
        r[0]: r[1]
        for r in ws.query(
            "SELECT f.finding_type, COUNT(*) FROM findings f JOIN images i ON i.id = f.image_id "
            "WHERE i.source_id=? GROUP BY f.finding_type ORDER BY f.finding_type",
            (source_id,),
        )
    }
    return int(images), sum(by_type.values()), by_type


def normal_excluded_count(ws: Workspace, source_id: int) -> int:
    """Images of one source that may give no normal patches (a finding without location)."""
    return int(
        ws.query(
            "SELECT COUNT(*) FROM images WHERE source_id=? AND normal_excluded IS NOT NULL",
            (source_id,),
        )[0][0]
    )
