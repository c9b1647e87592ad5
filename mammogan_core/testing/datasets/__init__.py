"""Small dataset trees shaped exactly like the public datasets (file names, folder layout,
header names, quirks), with tiny images: fixtures for tests and import benchmarks.

Each writer returns the dataset root. Images are SIZE x SIZE (not the real 1024 or 4000 px) so
that coordinate conventions that depend on the image size are exercised.
"""

from .cbis import write_cbis
from .common import SIZE
from .generic import write_generic
from .inbreast import write_inbreast
from .mias import MIAS_INFO, write_mias
from .optimam import OPTIMAM_UIDS, write_optimam
from .vindr import VINDR_HEADER, write_vindr

__all__ = [
    "MIAS_INFO",
    "OPTIMAM_UIDS",
    "SIZE",
    "VINDR_HEADER",
    "write_cbis",
    "write_generic",
    "write_inbreast",
    "write_mias",
    "write_optimam",
    "write_vindr",
]
