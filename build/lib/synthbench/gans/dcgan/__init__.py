"""DCGAN (Radford et al. 2016), class-conditional: the MedImageGAN project's backbone, one block per doubling."""
