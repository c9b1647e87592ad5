"""Parts of the Experiment panel: the study form, progress, the F1-against-k plot and results."""
