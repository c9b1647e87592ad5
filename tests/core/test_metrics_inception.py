"""The FID Inception-v3 built with torch alone loads the published state-dict layout strictly
(a randomly initialised file with the published keys and shapes), safely, and says how to get
the weights when they are missing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from mammogan_core.errors import InputError
from mammogan_core.metrics.features import extract, inception_extractor
from mammogan_core.metrics.inception import NO_WEIGHTS_NOTE, FIDInceptionV3, load_inception

LAYOUT = json.loads((Path(__file__).parent / "data" / "fid_inception_layout.json").read_text())[
    "keys"
]


def published_like_file(path: Path, with_counters: bool = True) -> Path:
    gen = torch.Generator().manual_seed(0)
    state = {}
    for key, shape in LAYOUT.items():
        if key.endswith("num_batches_tracked"):
            if with_counters:
                state[key] = torch.tensor(0)
        elif key.endswith("running_var"):
            state[key] = torch.rand(shape, generator=gen) + 0.5
        else:
            state[key] = torch.randn(shape, generator=gen) * 0.05
    torch.save(state, path)
    return path


def test_the_model_has_the_published_keys_and_shapes() -> None:
    ours = {k: list(v.shape) for k, v in FIDInceptionV3().state_dict().items()}
    assert ours == LAYOUT


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory) -> Path:
    return published_like_file(tmp_path_factory.mktemp("inception") / "pt_inception.pth")


def test_a_published_layout_file_loads_strictly_and_gives_2048_features(weights_file) -> None:
    model, digest = load_inception(weights_file)
    import hashlib

    assert digest == hashlib.sha256(weights_file.read_bytes()).hexdigest()
    stored = torch.load(weights_file, weights_only=True)
    for key in ("Mixed_7c.branch_pool.conv.weight", "fc.bias", "Conv2d_1a_3x3.bn.running_var"):
        assert torch.equal(model.state_dict()[key], stored[key])
    images = np.random.default_rng(0).integers(0, 256, (2, 128, 128), dtype=np.uint8)
    ex = inception_extractor(str(weights_file))
    feats = extract(ex, images)
    assert feats.shape == (2, 2048) and np.isfinite(feats).all()
    assert ex.provenance() == {"extractor": "inception-v3-fid", "weights_sha256": digest}


def test_files_without_batchnorm_counters_load_too(tmp_path) -> None:
    model, _ = load_inception(published_like_file(tmp_path / "old.pth", with_counters=False))
    assert model.Mixed_5b.branch1x1.bn.num_batches_tracked.item() == 0


def test_the_preprocessing_is_pytorch_fids(weights_file) -> None:
    """Grey copied to 3 channels, /255, bilinear to 299 (align_corners=False), 2x - 1: the first
    convolution sees exactly that input."""
    model, _ = load_inception(weights_file)
    seen = {}

    def keep_input(module, inputs, output) -> None:
        seen["x"] = inputs[0]

    model.Conv2d_1a_3x3.register_forward_hook(keep_input)
    image = torch.from_numpy(np.random.default_rng(1).integers(0, 256, (1, 1, 128, 128), np.uint8))
    with torch.no_grad():
        model(image)
    x = image.float().div(255).repeat(1, 3, 1, 1)
    x = torch.nn.functional.interpolate(x, (299, 299), mode="bilinear", align_corners=False)
    torch.testing.assert_close(seen["x"], 2 * x - 1)


def test_a_wrong_state_dict_is_refused_naming_the_file(tmp_path) -> None:
    path = tmp_path / "other.pth"
    torch.save({"conv.weight": torch.zeros(3, 3)}, path)
    with pytest.raises(InputError, match="not an FID Inception-v3 state dict") as info:
        load_inception(path)
    assert str(path) in str(info.value) and "missing" in str(info.value)


def test_a_pickled_object_is_never_run(tmp_path) -> None:
    path = tmp_path / "evil.pth"
    torch.save({"model": FIDInceptionV3()}, path)  # a pickled module, not a state dict
    with pytest.raises(InputError, match="refused"):
        load_inception(path)


def test_the_missing_weights_message_says_how_to_supply_them() -> None:
    assert "--inception-weights FILE" in NO_WEIGHTS_NOTE
    assert "pt_inception-2015-12-05-6726825d.pth" in NO_WEIGHTS_NOTE
    assert NO_WEIGHTS_NOTE.count("https://") == 1
