"""The progressive GAN as the shared training loop sees it."""

from gan_common.family import Family
from gan_prog import networks

PROG = Family(name="prog", build=networks.build, critic=networks.critic, grows=True, label_loss_weight=1.0)
