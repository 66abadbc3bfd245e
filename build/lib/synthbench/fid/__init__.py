"""Fréchet Inception Distance: feature extractors, cached real statistics and the Fréchet step.

Registered once and reused by every stage (GAN early stopping now, the report later). Every FID value is
stored together with the name of the extractor that produced it.
"""
