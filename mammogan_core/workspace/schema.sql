-- MammoGAN workspace catalogue, schema version 2 (catalogue.py migrates older ones).
-- Paths are stored relative to the workspace folder when they lie inside it (so a workspace can
-- be moved), absolute otherwise (a user's dataset elsewhere on disk).

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One import of a dataset folder (+ annotation file).
CREATE TABLE IF NOT EXISTS sources (
    id          INTEGER PRIMARY KEY,
    root        TEXT NOT NULL,            -- dataset folder
    format      TEXT NOT NULL,            -- mias, cbis-ddsm, vindr, inbreast, optimam, generic, images
    annotations TEXT,                     -- annotation file, if any
    imported_at TEXT NOT NULL,
    UNIQUE (root, format, annotations)
);

CREATE TABLE IF NOT EXISTS images (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER NOT NULL REFERENCES sources(id),
    image_key           TEXT NOT NULL,    -- the dataset's own id (mdb001, SOP UID, file stem...)
    path                TEXT NOT NULL,
    patient_key         TEXT,             -- pseudonymous patient id, salted per workspace
    split_key           TEXT,             -- keyed hash of the source patient id, the same in
                                          -- every workspace: splits follow the data and seed
    laterality          TEXT,             -- L / R / NULL
    view                TEXT,             -- CC / MLO / ...
    rows                INTEGER,
    cols                INTEGER,
    spacing_mm          REAL,
    bits_stored         INTEGER,
    photometric         TEXT,
    presentation_intent TEXT,
    manufacturer        TEXT,
    transfer_syntax     TEXT,
    window_center       REAL,
    window_width        REAL,
    split               TEXT,             -- train / val / test (patient level)
    extracted_at        TEXT,             -- set once extraction of this image is committed
    normal_excluded     TEXT,             -- why no normal patch may come from this image
                                          -- (a finding without location, a rejected finding)
    UNIQUE (source_id, image_key)
);

CREATE TABLE IF NOT EXISTS findings (
    id            INTEGER PRIMARY KEY,
    image_id      INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    finding_type  TEXT NOT NULL,          -- mass, calcification, architectural_distortion, asymmetry, other
    label_raw     TEXT,                   -- as the source dataset names it (CIRC, SPIC, ['Mass'] ...)
    pathology     TEXT,                   -- benign / malignant / unknown
    geometry_kind TEXT NOT NULL,          -- box / circle / polygon / mask
    geometry      TEXT NOT NULL,          -- JSON, in source pixel coordinates (row 0 = top)
    x0 REAL, y0 REAL, x1 REAL, y1 REAL,   -- bounding box in source pixels
    source_row    TEXT NOT NULL,          -- where in the annotation file (file:line or row id)
    UNIQUE (image_id, source_row)
);

CREATE TABLE IF NOT EXISTS patches (
    id          INTEGER PRIMARY KEY,
    store_index INTEGER NOT NULL UNIQUE,  -- row in the memory-mapped pixel store
    label       TEXT NOT NULL,            -- lesion / normal / synthetic
    image_id    INTEGER REFERENCES images(id) ON DELETE CASCADE,
    finding_id  INTEGER REFERENCES findings(id) ON DELETE CASCADE,
    lesion_type TEXT,                     -- finding_type of the finding (NULL for normal)
    x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,  -- crop box in source pixels
    split       TEXT,
    params      TEXT,                     -- JSON: extraction parameters
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patches_label ON patches(label);
CREATE INDEX IF NOT EXISTS patches_image ON patches(image_id);

-- Per-import report: annotation rows not used and files not read.
CREATE TABLE IF NOT EXISTS import_issues (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,              -- skipped (annotation row) / error (file)
    path      TEXT,
    row       TEXT,
    reason    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    id         TEXT PRIMARY KEY,          -- folder name under runs/
    kind       TEXT NOT NULL,             -- train / experiment / ...
    status     TEXT NOT NULL,             -- running / stopped / finished / failed
    config     TEXT NOT NULL,             -- JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    step       INTEGER DEFAULT 0,
    warnings   TEXT                       -- JSON list of warnings (e.g. collapsed samples)
);

-- Room for the evaluation, review and export issues.
CREATE TABLE IF NOT EXISTS metrics (
    id      INTEGER PRIMARY KEY,
    run_id  TEXT REFERENCES runs(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   REAL,
    step    INTEGER,
    details TEXT
);
CREATE TABLE IF NOT EXISTS reviews (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    details    TEXT
);
CREATE TABLE IF NOT EXISTS review_answers (
    id        INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    reader    TEXT NOT NULL,
    item      TEXT NOT NULL,
    answer    TEXT NOT NULL,
    seconds   REAL,
    answered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exports (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    details    TEXT
);
