"""The workflow panels, in the order the sidebar shows them.

Each entry: (name, title, "module:Class" of a Panel, or None while the step is not built yet,
what the step will do). Panels are imported when first shown, so start-up stays fast.
"""

from __future__ import annotations

PANELS: list[tuple[str, str, str | None, str]] = [
    (
        "data",
        "Data",
        "app.panels.data:DataPanel",
        "Import mammograms (DICOM, PGM/PNG/TIFF) with their annotation files (mini-MIAS, "
        "CBIS-DDSM, VinDr-Mammo, INbreast, OPTIMAM, generic CSV) and extract lesion and "
        "normal-tissue patches.",
    ),
    (
        "browse",
        "Browse",
        "app.panels.browse:BrowsePanel",
        "View mammograms with window/level, findings and patch overlays, and browse every "
        "extracted patch in a fast thumbnail grid.",
    ),
    (
        "train",
        "Train",
        "app.panels.train:TrainPanel",
        "Train the DCGAN in the background with live loss curves, sample grids and checkpoints.",
    ),
    (
        "evaluate",
        "Evaluate",
        "app.panels.evaluate:EvaluatePanel",
        "Compare real and synthetic patches: grids, t-SNE maps, FID/KID, diversity and "
        "memorisation checks.",
    ),
    (
        "experiment",
        "Experiment",
        "app.panels.experiment:ExperimentPanel",
        "Run the augmentation study (ORG, Aug ORG, GAN, Aug GAN and the Oversample controls) and "
        "plot F1, AP and AUC against the number of real lesions.",
    ),
    (
        "review",
        "Review",
        "app.panels.review:ReviewPanel",
        "Blinded visual Turing test: specialists label real and synthetic patches; accuracy, "
        "ROC and agreement statistics.",
    ),
    (
        "export",
        "Export",
        "app.panels.export:ExportPanel",
        "One-click export of augmented datasets without patient identifiers.",
    ),
]

PANEL_NAMES = [p[0] for p in PANELS]
