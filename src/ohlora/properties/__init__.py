"""Property scores from analysed faces: spec algorithms 1 and 2, the landmark variant, the
score columns, Gaussian normalisation and the (multi-process) mesh scorer."""
