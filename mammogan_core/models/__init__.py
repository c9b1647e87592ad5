"""Models: DCGAN generator/discriminator presets and safe weight loading.

build_models(preset, generator=None, nz=..., ngf=..., ndf=...) -> (G, D, ModelSpec)
MODEL_PRESETS: 'alyafi2020' (the seed, G about 5.4 M parameters), 'dcgan' (classic, the
               reference benchmark), 'cpu' (the demo's), 'small-data' (the seed's with
               resize upsampling), 'tiny' (tests)
condition_index(g, 'mass/malignant'), sample_classes(g, start, count, index, device): the
               classes a conditional generator draws
load_generator_weights(path, preset='alyafi2020') -> Generator (eval mode, CPU); refuses
               anything that is not a plain state dict with InputError
"""

from .conditions import condition_index, sample_classes
from .dcgan import Discriminator, Generator, init_weights
from .presets import (
    MODEL_PRESETS,
    ModelSpec,
    build_discriminator,
    build_generator,
    build_models,
    count_parameters,
    model_spec,
)
from .weights import generator_state, load_generator_weights, load_state_strict, read_state_file

__all__ = [
    "MODEL_PRESETS",
    "Discriminator",
    "Generator",
    "ModelSpec",
    "build_discriminator",
    "build_generator",
    "build_models",
    "condition_index",
    "count_parameters",
    "generator_state",
    "init_weights",
    "load_generator_weights",
    "load_state_strict",
    "model_spec",
    "read_state_file",
    "sample_classes",
]
