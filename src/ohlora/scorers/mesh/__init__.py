"""The mesh scorer: mediapipe analysis and the property algorithms, in worker processes."""
