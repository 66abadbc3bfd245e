"""Class-conditional GAN without growth: conditional pixel norm in G, projection discriminator, WGAN-GP."""
