"""Registry entry of the original generator: GenForce StyleGAN, CelebA (partial), 256 px.

Imported lazily by `ohlora.weights._load_plugins()`, so it stays free of torch. The file is the
model-zoo download `stylegan_celeba_partial256` of GenForce (`models/model_zoo.py`,
`MODEL_ZOO.md`, "StyleGAN Ours": 103,706 training images, 50,000K images seen, FID 7.03).
GenForce publishes no digest, so the sha256 is recorded at the first fetch or import and
checked from then on. Where SharePoint cannot be reached, download the file by hand and run
`ohlora weights import stylegan-celeba-partial-256 FILE`.
"""

from __future__ import annotations

from ohlora.weights import WeightsEntry, register

WEIGHTS_NAME = "stylegan-celeba-partial-256"
ZOO_KEY = "stylegan_celeba_partial256"
ZOO_URL = (
    "https://mycuhk-my.sharepoint.com/:u:/g/personal/1155082926_link_cuhk_edu_hk/"
    "ET2etKNzMS9JmHj5j60fqMcBRJfQfYNvqUrujaIXxCvKDQ?e=QReLE6&download=1"
)

register(
    WeightsEntry(
        name=WEIGHTS_NAME,
        description="GenForce StyleGAN 256x256 on CelebA (partial): the original generator",
        source="url",
        location=ZOO_URL,
        member=None,
        sha256={"file": None},
        converter="ohlora.generators.stylegan.convert:convert_checkpoint",
        licence="GenForce model zoo (code MIT (c) 2020 GenForce); CelebA: non-commercial research",
        extra={"zoo_key": ZOO_KEY, "resolution": 256, "fid": 7.03},
    )
)
