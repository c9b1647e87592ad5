"""The four-mode augmentation study (ORG, AugORG, GAN, AugGAN): patient-level folds, a lesion classifier per mode, k and fold, and F1 against the number of real lesions."""
