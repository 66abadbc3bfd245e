"""Real images as the discriminator must see them at a fractional level of detail.

At lod = k + f (integer k, fraction f) the generator shows level k faded towards level k + 1, upsampled to full
size. Reals get the same treatment: average-pooled by 2**k (and 2**(k+1)), upsampled back with nearest
neighbours, and mixed with weight f, so D never sees detail that G cannot produce yet.
"""

import tensorflow as tf


def to_float(images: tf.Tensor) -> tf.Tensor:
    """uint8 [B, H, W] -> float32 [B, H, W, 1] in [-1, 1], the networks' image range."""
    return tf.cast(images, tf.float32)[..., None] / 127.5 - 1.0


def to_uint8(images: tf.Tensor) -> tf.Tensor:
    """float [B, H, W, 1] in [-1, 1] -> uint8 [B, H, W], rounded and clipped like a saved image."""
    return tf.cast(tf.clip_by_value(tf.round((images[..., 0] + 1.0) * 127.5), 0, 255), tf.uint8)


def _at_level(images: tf.Tensor, level: int) -> tf.Tensor:
    if level == 0:
        return images
    factor = 2 ** level
    pooled = tf.nn.avg_pool2d(images, factor, factor, "VALID")
    return tf.repeat(tf.repeat(pooled, factor, axis=1), factor, axis=2)


def blend_reals(images: tf.Tensor, lod: tf.Tensor, levels: int) -> tf.Tensor:
    """Full-size float images [B, R, R, 1] with detail limited to `lod` (0 <= lod <= levels)."""
    if levels == 0:
        return images
    stack = tf.stack([_at_level(images, level) for level in range(levels + 1)])
    lod = tf.clip_by_value(tf.cast(lod, tf.float32), 0.0, float(levels))
    coarse = tf.minimum(tf.floor(lod), float(levels - 1))
    fraction = lod - coarse
    index = tf.cast(coarse, tf.int32)
    return stack[index] + (stack[index + 1] - stack[index]) * fraction
