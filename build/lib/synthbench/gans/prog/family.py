"""The progressive GAN as the shared training loop sees it: WGAN-GP with an auxiliary-classifier label loss."""

from synthbench.gans.family import Family
from synthbench.gans.losses import WassersteinGP
from synthbench.gans.prog import networks

FAMILY = Family(build=networks.build, critic=networks.critic, grows=True, objective=WassersteinGP.from_config)
