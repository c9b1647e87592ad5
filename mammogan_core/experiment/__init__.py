"""The four-mode augmentation study (ORG, AugORG, GAN, AugGAN): patient-level folds, a lesion classifier per mode, k and fold, and F1 against the number of real lesions.

    from mammogan_core.experiment.options import StudyOptions   # the settings (torch-free)
    from mammogan_core.experiment.study import run_study        # events; torch loads inside
    from mammogan_core.experiment.store import list_studies, load_study

Modules: options (settings), folds (patient-level folds, leakage counts), modes (what each mode
trains on), generator (each fold's generator, an existing run's check), classifier (the seed's
classifier and its scores), results (typed results, summary, paired comparisons), plot (PNG and
CSV), store (the study folder under runs/), study (the whole run, resumable per cell).
"""
