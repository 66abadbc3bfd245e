"""The no-growth GAN as the shared training loop sees it: the same loop with a constant lod of 0."""

from gan_common.family import Family
from gan_cpd import networks

CPD = Family(name="cpd", build=networks.build, critic=networks.critic, grows=False, label_loss_weight=0.0)
