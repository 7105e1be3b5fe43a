"""One module per stage of the pipeline: the Faust wiring around the pure functions."""
