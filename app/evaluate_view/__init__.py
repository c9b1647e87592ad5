"""Parts of the Evaluate panel: grids, metrics over checkpoints, the t-SNE map, memorisation."""
