"""Resolving CBIS-DDSM CSV paths against a TCIA download.

The CSV says `Mass-Training_P_00001_LEFT_CC/1.3.6.1.../1.3.6.1.../000000.dcm`; the download has
`CBIS-DDSM/Mass-Training_P_00001_LEFT_CC/<date>-NA-<id>/<series-desc>-NA-<id>/1-1.dcm`. Only the
first component (the case folder; `..._1` for the ROI of abnormality 1) is reliable. The ROI
folder holds the binary mask (as large as the mammogram) and the small cropped image, in either
order and sometimes swapped relative to the CSV, so they are told apart by their header size.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..io import ImageReadError, read_header
from .files import FileIndex
from .tables import first_component


class CbisTree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.index = FileIndex(root)
        self._area = cache(self._area_uncached)

    def _area_uncached(self, path: Path) -> int:
        try:
            header = read_header(path)
        except ImageReadError:
            return -1  # unreadable: never preferred; reported when the image itself is scanned
        return (header.rows or 0) * (header.cols or 0)

    def _candidates(self, csv_path: str) -> list[Path]:
        exact = self.root / csv_path.strip().replace("\\", "/")
        if exact.is_file():
            return [exact]
        return self.index.under(first_component(csv_path))

    def full_image(self, csv_path: str) -> Path | None:
        """The full mammogram of a case: the largest image in the case folder that is not
        labelled as an ROI or crop series."""
        found = [p for p in self._candidates(csv_path) if not _is_roi_series(p)]
        return max(found, key=self._area, default=None)

    def roi_mask(self, csv_path: str) -> Path | None:
        """The ROI mask: the largest image in the ROI folder (the crop is small); a series
        labelled as a mask wins a tie. The whole folder is searched even where the CSV path
        exists as written: some rows name the cropped image as the mask."""
        found = self.index.under(first_component(csv_path)) or self._candidates(csv_path)
        return max(found, key=lambda p: (self._area(p), "mask" in str(p).lower()), default=None)


def _is_roi_series(path: Path) -> bool:
    text = str(path.parent).lower()
    return "roi mask" in text or "cropped" in text
