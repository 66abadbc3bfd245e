"""The classifier: grey image -> (flip) -> bilinear resize -> 3 channels -> ImageNet normalisation ->
DenseNet-121 -> global average pool ("features", 1024-d) -> sigmoid over the arm's label columns.

`backbone: densenet_mini` swaps DenseNet-121 for a DenseNet of the same design, small enough for the CPU demo
(three dense blocks of two bottleneck layers, growth 16: 64-d features, ~80 k weights). It is demo-only: its
numbers are not the paper's, and every classifier output names its backbone.

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
NORMALISED_LAYER = "imagenet"  # the backbone's input: resized, RGB, ImageNet-normalised
LABELS_LAYER = "labels"


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


BACKBONES = ("densenet121", "densenet_mini")
MINI_BLOCKS, MINI_GROWTH = (2, 2, 2), 16


def _bn_relu(x):
    """DenseNet's pre-activation (Keras's DenseNet-121 uses the same batch-norm epsilon)."""
    return keras.layers.ReLU()(keras.layers.BatchNormalization(epsilon=1.001e-5)(x))


def densenet_mini(input_size: int) -> keras.Model:
    """DenseNet (Huang et al. 2017) as DenseNet-121 is built, at demo size: a strided 3x3 stem (half the side,
    where DenseNet-121's stem quarters it), dense blocks whose pre-activation bottleneck layers (BN-ReLU-1x1
    conv to 4k, BN-ReLU-3x3 conv to k channels) each see the concatenation of all earlier maps, transitions
    (BN-ReLU-1x1 conv halving the channels, 2x2 average pool), then BN-ReLU and global average pooling."""
    inputs = keras.Input((input_size, input_size, 3))
    x = keras.layers.Conv2D(2 * MINI_GROWTH, 3, strides=2, padding="same", use_bias=False)(inputs)
    for block, layers in enumerate(MINI_BLOCKS):
        for _ in range(layers):
            y = keras.layers.Conv2D(4 * MINI_GROWTH, 1, use_bias=False)(_bn_relu(x))
            y = keras.layers.Conv2D(MINI_GROWTH, 3, padding="same", use_bias=False)(_bn_relu(y))
            x = keras.layers.Concatenate()([x, y])
        if block < len(MINI_BLOCKS) - 1:
            x = keras.layers.Conv2D(x.shape[-1] // 2, 1, use_bias=False)(_bn_relu(x))
            x = keras.layers.AveragePooling2D(2)(x)
    x = _bn_relu(x)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x), name="densenet_mini")


def _backbone(name: str, input_size: int, weights: str) -> keras.Model:
    if name == "densenet121":
        if input_size < 32:
            raise ValueError(f"DenseNet-121 needs inputs of 32 px or more, got {input_size} px (set "
                             "classifier.input_size to 32 or more)")
        return keras.applications.DenseNet121(include_top=False, weights=backbone_weights(weights),
                                              input_shape=(input_size, input_size, 3), pooling="avg")
    if name == "densenet_mini":
        if weights != "none":
            raise ValueError(f"classifier.weights {weights!r}: the demo-only densenet_mini has no pretrained "
                             "weights; use 'none'")
        return densenet_mini(input_size)
    raise ValueError(f"unknown classifier backbone {name!r}; choose one of {', '.join(BACKBONES)}")


def build_classifier(num_labels: int, side: int, input_size: int | None, weights: str = "none",
                     bn_momentum: float = 0.99, backbone: str = "densenet121") -> keras.Model:
    """The classifier of `side` px images; `input_size` None feeds them to the backbone at that side."""
    input_size = input_size or side
    images = keras.Input((side, side, 1), name="images")
    x = keras.layers.RandomFlip("horizontal", name="flip")(images)
    if side != input_size:
        x = keras.layers.Resizing(input_size, input_size, interpolation="bilinear", name="resize")(x)
    x = keras.layers.Concatenate(name="grey_to_rgb")([x, x, x])
    x = keras.layers.Rescaling(1 / 255.0)(x)
    x = keras.layers.Normalization(mean=IMAGENET_MEAN, variance=[s * s for s in IMAGENET_STD],
                                   name=NORMALISED_LAYER)(x)
    backbone = _backbone(backbone, input_size, weights)
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = bn_momentum
    # Features and probabilities in float32 under a mixed-precision policy too (a float16 sigmoid saturates).
    features = keras.layers.Identity(name=FEATURES_LAYER, dtype="float32")(backbone(x))
    outputs = keras.layers.Dense(num_labels, activation="sigmoid", name=LABELS_LAYER, dtype="float32")(features)
    return keras.Model(images, outputs, name="classifier")


def save_classifier(weights: Path, num_labels: int, side: int, input_size: int | None, backbone: str,
                    out: Path) -> None:
    """Saves the network with trained `weights` whole, as `out` (.keras), in float32: a model trained under
    mixed precision on a GPU then loads and runs the same way on a CPU."""
    keras.mixed_precision.set_global_policy("float32")
    model = build_classifier(num_labels, side, input_size, "none", backbone=backbone)
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


def backbone_name(model: keras.Model) -> str:
    """Which backbone (one of BACKBONES) a classifier is built on: the network nested inside it."""
    return next(layer.name for layer in model.layers if isinstance(layer, keras.Model))


def split_at_network_input(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """The classifier in two: its preprocessing (uint8 image -> the backbone's resized, RGB, ImageNet-normalised
    input) and the rest (that input -> probabilities). The study's attribution hides patches in between."""
    preprocessing = keras.Model(model.inputs, model.get_layer(NORMALISED_LAYER).output)
    seen = keras.Input(preprocessing.output.shape[1:])
    head = model.get_layer(LABELS_LAYER)(model.get_layer(FEATURES_LAYER)(model.get_layer(backbone_name(model))(seen)))
    return preprocessing, keras.Model(seen, head)


def feature_extractor(model: keras.Model, with_scores: bool = False) -> keras.Model:
    """The same network up to the 1024-d average-pooled features (for nearest neighbours and FID); with
    `with_scores`, the classifier's scores follow the features in each output row (one pass gives both)."""
    features = model.get_layer(FEATURES_LAYER).output
    if with_scores:
        features = keras.layers.Concatenate(dtype="float32")([features, model.outputs[0]])
    return keras.Model(model.inputs, features)
