"""The generation test (spec 5.1 and 7): ask many property combinations of one face, measure
them back, and report per-case corr / MAE and pass counts under the v3 and v7 rules."""
