"""The classifier: grey image -> (flip) -> bilinear resize -> 3 channels -> ImageNet normalisation ->
DenseNet-121 -> global average pool ("features", 1024-d) -> sigmoid over the arm's label columns.

Preprocessing lives inside the model, so a saved model takes the uint8 images of our TFRecords as they are,
and the random horizontal flip is active only in training. A trained classifier is saved whole, as
`model.keras` (standard Keras layers only), so testing, features, attribution and the classifier FID extractor
load it with `load_classifier` and need none of the training settings. `bn_momentum` sets the batch-norm moving-average
momentum (Keras's 0.99 needs several hundred steps before the inference statistics settle: too slow for
short runs on small data).
"""

from pathlib import Path

import keras

from synthbench.atomic import replacing

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
FEATURES_LAYER = "features"


def backbone_weights(weights: str) -> str | None:
    """Keras's `weights` argument for a config value: 'imagenet', 'none', or a local weights file."""
    if weights == "none":
        return None
    if weights == "imagenet":
        return "imagenet"
    if not Path(weights).is_file():
        raise FileNotFoundError(f"{weights}: DenseNet-121 weights file not found (classifier.weights takes "
                                "'imagenet', 'none' or the path of a Keras DenseNet-121 no-top weights file)")
    return str(weights)


def build_classifier(num_labels: int, side: int, input_size: int, weights: str = "none",
                     bn_momentum: float = 0.99) -> keras.Model:
    images = keras.Input((side, side, 1), name="images")
    x = keras.layers.RandomFlip("horizontal", name="flip")(images)
    if side != input_size:
        x = keras.layers.Resizing(input_size, input_size, interpolation="bilinear", name="resize")(x)
    x = keras.layers.Concatenate(name="grey_to_rgb")([x, x, x])
    x = keras.layers.Rescaling(1 / 255.0)(x)
    x = keras.layers.Normalization(mean=IMAGENET_MEAN, variance=[s * s for s in IMAGENET_STD], name="imagenet")(x)
    backbone = keras.applications.DenseNet121(include_top=False, weights=backbone_weights(weights),
                                              input_shape=(input_size, input_size, 3), pooling="avg")
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = bn_momentum
    # Features and probabilities in float32 under a mixed-precision policy too (a float16 sigmoid saturates).
    features = keras.layers.Identity(name=FEATURES_LAYER, dtype="float32")(backbone(x))
    outputs = keras.layers.Dense(num_labels, activation="sigmoid", name="labels", dtype="float32")(features)
    return keras.Model(images, outputs, name="classifier")


def save_classifier(weights: Path, num_labels: int, side: int, input_size: int, out: Path) -> None:
    """Saves the network with trained `weights` whole, as `out` (.keras), in float32: a model trained under
    mixed precision on a GPU then loads and runs the same way on a CPU."""
    keras.mixed_precision.set_global_policy("float32")
    model = build_classifier(num_labels, side, input_size, "none")
    model.load_weights(weights)
    with replacing(out) as partial:
        model.save(partial)


def load_classifier(path: Path) -> keras.Model:
    """A classifier saved by the training job (`model.keras`), ready for inference."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: trained classifier not found (the training job writes model.keras)")
    return keras.saving.load_model(path, compile=False)


def untrained_copy(model: keras.Model, seed: int) -> keras.Model:
    """The same network (input side, labels, preprocessing) at a seeded random initialisation: the sanity
    floor of attribution, which any trained classifier's agreement must beat."""
    keras.utils.set_random_seed(seed)
    return keras.models.clone_model(model)


def feature_extractor(model: keras.Model) -> keras.Model:
    """The same network up to the 1024-d average-pooled features (for nearest neighbours and FID)."""
    return keras.Model(model.inputs, model.get_layer(FEATURES_LAYER).output)
