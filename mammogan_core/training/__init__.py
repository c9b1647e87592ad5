"""Training engine: a DCGAN trainer that is a plain generator of events.

API (importing this package does not import torch; `train` imports it when called):

    from mammogan_core.training import TrainConfig, PRESETS, preset_config, train
    cfg = preset_config("tiny", epochs=3)            # or TrainConfig(...), PRESETS["alyafi2020"]
    for ev in train(ws, cfg, control, resume=None):  # resume=RUN_ID continues a run
        ...

    TrainConfig   frozen dataclass with every hyperparameter, each declared once with its
                  label, help and range (config.py; `mammogan train`'s flags and the Train
                  panel's form come from it); to_dict/from_dict, with_(**changes). PRESETS: 'alyafi2020' (the paper: the seed's recipe on
                  masses, fp32), 'dcgan', 'cpu' (lesions on a CPU in minutes; the demo's),
                  'small-data' (tens to thousands of lesions: DiffAugment + ADA, resize
                  upsampling),
                  'tiny' (tests only). Filters: label, lesion_types, pathology, split.
    train(ws, config | None, control, resume: str | None = None) -> Iterator[Event]
                  config None with resume: the run's stored config. A resumed run must share
                  every schedule field (config.RUNTIME_FIELDS may differ, e.g. epochs, device):
                  a finished run continues with more epochs (fewer than done: InputError).
                  A run that another live process trains is refused
                  (runs.refuse_if_trained_elsewhere). Each epoch is a shuffled pass over the
                  patches without replacement (data.EpochOrder).

Events, in order:
    Log(...)                      device, amp, the augmentation, compile fallback, resume
                  lines; a warning when a stopped run has the same settings (with its resume
                  command)
    SampleGrid(step, image, kind='real')   once, 8 x 8 real patches at 64 px (uint8, 512 x 512)
    StepMetrics(step, epoch, values)       every `metrics_every` steps, averaged over them;
                  values keys: loss_d, loss_g, d_x, d_g_z, r_t, aug_p, lr_d, lr_g, images_per_s
                  (d_x = mean D(real), d_g_z = mean D(G(z)) before the D update, as probabilities;
                  r_t = E[sign D(real)], D's overfitting signal; aug_p = the probability of
                  each augmentation before D: augment.py, 1 without ADA, 0 without any)
    Progress(done=step, total=total_steps, unit='steps')   with every StepMetrics
    SampleGrid(step, image, kind='fake')   fixed noise, every `sample_every` steps and at the end
    CheckpointSaved(step, path)            every `checkpoint_every` epochs/steps, on
                  control.request_checkpoint(), on stop and at the end
    Log(level='warning')          at the end, when the fixed-noise samples have collapsed or show
                  a checkerboard (collapse.py; also appended to the run's `runs.warnings`)
    Finished(TrainResult)         results.py: run, run_dir, steps, epochs, checkpoint,
                  resumed_from_step, images_per_s, device, status ('finished' | 'stopped'),
                  warnings and, when stopped, resume_command ('mammogan train --workspace WS
                  --resume RUN'; the JSON has the key only then)
Control: pause blocks between steps; stop saves a checkpoint, then Finished.

Run folder `ws.runs_dir / <run_id>/` (run_id like 'train-20250101-120000-tiny'):
    config.json                   {'train': TrainConfig.to_dict(), 'model': ModelSpec, 'seed',
                                   'versions', 'device', 'selection': {..., 'count',
                                   'patients' (the patient keys trained on),
                                   'patients_restricted'}, ...}
    checkpoints/ckpt_step000000120.pt   last `keep_last` checkpoints
    checkpoints/best.pt           best by `best_metric` (a hard link or a copy): fid or kid of
                                  generated samples every `eval_every` epochs and at the end
                                  (mammogan_core.metrics.selection), or a curve's EMA
    checkpoints/checkpoints.json  index: {'checkpoints': [{step, epoch, path, metric}], 'best',
                                   'last'}
    samples/fake_step000000120.png, samples/real.png   the sample grids
Catalogue: a `runs` row (kind 'train', status running/stopped/finished/failed, step) and, at each
checkpoint, the metric windows since the previous one in `metrics` (name, value, step).
runs.list_runs(ws) shows a 'running' run whose process (config.json 'process') is gone as
'interrupted'. Under DDP, checkpoints also hold every rank's batch stream ('gen_data_ranks').
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .config import PRESETS, RUNTIME_FIELDS, TrainConfig, load_config_file, preset_config

if TYPE_CHECKING:
    from ..control import Control
    from ..events import Event
    from ..workspace import Workspace

METRIC_KEYS = (
    "loss_d",
    "loss_g",
    "d_x",
    "d_g_z",
    "r_t",
    "aug_p",
    "lr_d",
    "lr_g",
    "images_per_s",
)


def train(
    ws: Workspace,
    config: TrainConfig | None,
    control: Control,
    resume: str | None = None,
    patients: frozenset[str] | None = None,
) -> Iterator[Event]:
    """Train a DCGAN on the workspace's patches (see the module docstring); `patients`
    (patient keys) keeps only their patches (a study's fold; give them again on a resume)."""
    from .trainer import run_training

    return run_training(ws, config, control, resume, patients)


__all__ = [
    "METRIC_KEYS",
    "PRESETS",
    "RUNTIME_FIELDS",
    "TrainConfig",
    "load_config_file",
    "preset_config",
    "train",
]
