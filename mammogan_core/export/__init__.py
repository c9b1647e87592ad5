"""Augmented datasets for other pipelines: real patches, flipped copies and synthetic lesions as
an ImageFolder tree, NPZ, HDF5 or DICOM Secondary Capture files, with manifest.csv and
export.json; de-identified, written atomically (a staging folder renamed at the end) and
reproducible (a re-export with the same settings writes the same bytes).

    from mammogan_core.export import ExportSettings, export_dataset, plan_export
    settings = ExportSettings(out="augmented")        # the one-click default
    plan = plan_export(ws, settings)                  # items and counts, nothing written
    for ev in export_dataset(ws, settings, control):  # Log, Progress, Finished(ExportResult)
        ...
"""

from .options import CLASSES, FORMATS, SPLITS, ExportSettings
from .pipeline import ExportResult, describe, export_dataset
from .plan import ExportPlan, Item, best_run, plan_export

__all__ = [
    "CLASSES",
    "FORMATS",
    "SPLITS",
    "ExportPlan",
    "ExportResult",
    "ExportSettings",
    "Item",
    "best_run",
    "describe",
    "export_dataset",
    "plan_export",
]
