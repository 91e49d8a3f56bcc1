"""Property scores from analysed faces: spec algorithms 1 and 2, the landmark variant, every
raw score column of a face, and Gaussian normalisation."""
