"""The settings of an import (`mammogan import` and the Data panel's import form)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..settings import ALL, DEFAULT, check, fields_of, setting
from .detect import FORMATS
from .filters import HeaderFilter

_GROUP = "Import a dataset"


@dataclass(frozen=True)
class ImportOptions:
    source: str = setting(
        "",
        label="Source folder",
        help="the dataset folder (searched recursively)",
        path="dir",
        positional=True,
        group=_GROUP,
    )
    format: str = setting(
        "auto",
        label="Format",
        help="the dataset's format (auto: recognised from its annotation files)",
        choices=("auto", *FORMATS),
        group=_GROUP,
    )
    annotations: str | None = setting(
        None,
        label="Annotation file",
        help="Info.txt, a case CSV, a generic CSV… (default: found in the source folder)",
        path="file",
        none=DEFAULT,
        group=_GROUP,
    )
    filter: tuple[str, ...] | None = setting(
        None,
        label="Header filters",
        help="keep only the images whose header matches, e.g. 'PresentationIntentType=FOR "
        "PRESENTATION; Manufacturer~HOLOGIC' (= equals, != differs, ~ contains; all: every "
        "image)",
        sep=";",
        none=ALL,
        group=_GROUP,
    )

    def __post_init__(self) -> None:
        check(self)
        try:
            self.header_filters()
        except InputError as exc:
            raise InputError(f"{_FIELDS['filter'].describe()}: {exc.reason}") from None

    @property
    def source_path(self) -> Path:
        if not self.source.strip():
            raise InputError(f"{_FIELDS['source'].describe()}: choose the dataset folder")
        return Path(self.source).expanduser()

    @property
    def annotations_path(self) -> Path | None:
        return Path(self.annotations).expanduser() if self.annotations else None

    def header_filters(self) -> list[HeaderFilter]:
        return [HeaderFilter.parse(text) for text in self.filter or ()]


_FIELDS = {sf.name: sf for sf in fields_of(ImportOptions)}
