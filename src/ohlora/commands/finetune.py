"""`ohlora finetune`: train a FineTune version (v1..v5) as a conditional generator."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_rng_seed_arg, float_range, int_range, params_from

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "finetune"
ORDER = 65
HELP = "fine-tune the DCGAN into a conditional generator (FineTune-v1..v5, spec 5, 5.1, 6)"
DESCRIPTION = """Train one of the original's fine-tuned generators on RUN's faces (the base DCGAN's
own faces with their properties). A trainable head in front of the DCGAN maps (z, asked
properties) to the DCGAN's z (the DCGAN has no mapping network); discriminators are trained
from scratch (it ships none).
  v1: 7 properties (algorithm-1 mesh scores), head trained, convolutions frozen, conditional
      discriminator, G trained up to 4 times per D step while its loss > 2 x D's.
  v2: 6 properties via the frozen property CNN, whole generator trainable, property MSE only.
  v3: conditional VAE, loss C + G + 0.2 M + 0.05 V, encoder lr 1e-5, head lr 1e-4, cosine
      T_max 10, property CNN and gender CNN frozen, eyes / mouth / pose.
  v4: v1 on eyes / mouth / pose labelled by the property CNN.
  v5: discriminator = the property CNN (its weights), everything trainable, truncation psi 0.5.
After every epoch: the test of spec 5.1 (--test-z z x 50 asked combinations, measured by the
property CNN, v3 pass rule); a checkpoint is written, so a killed run resumes from its last
epoch when run again. v3 keeps OUT/epochs/epoch-NNN for every passing epoch and adopts the
best. Needs RUN/property_cnn (`ohlora train-property-cnn`); v3 also RUN/classifiers."""
EPILOG = """example:
  ohlora finetune --run runs/a --version v3 --epochs 10 --minutes 45
  ohlora generate --finetune runs/a/finetune-v3 --eyes 1 --mouth 0.8 --pose -1 --n 8 --out f/
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="DCGAN run (sample store, CNN)")
    p.add_argument(
        "--version", choices=["v1", "v2", "v3", "v4", "v5"], default="v3", help="which version"
    )
    p.add_argument(
        "--out", type=Path, default=None, help="model folder (default RUN/finetune-VERSION)"
    )
    p.add_argument("--epochs", type=int_range(1, 1000), default=10, help="most epochs (1..1000)")
    p.add_argument("--n", type=int_range(64), default=2048, help="training faces per epoch (>= 64)")
    p.add_argument("--batch-size", type=int_range(2, 1024), default=32, help="batch size (2..1024)")
    p.add_argument(
        "--minutes",
        type=float_range(0.0, 10_000.0),
        default=45.0,
        help="time budget: no epoch starts after it (0..1e4, default 45)",
    )
    p.add_argument(
        "--test-z", type=int_range(1, 1000), default=30, help="z of the per-epoch test (1..1000)"
    )
    p.add_argument("--cnn", type=Path, default=None, help="property CNN (default RUN's)")
    p.add_argument(
        "--classifiers", type=Path, default=None, help="gender classifier folder (RUN/classifiers)"
    )
    p.add_argument(
        "--keep",
        choices=["last", "best"],
        default="last",
        help="the epoch that becomes the model of v1, v2, v4 and v5: the last, or the best by "
        "the per-epoch test (most v3 passes, then the highest corr sum; its model is kept in "
        "OUT/best-epoch while training); v3 always adopts its best passing epoch",
    )
    p.add_argument("--device", default="cpu", help="torch device: cpu (default) or cuda")
    add_rng_seed_arg(p, "initialisation and draws")


def run(args: argparse.Namespace) -> int:
    from ohlora.finetune.loop import train
    from ohlora.finetune.params import FineTuneParams
    from ohlora.progress import progress_bar
    from ohlora.runinfo import provenance
    from ohlora.store.rundir import RunDir

    params = params_from(args, FineTuneParams)
    with progress_bar() as bar:
        task = bar.add_task(f"finetune {args.version} (epoch steps)", total=None)

        def on_step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        out, record = train(args.run, params, on_step=on_step)
    RunDir(args.run).record_stage(
        f"finetune-{args.version}",
        {"out": str(out), "epochs": record["epoch"], "provenance": provenance()},
    )
    for h in record["history"]:
        t, mc = h["test"], h["test"]["mean_corr"]
        losses = ", ".join(f"{k} {v:.4f}" for k, v in h["losses"].items())
        print(
            f"epoch {h['epoch']}: {losses}; test corr eyes {mc['eyes']:.3f} mouth "
            f"{mc['mouth']:.3f} pose {mc['pose']:.3f}, passed v3 {t['passed_v3']}/{t['cases']}"
        )
    print(f"{record['epoch']} epochs in {record['seconds']:.0f} s; model in {out}")
    return 0
