"""How an editor over a run edits and measures, as one frozen value built by the commands.

Fields carry the command-line names of `ohlora edit` / `ohlora evaluate` (`--directions`,
`--refine`, `--views`, `--method`, `--workers`, `--max-turn`, `--soft-turn`, `--carry`,
`--region-carry`, `--carry-res`, `--region-steps`, `--turn-carry`, `--mirror-turn`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_CARRY = 0.8  # measured in docs/keeping-the-person.md
DEFAULT_REGION_CARRY = 0.0
CARRY_RESOLUTIONS = (4, 8)  # the coarse maps the carry can replace (px)
DEFAULT_CARRY_RES = 4  # 8 px with carry 0.5, region carry 0.5: the default before
REGION_STEPS = ("own", "shared")  # what each asked region shows (see `region_steps` below)
DEFAULT_REGION_STEPS = "own"
# 1.0 keeps more of the person and turns the head less far (docs/keeping-the-person.md)
DEFAULT_TURN_CARRY = 0.0
DEFAULT_SOFT_TURN = 0.0  # as asked; 1.5 and 2.5 measured in docs/keeping-the-person.md
# still images: a turn that saves at least this many sd is drawn mirrored (0: never); clips
# and the studio pass 0, a mirror would flip the face between frames (docs/keeping-the-person.md)
DEFAULT_MIRROR_TURN = 1.0


@dataclass(frozen=True)
class EditParams:
    """The directions an editor steers along and how it measures its faces."""

    directions: Path | None = None  # a directions folder (None: RUN/directions)
    refine: int = 2  # closed-loop correction rounds (0: open loop)
    views: int = 1  # test-time views averaged in the edit's own measurements (1..4)
    # local: region-local rendering; calibrated: targets solved into global steps; seed: the
    # original's rule; auto: local where the generator allows it, else calibrated
    method: str = "auto"
    workers: int = 2  # face-analysis processes of the edit's meter (0: in-process)
    scorer: str = "mesh"  # the scorer that measures base and edited faces
    # the most the pose may move from the base face's, in standard deviations (None: as far
    # as asked); turns beyond about one sd change the person on the embedded DCGAN
    max_turn: float | None = None
    # asked turns eased off: the pose moves soft_turn * tanh(asked turn / soft_turn) from the
    # base face's (standard deviations; 0: as asked): small turns as asked, large ones at most
    # about soft_turn, where the generator can still turn the face and keep the person
    soft_turn: float = DEFAULT_SOFT_TURN
    # the share of the edited face's coarse feature map (carry_res px) taken from the unedited
    # face, moved along the landmark flow into the edited geometry (region-local edits only;
    # 0: none): it keeps the person while the head turns
    carry: float = DEFAULT_CARRY
    # how much of that carry applies inside the asked eyes / mouth regions (1: as elsewhere,
    # the most identity kept; 0: none, the regions show the edit's own map, the most obedience)
    region_carry: float = DEFAULT_REGION_CARRY
    # the size of the carried map: 4 px holds little more than who the face is (skin, light,
    # hair, the face's shape); 8 px some of its eyes and mouth too (the default before, with
    # carry 0.5 and region carry 0.5)
    carry_res: int = DEFAULT_CARRY_RES
    # what each asked region shows: "own", the posed latent plus that region's step alone (the
    # eyes not drawn from a latent moved along the mouth's direction too); "shared", the whole
    # edit in every region (the default before)
    region_steps: str = DEFAULT_REGION_STEPS
    # inside the asked regions, the share of the turned face's own carry correction added to
    # the region's map (its step kept): without it the middle of a turned face showed the
    # turned latent's new person wherever the eyes or mouth were asked
    turn_carry: float = DEFAULT_TURN_CARRY
    # a turn to the other side of the face's own pose is drawn as the mirror image of a
    # shorter turn where that saves at least mirror_turn sd of turning (0: never): a face and
    # its mirror image are the same person, a far turn of this generator is another one. For
    # still images only: a clip or a slider would see the face flip from one frame to the next
    mirror_turn: float = DEFAULT_MIRROR_TURN
