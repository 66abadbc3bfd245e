"""Metrics: what the benchmark measures, registered once (`registry`) and written by every job as rows of one
tidy per-run table (`table`), which the summary collects. Light: importing it starts no TensorFlow."""
