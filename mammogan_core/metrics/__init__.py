"""Evaluation of synthetic patches: how realistic, how varied, how original.

    features.py        extractors: the FID Inception-v3 (inception.py, inception_blocks.py;
                       weights from a file) and a weights-free random conv net
    registry.py        every figure declared once: name, label with unit, scale, better direction
    compare.py         every figure between a real and a synthetic set, with its bootstrap
                       interval and its real-vs-real floor at the same sample size
    resample.py        the figures on resampled feature rows (KID, precision/recall, diversity,
                       the 1-NN two-sample test, Fréchet distances), vectorised
    frechet.py         Fréchet distance (FID; radiomics.py's 38 scikit-image features)
    kid.py             kernel inception distance (unbiased, over subsets: training's checks)
    precision_recall.py  k-NN manifold precision and recall (the reference implementation)
    memorisation.py    nearest real training patch per synthetic one (pixels, features, flips)
    nearest.py         blocked exact k-NN, shared by the above
    table.py           the figures as the CLI's and the report's text table
    measure.py         features (cached per reference set, cache.py) + figures + memorisation,
                       as a generator of events
    evaluate.py        `mammogan evaluate` (a run), folders.py `mammogan metrics` (two folders)
    selection.py       the metric that picks a training run's best checkpoint, against the
                       held-out patches of selection_reference.py
    tsne.py            the t-SNE map of a run (`evaluate --tsne`): tsne_embed.py (a joint first
                       map by default, or points placed into one), tsne_features.py,
                       tsne_map.py (saved map,
                       load_tsne), tsne_options.py
    report.py, figures.py, results.py, store.py (the `metrics` table), options.py,
    user_settings.py (the remembered Inception weights file)

Importing this package imports nothing heavy; torch comes with the modules that need it.
"""
