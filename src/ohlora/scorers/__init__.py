"""Scorers: uint8 face images in, raw property score columns out.

`base` holds the `Scorer` protocol and its one result type `Scores`; `mesh/` is the mediapipe
scorer (exact, slow, multi-process), `cnn/` the property CNN that learns the mesh's scores
(fast, differentiable); `factory.make_scorer` opens either by name; `meter.PropertyMeter`
turns a scorer's raw columns into a run's normalised property units.
"""
