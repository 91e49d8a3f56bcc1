"""`ohlora label`: hand-label gender and quality in a browser page; export labelled sets."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_face_seed_arg, add_generator_arg, int_range

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "label"
ORDER = 24
HELP = "label faces' gender and quality in a local web page; export labels; audit them"
DESCRIPTION = """serve: a local page shows one generated face at a time (384 px) and takes keys:
W woman, M man, G good, B bad, S skip, U or Backspace undo, arrows previous / next. Each key
is saved at once (atomically) to RUN/labels.csv (index,seed,gender,quality,pass; an empty
cell is not labelled yet, a skipped face has `skip`, pass is the --pass that last changed the
row), so closing the page or killing the server loses nothing; reopening continues at the
first unlabelled face (or at face I with http://HOST:PORT/#I). The page shows progress and
this session's speed (faces a minute). The faces are the first N rows of
the run's sample store when it has one, else seeds SEED..SEED+N-1.
export: write a run's complete labels (both labels, not skipped) as a standalone labelled
set, FOLDER/labels.csv (index,gender,quality) + FOLDER/latents.npy, optionally merged with
the shipped 2,000 labels. `ohlora train-classifiers --labels RUN/labels.csv` reads a run's
sheet directly; export is for keeping or sharing a set.
audit: after train-classifiers, the labelled faces whose out-of-fold prediction disagrees most
with their label (|label - p|, largest first), per task: OUT/audit_gender.png and
OUT/audit_quality.png (faces at 128 px, captioned with seed or row, label and p) and
OUT/audit.csv. Look again at each and correct it on the page with --pass 2 (/#I opens face I)."""
EPILOG = """examples:
  ohlora label serve --run runs/a                      # then open http://127.0.0.1:8765/
  ohlora label serve --run runs/lab --n 500 --seed 5000 --port 8800
  ohlora label serve --run runs/lab --n 500 --seed 5000 --pass 2   # an audit's corrections
  ohlora label export --run runs/a --out labels/mine --with-shipped
  ohlora label audit --classifiers runs/a/classifiers --out runs/a/audit --top 48
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser(
        "serve",
        help="serve the labelling page",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=p.formatter_class,
    )
    s.add_argument("--run", type=Path, required=True, help="run directory (created if new)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (local by default)")
    s.add_argument(
        "--port", type=int_range(0, 65535), default=8765, help="port (0..65535; 0 = any free)"
    )
    s.add_argument(
        "--n", type=int_range(1, 1_000_000), default=300, help="number of faces (1..1e6)"
    )
    add_face_seed_arg(s, "seed of face 0 when the run has no sample store; face i is SEED+i")
    s.add_argument(
        "--pass",
        dest="label_pass",
        metavar="N",
        type=int_range(1, 99),
        default=1,
        help="labelling pass recorded in each row this session changes (1..99; default 1: "
        "first look, 2+: audits)",
    )
    add_generator_arg(s)
    e = sub.add_parser(
        "export",
        help="write a run's complete labels as labels.csv + latents.npy",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=p.formatter_class,
    )
    e.add_argument("--run", type=Path, required=True, help="run directory holding labels.csv")
    e.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    e.add_argument("--with-shipped", action="store_true", help="put the shipped 2,000 labels first")
    add_generator_arg(e)
    a = sub.add_parser(
        "audit",
        help="show the labelled faces the K-fold models disagree with most",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=p.formatter_class,
    )
    a.add_argument(
        "--classifiers",
        type=Path,
        required=True,
        help="folder train-classifiers wrote (holds oof.csv), e.g. RUN/classifiers",
    )
    a.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    a.add_argument(
        "--top",
        type=int_range(1, 2000),
        default=48,
        help="faces per task, most disagreeing first (1..2000; default 48)",
    )
    a.add_argument(
        "--generator",
        default=None,
        help="generator of the labelled faces (default: the one the classifiers record)",
    )


def run(args: argparse.Namespace) -> int:
    if args.action == "serve":
        return _serve(args)
    if args.action == "audit":
        return _audit(args)
    return _export(args)


def _audit(args: argparse.Namespace) -> int:
    import json

    from ohlora import generators
    from ohlora.classifiers.audit import (
        audit_csv,
        audit_sheet,
        disagreements,
        latents_of,
        read_oof_rows,
    )
    from ohlora.runinfo import atomic_write_bytes

    rows = read_oof_rows(args.classifiers)
    generator = args.generator
    if generator is None:
        meta = args.classifiers / "gender.json"
        generator = json.loads(meta.read_text()).get("generator") if meta.is_file() else None
    gen = generators.load(generator or "dcgan-digiface-64")
    args.out.mkdir(parents=True, exist_ok=True)
    listed = []
    for task in ("gender", "quality"):
        worst = disagreements(rows, task, args.top)
        images = gen.synthesize(latents_of(worst, gen)) if worst else None
        if images is not None:
            audit_sheet(images, worst).save(args.out / f"audit_{task}.png")
        listed += worst
        contradicted = sum(a.gap > 0.5 for a in disagreements(rows, task, len(rows)))
        print(
            f"{task}: {contradicted} labelled faces predicted the other way out of fold; "
            f"the {len(worst)} most confident are in {args.out / f'audit_{task}.png'}"
        )
    atomic_write_bytes(args.out / "audit.csv", audit_csv(listed))
    print(f"list: {args.out / 'audit.csv'}")
    return 0


def _faces(args: argparse.Namespace) -> tuple[object, str, str]:
    """(seeds, generator name, where the faces come from)."""
    from ohlora.generators.seeds import seed_range
    from ohlora.store.rundir import RunDir
    from ohlora.store.samples import shard_files

    rd = RunDir(args.run)
    if shard_files(args.run):
        from ohlora.store.samples import load_samples

        s = load_samples(args.run)
        generator = rd.stage_config("sample")["generator"]
        return s.seed[: args.n], generator, "samples"
    seeds = seed_range(args.seed, args.n)
    return seeds, args.generator, "seeds"


def _serve(args: argparse.Namespace) -> int:
    from ohlora import generators
    from ohlora.errors import OhloraError
    from ohlora.store.rundir import RunDir
    from ohlora.studio.label_server import LabelApp, make_server
    from ohlora.studio.label_sheet import SHEET_FILE, LabelSheet

    seeds, generator, source = _faces(args)
    rd = RunDir(args.run)
    recorded = rd.config().get("label")
    if recorded is not None and recorded.get("generator") != generator:
        raise OhloraError(
            f"{args.run} was labelled on {recorded.get('generator')}, not {generator}: "
            "use the same --generator or another --run"
        )
    sheet = LabelSheet.open(args.run / SHEET_FILE, seeds, args.label_pass)
    gen = generators.load(generator)
    rd.record_stage(
        "label",
        {
            "source": source,
            "n": len(sheet),
            "seed": int(sheet.seeds[0]),
            "generator": generator,
            "labels": SHEET_FILE,
        },
    )
    app = LabelApp(sheet, gen, str(args.run))
    httpd = make_server(app, args.host, args.port)
    host, port = httpd.server_address[:2]
    first = sheet.first_unlabelled()
    print(
        f"labelling page: http://{host}:{port}/  ({sheet.labelled_count()} / {len(sheet)} "
        f"labelled, next face {first if first is not None else 'none'}; "
        f"labels in {sheet.path}; Ctrl-C to stop)",
        flush=True,
    )
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    print(f"stopped: {sheet.labelled_count()} / {len(sheet)} labelled in {sheet.path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    import numpy as np

    from ohlora import generators
    from ohlora.classifiers.labels import (
        LATENTS_FILE,
        SHIPPED_GENERATOR,
        format_latent_set,
        read_labels,
        shipped_label_sets,
    )
    from ohlora.errors import OhloraError
    from ohlora.runinfo import atomic_write_bytes
    from ohlora.studio.label_sheet import SHEET_FILE

    sheet = read_labels(args.run / SHEET_FILE)
    generator = sheet.generator or args.generator
    complete = ~sheet.skipped & ~np.isnan(sheet.gender) & ~np.isnan(sheet.quality)
    part = sheet.subset(complete)
    gen = generators.load(generator)
    z = [part.latents_for(gen)]
    g, q = [part.gender], [part.quality]
    if args.with_shipped:
        if generator != SHIPPED_GENERATOR:
            raise OhloraError(
                f"the shipped labels are faces of {SHIPPED_GENERATOR}, this run's are of "
                f"{generator}: export without --with-shipped"
            )
        shipped = shipped_label_sets()
        z[:0] = [sh.latents_for(gen) for sh in shipped]
        g[:0] = [sh.gender for sh in shipped]
        q[:0] = [sh.quality for sh in shipped]
    latents = np.concatenate(z).astype(np.float32)
    args.out.mkdir(parents=True, exist_ok=True)
    import io

    buf = io.BytesIO()
    np.save(buf, latents, allow_pickle=False)
    atomic_write_bytes(args.out / LATENTS_FILE, buf.getvalue())
    atomic_write_bytes(
        args.out / "labels.csv", format_latent_set(np.concatenate(g), np.concatenate(q))
    )
    left = len(sheet) - int(complete.sum())
    print(
        f"{len(latents)} labelled faces ({int(complete.sum())} from {args.run}"
        + (f", {len(latents) - int(complete.sum())} shipped" if args.with_shipped else "")
        + f"; {left} incomplete or skipped left out) -> {args.out}"
    )
    return 0
