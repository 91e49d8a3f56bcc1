"""The adversarial step shared by FineTune-v1, v4 and v5: D on real (the base generator's own
faces with their properties) against fake (the conditional generator at fresh z and asked
properties drawn from the batch), G trained up to `g_repeats` times per D step while its loss
exceeds `g_ratio` x D's (spec 5, v1)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

Critic = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]]


def gan_step(
    g: torch.nn.Module,
    critic: Critic,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    x: torch.Tensor,
    c: torch.Tensor,
    *,
    property_weight: float = 0.0,
    g_repeats: int = 4,
    g_ratio: float = 2.0,
) -> dict[str, float]:
    """One D step and 1..g_repeats G steps. `critic(images, c)` -> (realness logits, read
    properties or None); with read properties, both nets also learn them (weight
    `property_weight`): D on the real faces' properties, G on the asked ones."""
    b = len(x)
    perm = torch.randperm(b).to(x.device)
    asked = c[perm]  # asked properties follow the data's joint distribution

    def fake() -> torch.Tensor:
        return g(torch.randn(b, g.z_dim, device=x.device), asked)

    with torch.no_grad():
        x_fake = fake()
    real_logit, real_read = critic(x, c)
    fake_logit, _ = critic(x_fake, asked)
    # a real face with someone else's properties is a fake too: D must check the condition
    wrong_logit, _ = critic(x, asked)
    d_loss = (
        F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
        + 0.5 * F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit))
        + 0.5 * F.binary_cross_entropy_with_logits(wrong_logit, torch.zeros_like(wrong_logit))
    )
    if real_read is not None:
        d_loss = d_loss + property_weight * F.mse_loss(real_read, c)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    out = {"d_loss": d_loss.item()}
    for i in range(g_repeats):
        logit, read = critic(fake(), asked)
        g_adv = F.binary_cross_entropy_with_logits(logit, torch.ones_like(logit))
        g_loss = g_adv + (property_weight * F.mse_loss(read, asked) if read is not None else 0.0)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        out["g_loss"], out["g_steps"] = g_loss.item(), float(i + 1)
        if read is not None:
            out["g_property"] = F.mse_loss(read, asked).item()
        if out["g_loss"] <= g_ratio * out["d_loss"]:
            break
    return out
