"""Errors that stop a dataset job; the command line prints their message (file, arm, counts) and exits 1.

A single bad image never raises these: it is skipped and recorded (see decode.UnusableImage).
"""


class DatasetError(ValueError):
    """A dataset job cannot go on with these inputs; the message names the file or arm and the problem."""


class LayoutError(DatasetError):
    """The raw download does not have the expected layout; the message names the file and what is wrong."""


class NotEnoughImages(DatasetError):
    """A requested arm value needs more images than the data has; the message names arm, value and counts."""
