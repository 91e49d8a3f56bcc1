"""The independent judge: dlib's 68-point landmarks and ResNet face descriptor.

It shares no model and no formula with the editor's scorers (mediapipe's mesh, the property
CNN): evaluation grades edits with it, and nothing that edits may measure with it.
"""
