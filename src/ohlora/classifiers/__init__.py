"""Classifiers over generated faces: gender and quality CNNs (spec 3.1), their labels,
K-fold training with restarts, and the labelling page."""
