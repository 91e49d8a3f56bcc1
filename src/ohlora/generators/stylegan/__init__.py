"""The original generator: GenForce's StyleGAN (CelebA partial, 256 x 256), written for ohlora.

`arch` (hyper-parameters), `network` (the torch modules, GenForce's state-dict layout),
`wplus` (editing w+ on chosen layers), `convert` (GenForce checkpoints -> the weights cache),
`options` (truncation, style mixing, noise), `generator` (the `Generator` behind them all) and
`registry` (where the weights come from).
"""
