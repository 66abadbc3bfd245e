"""Class-conditional progressive-growing GAN (Karras et al. 2018) with an auxiliary-classifier label loss."""
