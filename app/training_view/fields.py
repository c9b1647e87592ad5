"""How each TrainConfig field is shown: a human label, its group, range and tooltip.

The form iterates `dataclasses.fields(TrainConfig)`; a field missing here still gets an editor
(from its type) in the "Other" group, so a new trainer option never breaks the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS = (
    "Data",
    "Schedule",
    "Optimiser",
    "Monitoring and checkpoints",
    "Device and speed",
    "Model (0 = the preset's size)",
    "Other",
)


@dataclass(frozen=True)
class FieldSpec:
    label: str
    group: str = "Other"
    tip: str = ""
    lo: float = 0
    hi: float = 1_000_000
    choices: tuple[str, ...] = ()
    joiner: str | None = None  # shares the previous field's row, after this word
    sci: bool = False  # typed as text in scientific notation (learning rates)
    editable: bool = False  # a choice list that also takes typed text
    decimals: int = 3


_RATE_TIP = "Adam learning rate; scientific notation works (2e-4)"
_EVERY_TIP = "Steps between {}"

FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(
        "Patch class", "Data", "Which patches to learn", choices=("lesion", "normal")
    ),
    "lesion_types": FieldSpec(
        "Lesion types", "Data", "Train on these lesion types (all ticked = every type)"
    ),
    "pathology": FieldSpec(
        "Pathology",
        "Data",
        "Train on lesions of these pathologies (all ticked = every lesion)",
        choices=("benign", "malignant", "unknown"),
    ),
    "split": FieldSpec("Split", "Data", "Train on this split of the patches"),
    "flip_h": FieldSpec("Flip left-right", "Data", "Random horizontal flips of real patches"),
    "flip_v": FieldSpec("Flip up-down", "Data", "Random vertical flips of real patches"),
    "epochs": FieldSpec("Epochs", "Schedule", "Passes over the selected patches", 1),
    "batch_size": FieldSpec("Batch size", "Schedule", "Real patches per step", 1, 65536),
    "seed": FieldSpec("Random seed", "Schedule", "Seeds weights, batches and noise", 0, 2**31 - 1),
    "lr_g": FieldSpec("Learning rate G", "Optimiser", _RATE_TIP, 0, 1, sci=True),
    "lr_d": FieldSpec("Learning rate D", "Optimiser", _RATE_TIP, 0, 1, sci=True),
    "betas": FieldSpec(
        "Adam β1, β2", "Optimiser", "Adam's moment decay rates", 0, 0.9999, decimals=4
    ),
    "lr_step_d": FieldSpec("LR step D (epochs)", "Optimiser", "StepLR period of D", 1),
    "lr_step_g": FieldSpec("LR step G (epochs)", "Optimiser", "StepLR period of G", 1),
    "lr_gamma": FieldSpec("LR decay γ", "Optimiser", "StepLR factor (1 = constant rate)", 0, 1),
    "real_label_min": FieldSpec(
        "Real-label range",
        "Optimiser",
        "One-sided label smoothing: each epoch the real label is drawn from U(min, max)",
        0,
        1,
    ),
    "real_label_max": FieldSpec(
        "", "Optimiser", "Upper end of the real-label range", 0, 1, joiner="to"
    ),
    "sample_every": FieldSpec(
        "Sample grid every", "Monitoring and checkpoints", _EVERY_TIP.format("fixed-noise grids"), 1
    ),
    "metrics_every": FieldSpec(
        "Metrics every", "Monitoring and checkpoints", _EVERY_TIP.format("curve points"), 1
    ),
    "checkpoint_every": FieldSpec(
        "Checkpoint every", "Monitoring and checkpoints", "Checkpoint period", 1
    ),
    "checkpoint_unit": FieldSpec(
        "",
        "Monitoring and checkpoints",
        "Unit of the period",
        choices=("epochs", "steps"),
        joiner="",
    ),
    "keep_last": FieldSpec(
        "Keep last", "Monitoring and checkpoints", "Checkpoints kept besides the best", 1, 1000
    ),
    "best_metric": FieldSpec(
        "Best by",
        "Monitoring and checkpoints",
        "Metric that picks best.pt: fid (the seed's; without an FID evaluator 'best' is the "
        "last checkpoint) or <key>_ema of a StepMetrics key",
        choices=("fid", "loss_g_ema", "loss_d_ema", "d_g_z_ema"),
        editable=True,
    ),
    "best_mode": FieldSpec(
        "",
        "Monitoring and checkpoints",
        "Lower or higher is better",
        choices=("min", "max"),
        joiner="",
    ),
    "device": FieldSpec(
        "Device",
        "Device and speed",
        "auto: CUDA, else MPS, else CPU",
        choices=("auto", "cpu", "cuda", "mps"),
    ),
    "amp": FieldSpec(
        "Mixed precision",
        "Device and speed",
        "auto: bf16 on CUDA only (slow on CPUs)",
        choices=("auto", "bf16", "off"),
    ),
    "channels_last": FieldSpec(
        "Channels-last",
        "Device and speed",
        "Memory layout; auto: on CUDA without compile",
        choices=("auto", "on", "off"),
    ),
    "compile": FieldSpec(
        "torch.compile",
        "Device and speed",
        "Falls back to eager if compiling fails",
        choices=("off", "default", "reduce-overhead"),
    ),
    "deterministic": FieldSpec(
        "Deterministic", "Device and speed", "Deterministic kernels (slower, reproducible)"
    ),
    "nz": FieldSpec(
        "Latent size nz", "Model (0 = the preset's size)", "Noise vector length", 0, 4096
    ),
    "ngf": FieldSpec(
        "G width ngf", "Model (0 = the preset's size)", "Generator base width", 0, 1024
    ),
    "ndf": FieldSpec(
        "D width ndf", "Model (0 = the preset's size)", "Discriminator base width", 0, 1024
    ),
}

PRESET_NOTES = {
    "alyafi2020": "The paper's recipe on masses: β1 = 0, real labels 0.7–1, StepLR decay, fp32, "
    "100 epochs.",
    "dcgan": "Classic DCGAN (Radford et al.): β1 = 0.5, hard labels, constant rates.",
    "cpu": "A narrow model that learns lesions on a CPU (the demo's).",
    "tiny": "For tests only: the smallest model; its samples stay grey.",
}


def spec_for(name: str) -> FieldSpec:
    return FIELDS.get(name) or FieldSpec(name.replace("_", " ").capitalize())
