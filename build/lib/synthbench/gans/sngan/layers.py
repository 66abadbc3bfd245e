"""Spectrally normalised convolution and dense layers (Miyato et al. 2018): the layer computes with W / sigma(W),
sigma the largest singular value of the kernel reshaped to [inputs, outputs], estimated by one power iteration
per training call from a persistent vector u (a non-trainable weight, so checkpoints restore it and a resumed
run continues the same estimate). Gradients flow through W / sigma with u and v held constant, as in the paper;
the stored kernel itself is never rescaled (Keras's SpectralNormalization wrapper assigns W / sigma back into W
and trains that, a projection rather than the reparametrisation).
"""

import keras
from keras import ops


def _normalised_kernel(layer, training: bool):
    weights = ops.reshape(layer.kernel, (-1, layer.kernel.shape[-1]))
    u = layer.u
    v = ops.stop_gradient(_unit(ops.matmul(u, ops.transpose(weights))))
    u_new = ops.stop_gradient(_unit(ops.matmul(v, weights)))
    if training:
        layer.u.assign(u_new)
    sigma = ops.sum(ops.matmul(v, weights) * u_new)
    return layer.kernel / sigma


def _unit(vector):
    return vector / (ops.sqrt(ops.sum(ops.square(vector))) + 1e-12)


class _SpectralNorm:
    """The power-iteration vector u, added to a kernel layer that computes without biases."""

    def _add_u(self) -> None:
        if self.use_bias:
            raise ValueError(f"{type(self).__name__} computes without biases (use_bias=False)")
        self.u = self.add_weight(shape=(1, self.kernel.shape[-1]), trainable=False, name="u",
                                 initializer=keras.initializers.RandomNormal(0.0, 1.0))


@keras.saving.register_keras_serializable("synthbench")
class SpectralConv2D(_SpectralNorm, keras.layers.Conv2D):
    def build(self, input_shape):
        super().build(input_shape)
        self._add_u()

    def call(self, inputs, training=False):
        return self.convolution_op(inputs, _normalised_kernel(self, training))


@keras.saving.register_keras_serializable("synthbench")
class SpectralDense(_SpectralNorm, keras.layers.Dense):
    def build(self, input_shape):
        super().build(input_shape)
        self._add_u()

    def call(self, inputs, training=False):
        return ops.matmul(inputs, _normalised_kernel(self, training))
