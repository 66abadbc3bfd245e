"""DCGAN as the shared training loop sees it: full resolution from the start, non-saturating BCE loss."""

from synthbench.gans.dcgan import networks
from synthbench.gans.family import Family
from synthbench.gans.losses import NonSaturating

FAMILY = Family(build=networks.build, critic=networks.critic, grows=False, objective=NonSaturating.from_config)
