"""Synthetic full-field mammograms (DICOM) with annotated masses and calcification clusters,
for the demo and the tests. Entry point: `generate_corpus`."""

from .corpus import ANNOTATION_COLUMNS, MANIFEST_COLUMNS, generate_corpus

__all__ = ["ANNOTATION_COLUMNS", "MANIFEST_COLUMNS", "generate_corpus"]
