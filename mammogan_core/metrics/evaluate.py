"""`mammogan evaluate`: a training run's generator against the patches it was trained on.

The checkpoint's generator draws `n` patches (seeded); the reference set is the run's own
training selection (its stored settings: label, lesion types, pathology, split). The report goes
to `<run>/evaluation/step<step>-n<n>-seed<seed>/`; the values go to the `metrics` table with
their provenance, at the checkpoint's step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..control import Control
from ..errors import InputError
from ..events import Event, Finished, Log
from ..training.data import describe_selection, select_patch_ids
from ..training.devices import resolve_device
from ..training.generate import generator_from_run
from ..training.model_card import write_model_card
from ..training.runs import stored_train_config
from ..workspace import Workspace
from .cache import ids_key
from .measure import measure, provenance
from .options import EvaluateOptions
from .per_condition import per_condition
from .report import report_folder, to_result, write_report
from .samples import sample_patches
from .store import store_metrics
from .tsne import map_samples
from .tsne_options import TsneOptions
from .user_settings import inception_weights


def evaluate_run(ws: Workspace, options: EvaluateOptions, control: Control) -> Iterator[Event]:
    options.require_run()
    weights = inception_weights(options.inception_weights)
    device = resolve_device(options.device)
    g, source = generator_from_run(ws, options.run, options.checkpoint)
    config = stored_train_config(ws, options.run)
    ids = select_patch_ids(ws, config)
    if not ids:
        raise InputError(
            f"the run's training patches are gone ({describe_selection(config)})", ws.root
        )
    real = ws.patch_pixels(ids, "uint8")
    yield Log(
        f"{options.run} at step {source['step']}: {options.n} synthetic patches against "
        f"{len(ids)} {describe_selection(config)}"
    )
    fake = sample_patches(g.to(device), options.n, options.seed, device, control)
    m = yield from measure(
        real,
        fake,
        inception=weights,
        device=device,
        control=control,
        seed=options.seed,
        cache_folder=ws.root / "cache" / "metrics",
        real_key=ids_key(ids),
    )
    step = int(source["step"])
    folder = report_folder(ws, options.run, step, options.n, options.seed)
    origin = {"run": options.run, "checkpoint": source["checkpoint"], "step": step}
    result = to_result(m, folder, len(real), len(fake), origin, real_ids=ids)
    rows = yield from per_condition(ws, g, ids, options.n, options.seed, weights, device, control)
    result = replace(result, per_condition=rows)
    if options.tsne:
        tsne = yield from map_samples(
            ws, fake, folder, origin, TsneOptions(synthetic=options.n, seed=options.seed), control
        )
        result = replace(result, tsne=tsne.to_dict())
    write_report(folder, result, m, real, fake)
    store_metrics(
        ws,
        options.run,
        step,
        {**m.values(), "memorised": len(result.memorised)},
        provenance(
            m,
            len(real),
            len(fake),
            options.seed,
            reference={"selection": describe_selection(config), "ids_sha256": ids_key(ids)},
            checkpoint=source["checkpoint"],
            report_dir=ws.rel(folder),
        ),
    )
    write_model_card(ws, options.run)
    yield Finished(result)
