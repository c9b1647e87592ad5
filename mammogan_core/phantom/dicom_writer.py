"""Write a rendered phantom image as a real Digital Mammography (For Presentation) DICOM file.

Identifying tags carry fake but realistic values, so de-identification can be tested. UIDs are
derived from the seed and the image size, so a rerun writes identical files and a resumed run
can tell a finished image of the same corpus from a stale one.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    DigitalMammographyXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    generate_uid,
)

from ..atomic import atomic_open
from .plan import ImagePlan
from .render import Rendered

MANUFACTURER = "MammoGAN Phantom"
# PatientOrientation (row direction \ column direction) of the stored images, DICOM PS3.3
# C.8.11.5.1.1 / IHE Mammography: right breasts have the chest wall on the right.
ORIENTATION = {("L", "CC"): "A\\R", ("R", "CC"): "P\\L", ("L", "MLO"): "A\\F", ("R", "MLO"): "P\\F"}


def uids(plan: ImagePlan) -> dict[str, str]:
    base = ["mammogan-phantom", str(plan.seed), f"{plan.rows}x{plan.cols}", str(plan.patient.index)]
    view = [*base, plan.laterality, plan.view]
    return {
        "study": generate_uid(entropy_srcs=[*base, "study"]),
        "series": generate_uid(entropy_srcs=[*view, "series"]),
        "sop": generate_uid(entropy_srcs=[*view, "sop"]),
        "frame": generate_uid(entropy_srcs=[*base, "frame"]),
    }


def build_dataset(plan: ImagePlan, image: Rendered) -> Dataset:
    p, u = plan.patient, uids(plan)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DigitalMammographyXRayImageStorageForPresentation
    meta.MediaStorageSOPInstanceUID = u["sop"]
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, u["sop"]
    ds.StudyInstanceUID, ds.SeriesInstanceUID = u["study"], u["series"]
    ds.FrameOfReferenceUID = u["frame"]
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.Modality = "MG"
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.Manufacturer = MANUFACTURER
    ds.ManufacturerModelName = "Phantom CR" if p.monochrome1 else "Phantom FFDM"
    ds.InstitutionName = p.institution
    ds.PatientName, ds.PatientID = p.name, p.patient_id
    ds.PatientBirthDate, ds.PatientSex = p.birth_date, "F"
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = p.study_date
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = (
        f"{9 + p.index % 8:02d}{(p.index * 7) % 60:02d}00"
    )
    ds.AccessionNumber, ds.ReferringPhysicianName = p.accession, p.physician
    ds.StudyID, ds.SeriesNumber, ds.InstanceNumber = str(p.index + 1), plan.index % 4 + 1, 1
    ds.StudyDescription = "MAMMOGRAPHY SCREENING BILATERAL"
    ds.ImageComments = "Synthetic MammoGAN phantom: not a real patient"
    ds.BodyPartExamined = "BREAST"
    ds.ImageLaterality = ds.Laterality = plan.laterality
    ds.ViewPosition = plan.view
    ds.PatientOrientation = ORIENTATION[plan.laterality, plan.view].split("\\")
    spacing = f"{plan.spacing_mm:.6g}"
    ds.PixelSpacing = ds.ImagerPixelSpacing = [spacing, spacing]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME1" if p.monochrome1 else "MONOCHROME2"
    ds.PresentationLUTShape = "INVERSE" if p.monochrome1 else "IDENTITY"
    ds.Rows, ds.Columns = image.pixels.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.WindowCenter, ds.WindowWidth = image.window_center, image.window_width
    ds.VOILUTFunction = "LINEAR"
    ds.BurnedInAnnotation = "NO"
    ds.PixelData = image.pixels.astype("<u2", copy=False).tobytes()
    return ds


def write_dicom(path: Path, plan: ImagePlan, image: Rendered) -> None:
    """Atomic: a run killed mid-write leaves no partial file under `path`."""
    ds = build_dataset(plan, image)
    with atomic_open(path, "wb") as fh:
        pydicom.dcmwrite(fh, ds, enforce_file_format=True)


def is_complete(path: Path, plan: ImagePlan) -> bool:
    """True when `path` is this plan's image (same seed, size and position in the corpus)."""
    if not path.is_file():
        return False
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPInstanceUID"])
    except Exception:  # unreadable or foreign: render it again
        return False
    return str(ds.get("SOPInstanceUID", "")) == uids(plan)["sop"]
