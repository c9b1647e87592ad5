"""Configurable header predicates (the paper kept FOR PRESENTATION images of one vendor at
magnification 1.0; those are filters here, not hard-coded).

    Keyword=Value    equal (numbers compared as numbers: `1` matches `1.0`; text ignores case)
    Keyword!=Value   not equal
    Keyword~Text     contains Text (case-insensitive)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..io.header import ImageHeader

# DICOM keywords that ImageHeader keeps as fields (plain images have no `attributes`).
_FIELDS = {
    "PresentationIntentType": "presentation_intent",
    "Manufacturer": "manufacturer",
    "ManufacturerModelName": "model",
    "Modality": "modality",
    "PhotometricInterpretation": "photometric",
    "ImageLaterality": "laterality",
    "ViewPosition": "view",
    "BitsStored": "bits_stored",
    "Rows": "rows",
    "Columns": "cols",
}
_EXPR = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)\s*(!=|=|~)\s*(.*?)\s*$")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class HeaderFilter:
    keyword: str
    op: str  # "=", "!=", "~"
    value: str

    @classmethod
    def parse(cls, text: str) -> HeaderFilter:
        m = _EXPR.match(text)
        if not m:
            raise InputError(
                f"bad filter {text!r}: expected Keyword=Value, Keyword!=Value or Keyword~Text "
                "(e.g. PresentationIntentType=FOR PRESENTATION)"
            )
        return cls(m[1], m[2], m[3])

    def __str__(self) -> str:
        return f"{self.keyword}{self.op}{self.value}"

    def _actual(self, header: ImageHeader) -> Any:
        if self.keyword in header.attributes:
            return header.attributes[self.keyword]
        field = _FIELDS.get(self.keyword)
        return getattr(header, field) if field else None

    def _equal(self, actual: Any) -> bool:
        a, b = _number(actual), _number(self.value)
        if a is not None and b is not None:
            return abs(a - b) <= 1e-9 * max(1.0, abs(b))
        return str(actual).strip().lower() == self.value.lower()

    def reject_reason(self, header: ImageHeader) -> str | None:
        """None when the image passes; otherwise why it does not ("filtered: ...")."""
        actual = self._actual(header)
        if actual is None:
            if self.op == "!=":
                return None
            return f"filtered: {self.keyword} is missing (wanted {self})"
        if self.op == "~":
            ok = self.value.lower() in str(actual).lower()
        else:
            ok = self._equal(actual) == (self.op == "=")
        return None if ok else f"filtered: {self.keyword} is {actual!r} (wanted {self})"


def reject_reason(filters: list[HeaderFilter], header: ImageHeader) -> str | None:
    for f in filters:
        reason = f.reject_reason(header)
        if reason:
            return reason
    return None
