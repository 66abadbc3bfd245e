"""Generators: the machinery every family shares, written once (layers, losses, the growth schedule, the
training loop in kimg with EMA, FID early stopping, checkpoint/resume, inference), and one subpackage per
family (`prog`, `cpd`, ...), each registered in `synthbench.gans.registry`.
"""
