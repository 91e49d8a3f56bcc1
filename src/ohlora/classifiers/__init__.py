"""Classifiers over generated faces: gender and quality CNNs (spec 3.1), their hand labels,
K-fold training with restarts, and annotating a run's store with their probabilities (the
labelling page that collects the labels is in `ohlora.studio`)."""
