"""The analysis pipeline: prepare items, run detectors, score."""
