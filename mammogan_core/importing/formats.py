"""How each format is read: its parser, and how its images are found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..annotations import cbis, generic, inbreast, mias, optimam, vindr
from ..annotations.schema import AnnotationSet, Finding


@dataclass(frozen=True)
class FormatSpec:
    # (annotation paths, source folder) -> what the annotations say
    parse: Callable[[list[Path], Path], AnnotationSet]
    # True: every image file under the source is imported, keyed by its SOP Instance UID
    # (OPTIMAM names images by UID) or its relative path; False: the parser lists the images.
    scan_folder: bool = False
    # re-anchor a finding once the image size is known (mini-MIAS counts rows from the bottom)
    adjust: Callable[[Finding, int], Finding] | None = None


def _one(parse: Callable[..., AnnotationSet]) -> Callable[[list[Path], Path], AnnotationSet]:
    return lambda paths, source: parse(paths[0], source)


FORMATS: dict[str, FormatSpec] = {
    "mias": FormatSpec(_one(mias.parse), adjust=mias.to_height),
    "cbis-ddsm": FormatSpec(cbis.parse_many),
    "vindr": FormatSpec(_one(vindr.parse)),
    "inbreast": FormatSpec(_one(inbreast.parse)),
    "optimam": FormatSpec(_one(optimam.parse), scan_folder=True),
    # generic paths are relative to the CSV's folder, not to the source
    "generic": FormatSpec(lambda paths, source: generic.parse(paths[0])),
    "images": FormatSpec(lambda paths, source: AnnotationSet(), scan_folder=True),
}
