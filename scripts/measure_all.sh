#!/usr/bin/env bash
# Every figure of the README's results section, in one chain (2 cores: run it alone).
# Usage: scripts/measure_all.sh  (writes under runs/ and docs/images/; log lines "== step" with
# elapsed time; hours on 2 cores: a 50-case evaluate alone takes about 8 minutes)
set -u
O=.venv/bin/ohlora
R=runs/n6k
step() { echo "== $* ($(date +%T))"; /usr/bin/time -f "   took %e s" "$@"; }
[ -f $R/normalisation.json ] || step $O sample --n 6000 --run $R
step $O find-directions --run $R --k 0.2
# the directions as found (no identity condition): every row but the default's was measured on them
step $O find-directions --run $R --k 0.2 --condition none --out $R/directions-none
D0="--directions $R/directions-none"
# Keeping the person (issue 11): the default (region-local) editor, the previous one and the
# original's rule, each with identity, background, unasked properties and the independent judge.
step $O evaluate --run $R --cases 50 --protocol v7 --out $R/eval-v7-auto
# far turns drawn as a mirror image (the default): without it, and two other thresholds; the
# rows measured before the mirror existed take --mirror-turn 0 ($M0)
M0="--mirror-turn 0"
step $O evaluate --run $R --cases 50 --protocol v7 $M0 --out $R/eval-v7-nomirror
step $O evaluate --run $R --cases 50 --protocol v7 --mirror-turn 0.5 --out $R/eval-v7-mirror05
step $O evaluate --run $R --cases 50 --protocol v7 --mirror-turn 2 --out $R/eval-v7-mirror2
step $O evaluate --run $R --cases 50 --protocol v7 --turn-carry 0.5 --out $R/eval-v7-mirror-tc05
step $O evaluate --run $R --cases 50 --protocol v7 --turn-carry 1 --out $R/eval-v7-mirror-tc1
step .venv/bin/python scripts/case_bootstrap.py $R/eval-v7-mirror-tc05 --against $R/eval-v7-auto
step .venv/bin/python scripts/case_bootstrap.py $R/eval-v7-auto --against $R/eval-v7-nomirror
step .venv/bin/python scripts/identity_by_base_pose.py $R/eval-v7-nomirror
step .venv/bin/python scripts/measure_mirror_identity.py --run $R
step .venv/bin/python scripts/make_mirror_figure.py --run $R --seeds 1846575175,1672739358,1950100272,1124283268 --out docs/images/mirror_turns.png
step $O evaluate $D0 $M0 --run $R --cases 50 --protocol v7 --carry 0.5 --region-carry 0.5 --carry-res 8 --out $R/eval-v7-carry8
step $O evaluate $D0 $M0 --run $R --cases 50 --protocol v7 --method calibrated --out $R/eval-v7-calibrated
step $O evaluate $D0 --run $R --cases 50 --protocol v7 --method seed --out $R/eval-v7-seed
# the default with the turn options a builder may take (the table's rows under the default)
step $O evaluate $D0 $M0 --run $R --cases 50 --protocol v7 --soft-turn 1.5 --out $R/eval-v7-soft15
step $O evaluate $D0 $M0 --run $R --cases 50 --protocol v7 --max-turn 1.0 --out $R/eval-v7-maxturn1
# the default with the turn carried into the asked regions, and fitted on the run's every face
step $O evaluate $M0 --run $R --cases 50 --protocol v7 --turn-carry 1 --out $R/eval-v7-turncarry1
step $O find-directions --run $R --k 0.2 --identity-faces 6000 --out $R/directions-if6000
step $O evaluate $M0 --directions $R/directions-if6000 --run $R --cases 50 --protocol v7 --out $R/eval-v7-if6000
step .venv/bin/python scripts/case_bootstrap.py $R/eval-v7-auto
step .venv/bin/python scripts/case_bootstrap.py $R/eval-v7-turncarry1 --against $R/eval-v7-nomirror
step .venv/bin/python scripts/measure_background_split.py --run $R
step .venv/bin/python scripts/identity_by_base_pose.py $R/eval-v7-auto
step .venv/bin/python scripts/identity_references.py
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 --per-ask --turn-carry 1 $M0
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 --per-ask $M0
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 --per-ask $D0 $M0
C8="--carry 0.5 --region-carry 0.5 --carry-res 8"  # the 8 px carry, the default before
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 --per-ask $C8 $D0 $M0
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 --soft-turn 1.5 $C8 $D0 $M0
step .venv/bin/python scripts/measure_identity_by_ask.py --run $R --faces 20 $C8 $D0 --region-carry 1 $M0
for c in blink talk turn; do
  step .venv/bin/python scripts/measure_clip_obedience.py --run $R --clip $c --seeds $(seq -s, 1 20)
  step .venv/bin/python scripts/measure_clip_obedience.py --run $R --clip $c --seeds $(seq -s, 1 20) $D0
  step .venv/bin/python scripts/measure_clip_obedience.py --run $R --clip $c --seeds $(seq -s, 1 20) $C8 $D0
done
step .venv/bin/python benchmarks/edit_methods.py --run $R
for c in talk blink turn; do for s in 7 11 23; do
  step $O animate --run $R --seed $s --clip $c --seconds 3 --fps 10 --out $R/clip-$c-$s.gif --check
  step $O animate $D0 --run $R --seed $s --clip $c --seconds 3 --fps 10 --out $R/clip0-$c-$s.gif --check
done; done
# Rows measured with the editor of their time (the calibrated one, mesh judge only) and the
# directions as found:
step $O evaluate $D0 --method calibrated --second-judge none --run $R --cases 50 --protocol v7
[ -f runs/cnn30k/normalisation.json ] || step $O sample --n 30000 --run runs/cnn30k
[ -f runs/cnn-test/normalisation.json ] || step $O sample --n 2000 --seed 1000000 --run runs/cnn-test
step $O train-property-cnn --run runs/cnn30k --test runs/cnn-test
step $O find-directions --run $R --k 0.2 --scorer cnn --cnn runs/cnn30k/property_cnn --out $R/directions-cnn
step $O evaluate --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --directions $R/directions-cnn --out $R/eval-v7-cnndirs
step $O evaluate --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --directions $R/directions-cnn --refine 0 --out $R/eval-v7-cnndirs-open
step $O evaluate $D0 --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --refine 0 --out $R/eval-v7-open
step $O evaluate $D0 --second-judge none --run $R --cases 50 --protocol v7 --method seed --out $R/eval-v7-seed
step $O evaluate $D0 --method calibrated --second-judge none --run $R --cases 50 --protocol v3 --out $R/eval-v3
step $O evaluate $D0 --second-judge none --run $R --cases 50 --protocol v3 --method seed --out $R/eval-v3-seed
step .venv/bin/python benchmarks/sample_throughput.py --n 1000 --cnn runs/cnn30k/property_cnn --cnn-n 10000
rm -rf runs/cnn100k
step $O sample --n 100000 --run runs/cnn100k --scorer cnn --cnn runs/cnn30k/property_cnn
step $O find-directions --run $R --k 0.2 --groups hair_color,hair_length,background_mean --out $R/directions-grouped
step $O evaluate --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --directions $R/directions-grouped --out $R/eval-v7-grouped
step $O train-classifiers --run $R
step $O classify --run $R
step $O classify --run $R --fresh 2000
step $O find-directions --run $R --k 0.2 --filter "gender>=0.5,quality>=0.5" --out $R/directions-filtered
step $O evaluate --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --directions $R/directions-filtered --filter "gender>=0.5,quality>=0.5" --out $R/eval-v7-filtered
step $O evaluate $D0 --method calibrated --second-judge none --run $R --cases 50 --protocol v7 --filter "gender>=0.5,quality>=0.5" --out $R/eval-v7-filteredbases-alldirs
step $O sweep --run $R --n 2000,6000 --k 0.05,0.1,0.2,0.3 --cases 10
cp $R/sweep/sweep_sum_passed.png $R/sweep/sweep_corr.png docs/images/
step .venv/bin/python scripts/measure_mesh_scorer.py --n 2000 --seed 1000000
step $O sample --n 2000 --run runs/n2k
step $O strips --run runs/n2k --out docs/images/property_strips.png
step .venv/bin/python scripts/measure_cnn_agreement.py --cnn runs/cnn30k/property_cnn --n 2000 --seed 1000000
step $O find-directions --run runs/cnn100k --k 0.2
step $O evaluate --method calibrated --second-judge none --run runs/cnn100k --cases 50 --protocol v7
step $O evaluate --method calibrated --second-judge none --run runs/cnn100k --cases 50 --protocol v7 --refine 0 --out runs/cnn100k/eval-v7-open
step $O find-directions --run runs/cnn100k --k 0.2 --groups hair_color,hair_length,background_mean --out runs/cnn100k/directions-grouped
step $O evaluate --method calibrated --second-judge none --run runs/cnn100k --cases 50 --protocol v7 --directions runs/cnn100k/directions-grouped --out runs/cnn100k/eval-v7-grouped
step $O evaluate --method calibrated --second-judge none --run runs/cnn100k --cases 50 --protocol v7 --directions runs/cnn100k/directions-grouped --refine 0 --out runs/cnn100k/eval-v7-grouped-open
step $O evaluate --method calibrated --second-judge none --run runs/n6k --cases 50 --protocol v7 --directions runs/n6k/directions-grouped --refine 0 --out runs/n6k/eval-v7-grouped-open
step .venv/bin/python benchmarks/stylegan_synthesis.py
step .venv/bin/python benchmarks/studio_load.py --run runs/n6k
echo "== done ($(date +%T))"
