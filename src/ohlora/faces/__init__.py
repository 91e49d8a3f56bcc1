"""Face analysis: the mediapipe face mesh and person mask, and the class map built from them."""
