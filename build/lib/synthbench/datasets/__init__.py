"""Turns raw CheXpert / RSNA downloads into the benchmark's datasets: index, image cache, arm splits."""
