"""Machinery shared by every GAN of the benchmark, written once: layers, losses, the growth schedule, the
training loop in kimg with FID early stopping, checkpoint/resume and inference. A GAN package (gan_prog,
gan_cpd) contributes only its networks and a `Family` describing how to call them.
"""
