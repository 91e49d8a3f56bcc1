"""Ways to turn the head, each measured for identity (dlib) and obedience (mesh and dlib).

Pose is where edits lose the person (docs/keeping-the-person.md). Each route below turns
held-out faces (seeds 1e9+101 on) to the asked poses {-1.8, -1.2, -0.6, 0.6, 1.2}, the other
properties not asked, and is graded by judges the route never uses: dlib's descriptor distance
to the unedited face (< 0.6 = the same person) and dlib's yaw reading, beside the mesh's pose.

* svm: the run's pose direction, step = (asked - measured base pose) / its slope, the slope
  measured by the mesh on calibration faces (seeds 4.1e9 on, never test faces);
* latent-opt: per-face latent optimisation through the property CNN (Adam, 60 steps) towards
  the asked pose, holding the six other CNN heads and the gender CNN's logit, with a latent
  distance penalty (StyleCLIP-style optimisation, the CNN as the differentiable scorer);
* mirror-global: a pose direction fitted on mirror pairs: for store faces with |pose| > 0.4,
  the latent whose image is the face's mirror image (found by inverting the generator, pixel
  MSE) shows the same person at the opposite pose, so z_mirror - z is a pose change without a
  change of person; the direction is the least-squares fit of those differences on -2 x pose;
* mirror-face: each test face's own z_mirror - z as its pose direction (where the pair's pose
  change is > 0.6, else the svm direction);
* adain16: the svm step rendered with the base face's per-channel feature statistics at 16 px
  (colour, light and texture carried from the unedited face);
* warp: the unedited face warped (thin-plate spline on mesh landmarks) into the geometry of the
  svm-posed face: identity from the base pixels, geometry from the generator's turn;
* carry: the svm step rendered by the region-local renderer with carry 0.5: half of the posed
  face's 8 px feature map replaced by the unedited face's, moved along the same landmark flow
  into the posed geometry, then finished by the generator (what the default editor does).

Run: .venv/bin/python scripts/measure_pose_routes.py --run runs/n6k --faces 16
(about 8 minutes on 2 cores; --sheet writes a contact sheet of the first 2 faces).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

TARGETS = np.array([-1.8, -1.2, -0.6, 0.6, 1.2], np.float32)
TEST_SEED = 1_000_000_101
CAL_SEED = 4_100_000_000
KEEP_HEADS = (0, 1, 3, 4, 5, 6)  # the property CNN's outputs other than pose (index 2)
ROUTES = ("svm", "latent-opt", "mirror-global", "mirror-face", "adain16", "warp", "carry")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_pose_routes.py --run runs/n6k --faces 16",
    )
    ap.add_argument("--run", type=Path, required=True, help="DCGAN run (directions, property_cnn)")
    ap.add_argument("--faces", type=int, default=16, help="test faces (1..200, default 16)")
    ap.add_argument("--pairs", type=int, default=96, help="store faces for mirror-global (96)")
    ap.add_argument("--sheet", type=Path, default=None, help="PNG contact sheet to write")
    ap.add_argument(
        "--routes",
        default=",".join(ROUTES),
        help=f"comma-separated routes to measure (default all: {','.join(ROUTES)}; svm always)",
    )
    args = ap.parse_args()
    wanted = {"svm", *args.routes.split(",")}
    if not wanted <= set(ROUTES):
        ap.error(f"unknown routes {sorted(wanted - set(ROUTES))}: choose from {', '.join(ROUTES)}")

    from ohlora import generators
    from ohlora.scorers.dlib.judge import DlibJudge, identity_distance
    from ohlora.scorers.meter import open_meter
    from ohlora.vectorfind.directions import load_directions

    d = load_directions(args.run, None)
    g = generators.load(d.generator)
    meter = open_meter(args.run, "mesh", 1, d.algorithm)
    judge = DlibJudge.for_run(args.run, workers=1)
    pi = meter.properties.index("pose")
    names = d.sets["all"].names
    u_svm = d.sets["all"].vectors[names.index("pose")].astype(np.float32)

    def pose_of(images: np.ndarray) -> np.ndarray:
        return meter.measure(images)[:, pi]

    zc = g.latents_for_seeds(range(CAL_SEED, CAL_SEED + 16))

    def slope(u: np.ndarray) -> float:
        up, dn = pose_of(g.synthesize(zc + 1.5 * u)), pose_of(g.synthesize(zc - 1.5 * u))
        return float(np.nanmedian((up - dn) / 3.0))

    n, t = args.faces, len(TARGETS)
    z0 = g.latents_for_seeds(range(TEST_SEED, TEST_SEED + n))
    base = g.synthesize(z0)
    bm = np.nan_to_num(pose_of(base))
    ask = np.tile(TARGETS, n)
    zrows = np.repeat(z0, t, 0)
    along = (ask - np.repeat(bm, t))[:, None]

    def along_dir(u: np.ndarray, k: np.ndarray | float) -> np.ndarray:
        kk = np.broadcast_to(np.asarray(k, np.float32), (n,))
        uu = np.broadcast_to(u, (n, u.shape[-1]))
        return zrows + along / np.repeat(kk, t)[:, None] * np.repeat(uu, t, 0)

    z_svm = along_dir(u_svm, slope(u_svm))

    def mirror_global() -> np.ndarray:
        u_mg = _mirror_global(g, args.run, d.algorithm, args.pairs, u_svm)
        print(f"mirror-global: cosine to the svm pose direction {float(u_mg @ u_svm):.3f}")
        return g.synthesize(along_dir(u_mg, slope(u_mg)))

    def mirror_face() -> np.ndarray:
        zm = _invert_mirror(g.net, z0, u_svm)
        dp = pose_of(g.synthesize(zm)) - bm
        dz = zm - z0
        length = np.linalg.norm(dz, axis=1)
        usable = np.isfinite(dp) & (np.abs(dp) > 0.6)
        sign = np.sign(np.nan_to_num(dp))[:, None]
        u_face = np.where(usable[:, None], dz / length[:, None] * sign, u_svm)
        k_face = np.where(usable, np.abs(np.nan_to_num(dp)) / length, slope(u_svm))
        return g.synthesize(along_dir(u_face, k_face))

    def adain16() -> np.ndarray:
        hp, hb = g.features(z_svm, 16), g.features(zrows, 16)
        mp, sp = hp.mean((2, 3), keepdim=True), hp.std((2, 3), keepdim=True) + 1e-5
        mb, sb = hb.mean((2, 3), keepdim=True), hb.std((2, 3), keepdim=True) + 1e-5
        return g.from_features((hp - mp) / sp * sb + mb)

    def carry() -> np.ndarray:
        from ohlora.editing.local import LocalRenderer

        r = LocalRenderer(g, carry=0.5, keep_background=False)
        try:
            return r.render(zrows, z_svm, z_svm, r.masks(zrows, z_svm, [()] * len(zrows)))
        finally:
            r.close()

    make = {
        "svm": lambda: g.synthesize(z_svm),
        "latent-opt": lambda: g.synthesize(_latent_opt(g.net, args.run, zrows, ask, bm, t)),
        "mirror-global": mirror_global,
        "mirror-face": mirror_face,
        "adain16": adain16,
        "warp": lambda: _warp_to(base, g.synthesize(z_svm), t),
        "carry": carry,
    }
    routes: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    for name in ROUTES:
        if name in wanted:
            t0 = time.monotonic()
            routes[name] = make[name]()
            seconds[name] = time.monotonic() - t0

    seen0 = judge.analyse(base)
    asks = ", ".join(f"{a:+.1f}" for a in TARGETS)
    print(f"{n} faces x asked pose {asks}; same person = dlib distance < 0.6")
    print("route          mesh corr  mesh MAE  dlib corr | distance  same | same by asked pose")
    for name, images in routes.items():
        m = pose_of(images).reshape(n, t)
        seen = judge.analyse(images)
        dist = identity_distance(seen.descriptors.reshape(n, t, -1), seen0.descriptors[:, None])
        corr = np.nanmean([_corr(TARGETS, r) for r in m])
        dcorr = np.nanmean([_corr(TARGETS, r) for r in seen.readings[:, 2].reshape(n, t)])
        by = " ".join(f"{a:+.1f}:{(dist[:, j] < 0.6).mean():.2f}" for j, a in enumerate(TARGETS))
        print(
            f"{name:14s} {corr:9.3f} {np.nanmean(np.abs(m - TARGETS)):9.3f} {dcorr:10.3f} | "
            f"{dist.mean():8.3f} {(dist < 0.6).mean():5.2f} | {by}  ({seconds[name]:.0f} s)"
        )
    if args.sheet:
        _sheet(args.sheet, base, routes, n, t)
    judge.close()
    meter.close()
    return 0


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(b)
    return float(np.corrcoef(a[ok], b[ok])[0, 1]) if ok.sum() > 2 else np.nan


def _latent_opt(net, run: Path, zrows: np.ndarray, ask, bm, t: int) -> np.ndarray:
    """Adam on z: (CNN pose - asked)^2 + 0.01 |dz|^2/dim + mean other heads' change^2 + 0.3
    gender logit change^2 (the asked change added to the CNN's own reading of the base)."""
    import torch

    from ohlora.classifiers.ensemble import TaskModel
    from ohlora.finetune.frozen import FrozenGender, freeze
    from ohlora.scorers.cnn.folder import folder_of_run, load

    cnn = freeze(load(folder_of_run(run))[0])
    clf = Path(run) / "classifiers"
    gender = FrozenGender(TaskModel.load(clf, "gender")) if (clf / "gender.json").exists() else None
    zb = torch.from_numpy(zrows)
    keep = list(KEEP_HEADS)

    def logit(x: torch.Tensor) -> torch.Tensor:
        return torch.logit(gender(x).clamp(1e-4, 1 - 1e-4))  # type: ignore[misc]

    with torch.no_grad():
        xb = net(zb)
        cb = cnn(xb)
        gb = logit(xb) if gender else None
    target = cb[:, 2] + torch.from_numpy(ask - np.repeat(bm, t))
    z = zb.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.05)
    for _ in range(60):
        x = net(z)
        c = cnn(x)
        loss = (c[:, 2] - target) ** 2 + 0.01 * ((z - zb) ** 2).mean(1)
        loss = loss + ((c[:, keep] - cb[:, keep]) ** 2).mean(1)
        if gender is not None:
            loss = loss + 0.3 * (logit(x) - gb) ** 2
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return z.detach().numpy()


def _invert_mirror(net, z0: np.ndarray, u: np.ndarray, steps: int = 150) -> np.ndarray:
    """Latents whose images match the mirror images of z0's (start: z0 reflected along u)."""
    import torch

    zt, ut = torch.from_numpy(z0), torch.from_numpy(u)
    with torch.no_grad():
        target = net(zt).flip(3)
    z = (zt - 2 * (zt @ ut)[:, None] * ut[None]).clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.08)
    for _ in range(steps):
        loss = ((net(z) - target) ** 2).mean((1, 2, 3)) + 1e-4 * ((z**2).sum(1) - z.shape[1]).abs()
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return z.detach().numpy()


def _mirror_global(g, run: Path, algorithm: str, pairs: int, u_svm: np.ndarray) -> np.ndarray:
    from ohlora.store.samples import load_samples

    s = load_samples(run)
    pose = s.normalised[:, s.columns.index(f"{algorithm}.pose")]
    rows = np.flatnonzero(np.isfinite(pose) & s.found & (np.abs(pose) > 0.4))[:pairs]
    z0 = s.z[rows].astype(np.float32)
    dz = _invert_mirror(g.net, z0, u_svm) - z0
    w = -2 * pose[rows]
    v = (dz * w[:, None]).sum(0) / (w**2).sum()
    return (v / np.linalg.norm(v)).astype(np.float32)


def _warp_to(base: np.ndarray, posed: np.ndarray, t: int) -> np.ndarray:
    """Each base face warped so that its mesh landmarks land on its posed face's."""
    from ohlora.faces.analysis import FaceAnalyzer
    from ohlora.faces.flow import warp_image

    out = posed.copy()
    with FaceAnalyzer(256) as fa:
        for i, b in enumerate(base):
            lb = fa.landmarks_of(b)
            for j in range(t):
                lp = fa.landmarks_of(posed[i * t + j])
                if lb is not None and lp is not None:
                    out[i * t + j] = warp_image(b, lb, lp, fa.size)
    return out


def _sheet(path: Path, base: np.ndarray, routes: dict[str, np.ndarray], n: int, t: int) -> None:
    """Rows: the first 2 faces x routes; columns: the unedited face, then each asked pose."""
    import cv2

    rows = []
    for i in range(min(n, 2)):
        for images in routes.values():
            rows.append(np.concatenate([base[i], *images[i * t : (i + 1) * t]], 1))
    cv2.imwrite(str(path), np.concatenate(rows, 0)[:, :, ::-1])
    print(f"wrote {path} (rows: 2 faces x {', '.join(routes)}; columns: base, the asked poses)")


if __name__ == "__main__":
    raise SystemExit(main())
