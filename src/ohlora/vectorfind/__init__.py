"""VectorFind: latent directions that move one property each (editing along them: `editing`).

Per property: the faces with the top and bottom k scores are separated by a linear SVM in
the generator's latent space; the SVM's unit normal, oriented so that a positive step raises
the score, is the property's direction (spec section 7, HiGAN / InterFaceGAN). A linear
response model (how each normalised score moves per unit step along each direction) turns
asked targets into steps and keeps unasked properties where they were.
"""
