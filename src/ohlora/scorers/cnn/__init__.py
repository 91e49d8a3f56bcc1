"""The property-score CNN (spec 3.2, 8.2): its network, model folder, scorer and training."""
