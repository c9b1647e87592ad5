"""Synthetic full-field mammograms (DICOM) with annotated masses and calcification clusters,
for the demo and the tests. Entry points: `generate_corpus`, and `generate_film_corpus` for
film-scanned look-alikes (8-bit PGM with a mini-MIAS Info.txt)."""

from .corpus import ANNOTATION_COLUMNS, MANIFEST_COLUMNS, generate_corpus
from .film_corpus import generate_film_corpus

__all__ = ["ANNOTATION_COLUMNS", "MANIFEST_COLUMNS", "generate_corpus", "generate_film_corpus"]
