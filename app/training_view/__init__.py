"""Widgets of the Train panel: hyperparameter form, live curves, sample grids, training status,
runs list and latent explorer. Qt only; the work is done by `mammogan_core.training`."""
