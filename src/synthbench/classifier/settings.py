"""Which keys of the config's `classifier` section each classifier job reads.

The workflow hands every job only its own keys, so a change to a key that only testing reads (`bootstrap`,
`flip_below_half`) reruns the evaluation jobs and leaves trained classifiers, and their checkpoints, alone.
`synthetic_validation` is not passed to any job: it chooses the records the training job reads.
"""

TRAINING = ("backbone", "weights", "input_size", "bn_momentum", "batch_size", "learning_rate", "steps_per_epoch",
            "samples_per_epoch", "max_epochs", "patience", "lr_patience", "lr_factor", "cache_mb", "mixed_precision")
TESTING = ("batch_size", "bootstrap", "flip_below_half")
COMPARING = ("bootstrap", "equivalence_margin")
JOBS = {"train": TRAINING, "evaluate": TESTING, "compare": COMPARING}


def job_settings(section: dict, job: str) -> dict:
    """The keys of the classifier section that `job` (train, evaluate or compare) reads."""
    return {key: section[key] for key in JOBS[job]}


def steps_per_epoch(settings: dict, train_rows: int) -> int:
    """The training steps of one "epoch": `steps_per_epoch` where set, else the study's rule (its Keras
    `samples_per_epoch`): min(train rows, samples_per_epoch) // batch_size, at least one step."""
    if settings["steps_per_epoch"] is not None:
        return settings["steps_per_epoch"]
    return max(1, min(train_rows, settings["samples_per_epoch"]) // settings["batch_size"])
