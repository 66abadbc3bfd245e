"""The no-growth GAN as the shared training loop sees it: the same loop with a constant lod of 0, WGAN-GP, and
labels entering through the critic's label term (no label loss), whose form `critic_labels` chooses."""

from synthbench.gans.cpd import networks
from synthbench.gans.family import Family
from synthbench.gans.losses import WassersteinGP

FAMILY = Family(build=networks.build, critic=networks.critic, grows=False, objective=WassersteinGP.from_config,
                network_keys=("critic_labels",))
