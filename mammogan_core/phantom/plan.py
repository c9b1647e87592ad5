"""What each phantom image will contain, decided without rendering a pixel.

Every image is a pure function of (seed, index, rows, cols): planning the whole corpus is cheap,
so a resumed run rebuilds the annotation CSVs without re-rendering the images already written.
Four images per patient, in the usual hanging order RCC, LCC, RMLO, LMLO.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import BreastShape, random_shape
from .lesions import Lesion, Placed, random_lesion

VIEWS = (("R", "CC"), ("L", "CC"), ("R", "MLO"), ("L", "MLO"))
FULL_ROWS = 2294  # a 24 x 19 cm detector at 0.1 mm: smaller images get coarser pixels
FIRST = ("ANNA", "MARIA", "ELENA", "SOFIA", "LAURA", "CLARA", "NORA", "IRIS", "JUDITH", "OLGA")
LAST = ("GARCIA", "MARTI", "SMITH", "NOVAK", "ROSSI", "MULLER", "DUBOIS", "SILVA", "KOWALSKA")


@dataclass(frozen=True)
class Patient:
    index: int
    patient_id: str  # fake, identifying-looking values: they exist so de-identification is tested
    name: str
    birth_date: str
    study_date: str
    accession: str
    institution: str
    physician: str
    monochrome1: bool  # a whole study comes from one (inverting) device
    density: float
    size: float
    lesions: dict[str, tuple[Lesion, ...]]  # by laterality


@dataclass(frozen=True)
class ImagePlan:
    seed: int
    index: int
    patient: Patient
    laterality: str
    view: str
    rows: int
    cols: int
    spacing_mm: float
    shape: BreastShape
    findings: tuple[Placed, ...]  # canonical orientation (see anatomy.py)

    @property
    def rel_path(self) -> str:
        case = f"case{self.patient.index + 1:04d}"
        return f"images/{case}/{case}_{self.laterality}_{self.view}.dcm"

    @property
    def mirrored(self) -> bool:
        """Right breasts are stored with the chest wall on the right (DICOM/IHE convention)."""
        return self.laterality == "R"

    def rng(self, purpose: int) -> np.random.Generator:
        return image_rng(self.seed, self.index, purpose)


def image_rng(seed: int, index: int, purpose: int) -> np.random.Generator:
    """Independent streams per image and purpose: 1 outline, 2 placement, 3 pixels."""
    return np.random.default_rng([seed, index // 4, index % 4, purpose])


def make_patient(seed: int, index: int) -> Patient:
    rng = np.random.default_rng([seed, index, 99])
    year = int(rng.integers(1940, 1985))
    counts = rng.choice([0, 1, 2], size=2, p=[0.35, 0.45, 0.2])
    if counts.sum() == 0:  # a lesion-synthesis demo wants findings: every patient has one
        counts[rng.integers(2)] = 1
    lesions = {side: tuple(random_lesion(rng) for _ in range(c)) for side, c in zip("RL", counts)}
    return Patient(
        index=index,
        patient_id=f"MRN{rng.integers(10**6, 10**7)}",
        name=f"{rng.choice(LAST)}^{rng.choice(FIRST)}",
        birth_date=f"{year}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}",
        study_date=f"{rng.integers(2015, 2024)}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}",
        accession=f"ACC{rng.integers(10**7, 10**8)}",
        institution=f"{rng.choice(('St Mary', 'Riverside', 'Northgate', 'Hillcrest'))} Breast Centre",
        physician=f"{rng.choice(LAST)}^{rng.choice(('JOHN', 'PAUL', 'EVA', 'MARC'))}^^DR",
        monochrome1=index % 4 == 1,
        density=float(rng.uniform(0.15, 0.75)),
        size=float(rng.uniform(0, 1)),
        lesions=lesions,
    )


def plan_image(
    seed: int,
    index: int,
    rows: int,
    cols: int,
    patient: Patient | None = None,
    spacing_mm: float | None = None,
) -> ImagePlan:
    """`spacing_mm` None: a 24 cm detector's height over `rows`."""
    patient = patient or make_patient(seed, index // 4)
    laterality, view = VIEWS[index % 4]
    spacing = spacing_mm or round(0.1 * FULL_ROWS / rows, 6)
    shape = random_shape(image_rng(seed, index, 1), view, rows, cols, patient.density, patient.size)
    placed: list[Placed] = []
    rng = image_rng(seed, index, 2)
    for lesion in patient.lesions[laterality]:
        spot = _place(rng, shape, lesion, spacing, placed)
        if spot is not None:
            placed.append(spot)
    return ImagePlan(
        seed, index, patient, laterality, view, rows, cols, spacing, shape, tuple(placed)
    )


def plan_corpus(seed: int, n: int, rows: int, cols: int) -> list[ImagePlan]:
    patients = [make_patient(seed, p) for p in range((n + 3) // 4)]
    return [plan_image(seed, i, rows, cols, patients[i // 4]) for i in range(n)]


def _place(
    rng: np.random.Generator,
    shape: BreastShape,
    lesion: Lesion,
    spacing: float,
    taken: list[Placed],
) -> Placed | None:
    """A spot at the lesion's distance from the nipple, inside the breast, clear of the muscle
    and of other findings; None when the breast is too small for it (then it is not drawn)."""
    r = max(2, round(lesion.radius_mm / spacing))
    reach = r * (2.0 if lesion.shape == "spiculated" else 1.15)
    nx, ny = shape.nipple()
    back = np.arctan2(-shape.shear, -1.0)  # from the nipple towards the chest wall
    length = shape.a * np.hypot(1.0, shape.shear)
    for attempt in range(80):
        dist = length * (lesion.depth + rng.uniform(-0.05, 0.05) * (1 + attempt / 20))
        phi = back + rng.uniform(-0.9, 0.9)
        x = round(nx + dist * np.cos(phi))
        y = round(ny + dist * np.sin(phi))
        clear = all(np.hypot(x - p.x, y - p.y) > r + p.r + 4 for p in taken)
        if clear and shape.contains(x, y, reach):
            return Placed(lesion, x, y, r)
    return None
