"""Model presets, the seed's exact layout (medigan-compatible keys), and safe weight loading."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from mammogan_core.errors import InputError
from mammogan_core.models import build_models, count_parameters, load_generator_weights
from mammogan_core.training import preset_config
from mammogan_core.training.devices import speed_plan
from mammogan_core.training.metrics import STEP_STATS
from mammogan_core.training.step import GanStep


def test_alyafi2020_generator_has_the_published_layout() -> None:
    g, d, spec = build_models("alyafi2020")
    state = g.state_dict()
    convs = [0, 3, 6, 9, 12, 15]  # ConvT, BN, LeakyReLU triples; the last ConvT, then Tanh
    assert {f"model.{i}.weight" for i in convs} <= set(state)
    for i in (1, 4, 7, 10, 13):
        for part in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
            assert f"model.{i}.{part}" in state
    assert len(state) == 6 + 5 * 5
    assert state["model.0.weight"].shape == (200, 450, 4, 4)
    assert [state[f"model.{i}.weight"].shape[1] for i in convs] == [450, 360, 180, 90, 45, 1]
    assert not any(
        k.endswith(".bias")
        and not k.startswith(("model.1.", "model.4.", "model.7.", "model.10.", "model.13."))
        for k in state
    )
    assert 5.3e6 < count_parameters(g) < 5.5e6
    assert (spec.nz, spec.ngf) == (200, 45)
    out = g(torch.randn(2, 200, 1, 1))
    assert out.shape == (2, 1, 128, 128) and out.abs().max() <= 1.0
    assert d(out).shape == (2,)  # one logit per image
    assert [m.kernel_size for m in d.main if isinstance(m, torch.nn.Conv2d)] == [(4, 4)] + [
        (6, 6)
    ] * 4 + [(4, 4)]


def test_init_follows_dcgan() -> None:
    g, _, _ = build_models("alyafi2020", generator=torch.Generator().manual_seed(0))
    w = g.model[3].weight
    assert abs(w.mean().item()) < 1e-3 and abs(w.std().item() - 0.02) < 1e-3
    assert abs(g.model[1].weight.mean().item() - 1.0) < 0.01 and g.model[1].bias.abs().sum() == 0


def test_overrides_and_unknown_preset() -> None:
    g, _, spec = build_models("tiny", ngf=6, nz=16)
    assert spec.ngf == 6 and g.model[0].weight.shape == (16, 60, 4, 4)
    with pytest.raises(InputError, match="unknown model preset"):
        build_models("stylegan")


def test_medigan_style_state_dict_loads_strict(tmp_path) -> None:
    g, _, _ = build_models("alyafi2020", generator=torch.Generator().manual_seed(3))
    raw = tmp_path / "malign_mass_gen"
    torch.save(g.state_dict(), raw)
    wrapped = tmp_path / "wrapped.pt"
    torch.save({"state_dict": g.state_dict(), "epoch": 7}, wrapped)
    z = torch.randn(3, 200, 1, 1)
    expected = g.eval()(z)
    for path in (raw, wrapped):
        loaded = load_generator_weights(path, "alyafi2020")
        assert torch.equal(loaded(z), expected)


def test_weights_of_another_architecture_are_refused(tmp_path) -> None:
    g, _, _ = build_models("tiny")
    path = tmp_path / "tiny.pt"
    torch.save(g.state_dict(), path)
    with pytest.raises(InputError, match="do not fit the alyafi2020 generator") as err:
        load_generator_weights(path, "alyafi2020")
    assert str(path) in str(err.value)


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("writer", ["torch.save", "pickle"])
def test_malicious_pickle_is_refused_without_running(tmp_path, writer: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    payload = {"model.0.weight": _Evil(str(marker))}
    if writer == "torch.save":
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload))
    with pytest.raises(InputError, match="not a plain state dict") as err:
        load_generator_weights(path, "alyafi2020")
    assert str(path) in str(err.value)
    assert not marker.exists()


def test_garbage_and_missing_files_are_refused(tmp_path) -> None:
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00not a torch file at all")
    with pytest.raises(InputError, match=r"junk\.pt"):
        load_generator_weights(junk)
    with pytest.raises(InputError, match="no such weights file"):
        load_generator_weights(tmp_path / "missing.pt")
    tensor_only = tmp_path / "tensor.pt"
    torch.save(torch.zeros(3), tensor_only)
    with pytest.raises(InputError, match="expected a state dict"):
        load_generator_weights(tensor_only)


@pytest.mark.parametrize(("preset", "batch"), [("tiny", 16), ("alyafi2020", 2), ("dcgan", 2)])
def test_one_cpu_step_of_each_preset(preset: str, batch: int) -> None:
    cfg = preset_config(preset, batch_size=batch)
    device = torch.device("cpu")
    data = torch.randint(0, 256, (8, 1, 128, 128), dtype=torch.uint8)
    step = GanStep(cfg, data, device, speed_plan(cfg, device))
    before = step.G.model[0].weight.detach().clone()
    stats = step(torch.tensor(0.9))
    assert stats.shape == (len(STEP_STATS),) and torch.isfinite(stats).all()
    assert 0 < stats[2] < 1 and 0 < stats[3] < 1  # D(x), D(G(z)) are probabilities
    assert not torch.equal(before, step.G.model[0].weight)  # G was updated
    assert all(p.requires_grad for p in step.D.parameters())  # restored after the G update
