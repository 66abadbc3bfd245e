"""Patient-level membership inference: can someone holding only the synthetic images tell which patients the
generator was trained on?

Two attacks score every real image (in the real-trained classifier's feature space, as the memorisation search);
a patient's score is their highest-scoring image's, and patients are ranked: the generator's training patients
(members) against the held-out test patients (non-members).
- `distance` (GAN-Leaks, Chen et al. 2020): minus the distance to the nearest synthetic image. A generator that
  leaks puts synthetic images closer to its training patients. But typical images sit in dense regions, near many
  synthetic and real images alike, and the classifier learned its features from the members: a generator that
  draws class-typical images can score above chance without copying anyone (read the AUC against the controls').
- `density_ratio` (the nearest-neighbour form of DOMIAS, van Breugel et al. 2023): log r_ref - log r_syn, where r
  is the distance to the nearest image of the reference set (real images of patients in neither group: the valid
  split) and of the synthetic set. Its exponent-D form is the ratio of the two sets' nearest-neighbour density
  estimates at the image (D, the feature dimension, and the sets' sizes change no ranking): an image is scored
  by how much more synthetic data than real data sits around it, so density alone no longer passes for a leak.
  It finds a generator that copies a few patients where the distance attack sees only typical images.
Reported for each: the attack's AUC (0.5: no better than chance) with a percentile-bootstrap interval over patients
(members and non-members resampled separately), and the true-positive rate at 1 % false positives (the rate that
matters to a patient: how many members are exposed when almost no outsider is accused), with the number of
patients behind each.
"""

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.metrics import roc_curve

from synthbench.metrics import bootstrap

FALSE_POSITIVE_RATE = 0.01


DISTANCE, DENSITY_RATIO = "distance", "density_ratio"
ATTACKS = {DISTANCE: "minus the distance of a patient's closest image to its nearest synthetic image",
           DENSITY_RATIO: "log(distance to the nearest reference image / distance to the nearest synthetic image), "
                          "of a patient's highest-scoring image"}
METRIC_PREFIX = {DISTANCE: "mia", DENSITY_RATIO: "mia_ratio"}  # <prefix>_auc, <prefix>_tpr_at_1pct_fpr rows
SMALLEST_DISTANCE = 1e-12  # an exact copy's log-distance stays finite (and ranks above every other)


def image_scores(attack: str, synthetic_distances: np.ndarray, reference_distances: np.ndarray) -> np.ndarray:
    """Each image's score by `attack` (higher: more likely a member), from its distances to the nearest synthetic and
    nearest reference image."""
    if attack == DISTANCE:
        return -synthetic_distances
    return (np.log(np.maximum(reference_distances, SMALLEST_DISTANCE))
            - np.log(np.maximum(synthetic_distances, SMALLEST_DISTANCE)))


def patient_scores(scores: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """One attack score per patient: their highest-scoring image's (a patient is as exposed as their most exposed
    image)."""
    return pd.Series(scores).groupby(np.asarray(patients)).max().to_numpy()


def _auc(members: np.ndarray, non_members: np.ndarray) -> float:
    """ROC AUC of members against non-members (ties count half), from the Mann-Whitney U of their ranks: the same
    number as scikit-learn's roc_auc_score (tested), a hundred times faster, which the bootstrap's thousand
    resamples need (they took 5 s of every memorisation job)."""
    ranks = rankdata(np.r_[members, non_members])
    count = len(members)
    return float((ranks[:count].sum() - count * (count + 1) / 2) / (count * len(non_members)))


def tpr_at_fpr(members: np.ndarray, non_members: np.ndarray, fpr: float = FALSE_POSITIVE_RATE) -> float:
    """The largest share of members flagged while at most `fpr` of the non-members are."""
    truth = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    false_positive, true_positive, _ = roc_curve(truth, np.r_[members, non_members])
    return float(true_positive[false_positive <= fpr].max())


def membership_report(member_scores: np.ndarray, member_patients: np.ndarray, non_member_scores: np.ndarray,
                      non_member_patients: np.ndarray, attack: str, resamples: int, seed: int,
                      level: float = 0.95) -> dict:
    """One attack's report from its image scores (image_scores) and each image's patient."""
    members = patient_scores(member_scores, member_patients)
    non_members = patient_scores(non_member_scores, non_member_patients)
    if not len(members) or not len(non_members):
        raise ValueError(f"membership inference needs members and non-members: {len(members)} training and "
                         f"{len(non_members)} held-out patients")
    low, high = bootstrap.interval(_auc, (members, non_members), resamples, seed, level)
    return {"auc": _auc(members, non_members), "ci": [low, high], "level": level, "resamples": resamples,
            "tpr_at_fpr": tpr_at_fpr(members, non_members), "fpr": FALSE_POSITIVE_RATE,
            "member_patients": len(members), "non_member_patients": len(non_members), "attack": ATTACKS[attack]}
