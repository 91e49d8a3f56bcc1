"""The GenForce StyleGAN behind the project's `Generator` protocol: spaces z, w and w+."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators.base import TorchGenerator
from ohlora.generators.stylegan import convert
from ohlora.generators.stylegan.arch import StyleGANArch
from ohlora.generators.stylegan.network import StyleGANNet
from ohlora.generators.stylegan.options import StyleGANOptions
from ohlora.generators.stylegan.registry import WEIGHTS_NAME
from ohlora.generators.stylegan.wplus import per_layer
from ohlora.modelfolder import ModelFolder, damaged


class _Option:
    """An attribute that reads one field of the generator's frozen `options` and, assigned,
    replaces the options with that field changed (checked like any option)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj.options, self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        obj.options = obj.options.with_overrides({self.name: value})


class StyleGANGenerator(TorchGenerator):
    """The GenForce StyleGAN behind the `Generator` protocol; spaces z, w and w+; eval, CPU.

    * `to_space(z, "w")`: the mapping output (untruncated).
      `to_space(z, "w+")`: w broadcast to all `num_layers` rows, truncation applied.
    * `synthesize(z, "z")`: map, style-mix (if `style_mixing_prob` > 0), truncate, synthesise.
      `synthesize(w, "w")`: truncate, synthesise. `synthesize(wp, "w+")`: synthesise as given
      (no truncation, no mixing), so `synthesize(to_space(z, "w+"), "w+")` equals
      `synthesize(z)` without mixing.

    Options (`StyleGANOptions`, also readable and assignable as attributes of the same name):
    * `trunc_psi` (0.7) and `trunc_layers` (8): GenForce's synthesis defaults; psi 1.0 (or 0
      layers) turns truncation off, as Oh-LoRA's inference did.
    * `style_mixing_prob` (0.0): per sample, with this probability, rows from a random
      crossover layer (1 .. num_layers - 1) on come from the w of a second z; GenForce trains
      with 0.9.
    * `randomize_noise` (False): False uses the noise maps stored in the checkpoint; True draws
      fresh noise per sample.
    * `seed` (0): seeds the draws of style mixing and random noise. Every `synthesize` /
      `synthesize_torch` call draws from its own generator seeded with it, per sample in
      order, so a call is deterministic, independent of batching and of other calls.
    * `batch_size` (8): images per forward pass in `synthesize`.

    Editing: `edit_w_plus(wp, offset, layers)` (and `wplus.per_layer`, also for torch tensors)
    adds an offset to chosen w+ rows only, given as indices, a `LAYER_GROUPS` name ("coarse",
    "middle", "fine") or `layers_of_resolution(res)`; `truncate` and `w_avg` expose the
    truncation.
    """

    spaces = ("z", "w", "w+")
    trunc_psi = _Option()
    trunc_layers = _Option()
    style_mixing_prob = _Option()
    randomize_noise = _Option()
    seed = _Option()
    batch_size = _Option()

    def __init__(
        self, net: StyleGANNet, name: str = WEIGHTS_NAME, options: StyleGANOptions | None = None
    ) -> None:
        self.net = net.eval()
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.arch = net.arch
        self.name = name
        self.z_dim = net.arch.z_dim
        self.w_dim = net.arch.w_dim
        self.resolution = net.arch.resolution
        self.num_layers = net.arch.num_layers
        self.options = options or StyleGANOptions()

    # ---- constructors

    @classmethod
    def from_dir(cls, folder: Path, **overrides: Any) -> StyleGANGenerator:
        """Load converted weights (model.safetensors + config.json) from a folder.

        The config's truncation defaults apply unless `overrides` (option names) change them.
        """
        remedy = f"import the weights again with `ohlora weights import {WEIGHTS_NAME} FILE`"
        mf = ModelFolder(Path(folder))
        state, config = mf.load(kind=weights.FORMAT, what="StyleGAN weights", remedy=remedy)
        with damaged(mf.config_path, remedy):
            arch = StyleGANArch.from_config(config)
            net = StyleGANNet(arch, init=False)
            try:
                tensors = convert.check_state_dict(state, arch)
            except OhloraError as e:
                raise OhloraError(f"{folder / weights.MODEL_FILE}: {e}") from None
            net.load_state_dict(tensors, assign=True)
        defaults = {k: config[k] for k in ("trunc_psi", "trunc_layers") if k in config}
        options = StyleGANOptions(**defaults).with_overrides(overrides)
        name = config.get("weights", {}).get("name", folder.name)
        return cls(net, name=name, options=options)

    @classmethod
    def pretrained(cls, name: str = WEIGHTS_NAME, **overrides: Any) -> StyleGANGenerator:
        """Registry weights `name`, fetched (or imported by the user) into the cache first."""
        StyleGANOptions().with_overrides(overrides)  # a wrong option fails before any fetch
        entry = weights.entry(name)
        if not entry.converter.startswith(f"{convert.__name__}:"):
            raise OhloraError(f"{name} is not a StyleGAN: see `ohlora weights list`")
        return cls.from_dir(weights.ensure(name), **overrides)

    # ---- protocol

    def latent_shape(self, space: str) -> tuple[int, ...]:
        self._check_space(space)
        if space == "z":
            return (self.z_dim,)
        if space == "w":
            return (self.w_dim,)
        return (self.num_layers, self.w_dim)

    def _map(self, z: torch.Tensor, space: str) -> torch.Tensor:
        w = self.net.mapping(z.float())
        if space == "w":
            return w
        return self.net.truncation(w, self.trunc_psi, self.trunc_layers)

    def _call_forward(self, space: str) -> Callable[[torch.Tensor], torch.Tensor]:
        """One call's forward pass: its random draws start afresh from `seed` and run on
        across the call's batches."""
        draws = torch.Generator().manual_seed(self.seed)
        return lambda latents: self._forward(latents, space, draws)

    def _forward(
        self, latents: torch.Tensor, space: str, draws: torch.Generator | None = None
    ) -> torch.Tensor:
        latents = latents.float()
        if draws is None:
            draws = torch.Generator().manual_seed(self.seed)
        mix_z, mix_from, noise = self._sample_draws(draws, latents.shape[0])
        if space == "w+":
            wp = latents
        else:
            w = self.net.mapping(latents) if space == "z" else latents
            wp = self.net.truncation.broadcast(w)
            if space == "z" and mix_z is not None and mix_from is not None:
                wp2 = self.net.truncation.broadcast(self.net.mapping(mix_z.to(w.dtype)))
                rows = torch.arange(self.num_layers).view(1, -1, 1)
                wp = torch.where(rows >= mix_from.view(-1, 1, 1), wp2, wp)
            wp = self.net.truncation(wp, self.trunc_psi, self.trunc_layers)
        return self.net.synthesis(wp, noise)

    def _sample_draws(
        self, gen: torch.Generator, n: int
    ) -> tuple[torch.Tensor | None, torch.Tensor | None, list[torch.Tensor] | None]:
        """Random draws of `n` samples, each in turn: style mixing (when on: a uniform, the
        crossover layer, a second z), then one noise map per layer (when randomised).

        Returns the second z (n, z_dim) and the first mixed row per sample (num_layers where
        the sample is not mixed), or None, None; and the noise maps per layer or None.
        """
        mixing = self.style_mixing_prob > 0
        active = self.net.synthesis.active_layers()
        layers = [self.net.synthesis.layer(i) for i in range(self.num_layers)]
        zs: list[torch.Tensor] = []
        starts: list[int] = []
        maps: list[list[torch.Tensor]] = [[] for _ in layers]
        for _ in range(n if (mixing or self.randomize_noise) else 0):
            if mixing:
                u = float(torch.rand((), generator=gen))
                cut = int(torch.randint(1, max(active, 2), (), generator=gen))
                zs.append(torch.randn(self.z_dim, generator=gen))
                starts.append(cut if u < self.style_mixing_prob else self.num_layers)
            if self.randomize_noise:
                for i, layer in enumerate(layers):
                    res = layer.apply_noise.resolution
                    maps[i].append(torch.randn(1, res, res, generator=gen))
        noise = [torch.stack(m) for m in maps] if self.randomize_noise and n else None
        if not zs:
            return None, None, noise
        return torch.stack(zs), torch.tensor(starts), noise

    # ---- editing helpers

    @property
    def w_avg(self) -> np.ndarray:
        """The average w (the truncation centre), float32 (w_dim,)."""
        return self.net.truncation.w_avg.detach().numpy().astype(np.float32)

    def truncate(
        self, wp: np.ndarray, psi: float | None = None, layers: int | None = None
    ) -> np.ndarray:
        """Apply truncation to w (N, D) or w+ (N, L, D); defaults are this generator's options."""
        psi = self.trunc_psi if psi is None else float(psi)
        layers = self.trunc_layers if layers is None else int(layers)
        with torch.inference_mode():
            t = torch.from_numpy(np.ascontiguousarray(wp, np.float32))
            return self.net.truncation(t, psi, layers).numpy().astype(np.float32)

    def edit_w_plus(
        self,
        wp: np.ndarray,
        offset: np.ndarray,
        layers: Iterable[int] | str | None,
    ) -> np.ndarray:
        """`per_layer` for this generator: add `offset` to rows `layers` of w+ (N, L, D)."""
        self._check_latents(wp, "w+")
        return np.asarray(per_layer(wp, offset, layers), np.float32)
