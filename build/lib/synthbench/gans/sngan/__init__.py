"""SNGAN as MedImageGAN builds it: the DCGAN networks with spectral normalisation on every discriminator layer
(Miyato et al. 2018), batch norm kept."""
