"""ohlora: give a virtual human a face you can steer.

Generate faces with a pretrained GAN, measure their properties (eyes, mouth, head pose, hair,
background), find the latent directions that move each property, prove how well they obey,
and animate or serve the result.
"""

__version__ = "0.1.0"
