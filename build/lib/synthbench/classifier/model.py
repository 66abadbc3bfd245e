"""The classifier: grey image -> (flip) -> bilinear resize -> 3 channels -> ImageNet normalisation ->
DenseNet-121 -> global average pool ("features", 1024-d) -> sigmoid over the arm's label columns.

Preprocessing lives inside the model, so a saved model takes the uint8 images of our TFRecords as they are,
and the random horizontal flip is active only in training. `bn_momentum` sets the batch-norm moving-average
momentum (Keras's 0.99 needs several hundred steps before the inference statistics settle: too slow for
short runs on small data).
"""

from pathlib import Path

import keras

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


def trained_classifier(meta: dict, settings: dict, weights: Path | None) -> keras.Model:
    """The classifier of an arm (labels and side from its meta.json) with a training job's selected weights;
    `weights=None` keeps the random initialisation (the attribution sanity floor)."""
    model = build_classifier(len(meta["labels"]), meta["resolution"], settings["input_size"], "none")
    if weights is not None:
        model.load_weights(weights)
    return model


def feature_extractor(model: keras.Model) -> keras.Model:
    """The same network up to the 1024-d average-pooled features (for nearest neighbours and FID)."""
    return keras.Model(model.inputs, model.get_layer(FEATURES_LAYER).output)
