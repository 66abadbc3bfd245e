"""SNGAN as the shared training loop sees it: DCGAN's generator, objective and schedule, and its discriminator
built of spectrally normalised layers."""

from synthbench.gans.dcgan import networks
from synthbench.gans.family import Family
from synthbench.gans.losses import NonSaturating
from synthbench.gans.sngan.layers import SpectralConv2D, SpectralDense


def build(resolution: int, num_labels: int, settings: dict):
    return (networks.build_generator(resolution, num_labels, settings),
            networks.build_discriminator(resolution, num_labels, settings, conv=SpectralConv2D, dense=SpectralDense))


FAMILY = Family(build=build, critic=networks.critic, grows=False, objective=NonSaturating.from_config)
