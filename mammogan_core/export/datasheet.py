"""README.md of an export: a short datasheet for people (what, how it was made, which run and
settings, counts per class and split, de-identification, the licence). What the exporter alone
knows (the creator, and the licence unless given) is left for them to fill in, and says so."""

from __future__ import annotations

import json
from collections import Counter

from ..workspace import PATCH_SIZE
from .manifest import CROISSANT, EXPORT_JSON, MANIFEST
from .marks import SOFTWARE
from .plan import ExportPlan

NOT_STATED = "not stated: fill in before sharing (README.md and croissant.json)"


def summary(plan: ExportPlan) -> str:
    origins = Counter(it.origin for it in plan.items)
    parts = ", ".join(f"{n} {origin}" for origin, n in sorted(origins.items()))
    text = (
        f"{len(plan.items)} mammography patches of {PATCH_SIZE} x {PATCH_SIZE} px "
        f"({parts}), lesion and normal, exported by {SOFTWARE} as {plan.settings.format}."
    )
    if origins["synthetic"]:
        text += (
            " The synthetic images are made by a DCGAN generator, not taken of a patient; each "
            "is marked so in its own file and in the synthetic field."
        )
    return text


def collection(plan: ExportPlan) -> str:
    text = (
        "Real patches: crops around annotated findings (lesion) and away from them (normal) of "
        "de-identified mammograms, extracted by MammoGAN; flipped: their left-right mirror."
    )
    if plan.source is not None:
        src = plan.source
        text += (
            f" Synthetic: drawn by the DCGAN generator of run {src.run or '(a weights file)'}, "
            f"checkpoint {src.checkpoint} (sha256 {src.sha256}), latent seed "
            f"{plan.settings.seed}."
        )
    return text


def datasheet(plan: ExportPlan, dates: dict[str, str]) -> str:
    s, src = plan.settings, plan.source
    lines = [
        "# Datasheet: " + "mammogan-export-" + plan.digest()[:12],
        "",
        "## What",
        "",
        summary(plan),
        "",
        "| split | class | real | flipped | synthetic | patients |",
        "|---|---|---|---|---|---|",
    ]
    for split, by_class in plan.counts().items():
        for label, by_origin in by_class.items():
            patients = {
                it.source_key
                for it in plan.items
                if it.split == split and it.label == label and it.source_key
            }
            lines.append(
                f"| {split} | {label} | {by_origin.get('real', 0)} | "
                f"{by_origin.get('flipped', 0)} | {by_origin.get('synthetic', 0)} | "
                f"{len(patients)} |"
            )
    lines += ["", "## How it was made", "", collection(plan)]
    if dates["patches"]:
        lines.append(f"The newest patch extraction dates from {dates['patches']}.")
    lines += [
        "Flipped and synthetic images are in the training split only: validation and test "
        "hold real patches alone.",
        "",
        "Settings (as in export.json):",
        "",
        "```json",
        json.dumps(s.recorded(), indent=2, sort_keys=True),
        "```",
        "",
        "## Synthetic images",
        "",
    ]
    if src is None:
        lines.append("None: every image is real or a mirrored real one.")
    else:
        lines += [
            f"Generator: run `{src.run or '(a weights file)'}`, checkpoint `{src.checkpoint}`, "
            f"sha256 `{src.sha256}`.",
            "Each synthetic image says so in its own file: PNG tEXt `Synthetic: true` with "
            "`Synthetic-Run` and `Synthetic-Checkpoint-SHA256`; TIFF ImageDescription (JSON) and "
            "Software; DICOM Conversion Type SYN, Image Type SYNTHETIC, Synthetic Data YES and "
            "the generator in the Contributing Equipment Sequence; NPZ and HDF5 the `synthetic`, "
            "`generator_run` and `generator_sha256` arrays. manifest.csv and croissant.json "
            "carry the `synthetic` flag of every image.",
        ]
    lines += [
        "",
        "## De-identification",
        "",
        "Only patch pixels are exported: no value of a source file's header (names, ids, "
        "dates, institution, UIDs); DICOM files get new UIDs derived from the export. A real "
        "patch names its patient only by a salted pseudonym (`source_key`), for patient-level "
        "splits; pixels may still show what the source image showed.",
        "",
        "## Licence and creator",
        "",
        f"- Licence: {s.license.strip() or NOT_STATED}",
        f"- Creator: {NOT_STATED}",
        "- The licence must allow what the source data's licence allows: check it.",
        "",
        "## Intended use and limits",
        "",
        "Research on lesion classification and data augmentation. Not for diagnosis or any "
        "clinical decision. Synthetic lesions resemble the training patches of one workspace; "
        "they do not add patients, and a model trained on them must be tested on real data.",
        "",
        f"Files: {MANIFEST} (one row per image), {EXPORT_JSON}, {CROISSANT}.",
        "",
    ]
    return "\n".join(lines)
