"""Editing: moving a face to asked property values while it stays the same person.

`editor` steers along a run's directions (targets solved into steps on the response model,
an optional closed loop; or the original's asked-value-times-direction rule), `run_editor`
opens one over a run, `plan` reads CSV edit plans and `batch` runs them into PNGs.
"""
