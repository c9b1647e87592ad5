"""Evaluation of synthetic patches: how realistic, how varied, how original.

    features.py        extractors: the FID Inception-v3 (inception.py, inception_blocks.py;
                       weights from a file) and a weights-free random conv net
    frechet.py         Fréchet distance (FID, and FRD in radiomics.py)
    kid.py             kernel inception distance (unbiased, over subsets)
    precision_recall.py  k-NN manifold precision and recall
    diversity.py       mean pair distance, synthetic / real
    memorisation.py    nearest real training patch per synthetic one (pixels, features, flips)
    nearest.py         blocked exact k-NN, shared by the above
    compare.py         every figure between two sets, and the real-halves floor
    measure.py         features (cached per reference set, cache.py) + figures + memorisation,
                       as a generator of events
    evaluate.py        `mammogan evaluate` (a run), folders.py `mammogan metrics` (two folders)
    selection.py       the metric that picks a training run's best checkpoint
    tsne.py            the t-SNE map of a run (`evaluate --tsne`): tsne_embed.py (first map,
                       then points placed into it), tsne_features.py, tsne_map.py (saved map,
                       load_tsne), tsne_options.py
    report.py, figures.py, results.py, store.py (the `metrics` table), options.py,
    user_settings.py (the remembered Inception weights file)

Importing this package imports nothing heavy; torch comes with the modules that need it.
"""
