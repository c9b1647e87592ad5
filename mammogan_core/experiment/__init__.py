"""The augmentation study (ORG, AugORG, Oversample, AugOversample, GAN, AugGAN): patient-level
folds, a generator per (fold, k) on exactly its k lesions, classifiers per mode, k, fold and
seed with their threshold chosen on validation, and F1, AP and AUC against the number of real
lesions with intervals over folds and Holm-corrected paired comparisons.

    from mammogan_core.experiment.options import StudyOptions   # the settings (torch-free)
    from mammogan_core.experiment.study import run_study        # events; torch loads inside
    from mammogan_core.experiment.store import list_studies, load_study

Modules: options (settings), folds (patient-level folds, leakage counts), modes (what each mode
trains on), generator (each (fold, k)'s synthetic lesions: trained and cached, an existing run's
check, or an injected source), classifier (the classifier, its selection and threshold),
results (typed results), stats (summary, comparisons, Holm, warnings), report (the CLI's
table), colours (shared with the app), plot (PNG and CSV), store (the study folder under runs/),
study (the whole run, resumable per cell).
"""
