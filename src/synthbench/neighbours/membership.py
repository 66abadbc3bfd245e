"""Patient-level membership inference: can someone holding only the synthetic images tell which patients the
generator was trained on?

Two attacks score every real image in the real-trained classifier's feature space (as the memorisation search),
take a patient's score from their most exposed image, and rank patients: the generator's training patients
(members) against the held-out test patients (non-members).

- `distance`: minus the distance of the image to its nearest synthetic image. A generator that leaks puts
  synthetic images closer to its training patients.
- `density_ratio` (the idea of DOMIAS, van Breugel et al., AISTATS 2023): the log ratio of the synthetic images'
  density at the image to real data's, each estimated from the distance to the nearest neighbour in that set
  (real data: a reference split of patients in neither group, the valid split). An image in a crowded part of
  the data is near synthetic images whether or not the generator saw it; the ratio cancels that, so it finds
  leaks the plain distance misses where the data are uneven. With nearest-neighbour estimates in a space of
  fixed dimension the ratio ranks images as log d_ref - log d_syn does, which is the score. The nearest
  neighbour, not the k-th: one synthetic copy of an image is the leak that matters, and a k-th neighbour
  distance would not see it.

Reported per attack: the AUC over patients (0.5: no better than chance) with a percentile-bootstrap interval
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
ATTACKS = {"distance": "minus the distance of a patient's closest image to its nearest synthetic image",
           "density_ratio": "log (distance to the nearest real reference image / distance to the nearest synthetic "
                            "image) of a patient's most exposed image"}


def distance_scores(synthetic_distances: np.ndarray) -> np.ndarray:
    """The distance attack's score of each image: minus its distance to the nearest synthetic image."""
    return -np.asarray(synthetic_distances, float)


def density_ratio_scores(synthetic_distances: np.ndarray, reference_distances: np.ndarray) -> np.ndarray:
    """The density-ratio attack's score of each image from its nearest neighbour distances: log d_ref - log d_syn
    (distances floored at the smallest positive float, so an exact copy scores high, not infinite)."""
    floor = np.finfo(np.float32).tiny
    return (np.log(np.maximum(np.asarray(reference_distances, float), floor))
            - np.log(np.maximum(np.asarray(synthetic_distances, float), floor)))


def patient_scores(scores: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """One attack score per patient: the score of their most exposed image."""
    return pd.Series(scores).groupby(np.asarray(patients)).max().to_numpy()


def _auc(members: np.ndarray, non_members: np.ndarray) -> float:
    """ROC AUC of members against non-members (ties count half), from the Mann-Whitney U of their ranks: the same
    number as scikit-learn's roc_auc_score (tested), a hundred times faster, which the bootstrap's thousand
    resamples per attack need."""
    ranks = rankdata(np.r_[members, non_members])
    count = len(members)
    return float((ranks[:count].sum() - count * (count + 1) / 2) / (count * len(non_members)))


def tpr_at_fpr(members: np.ndarray, non_members: np.ndarray, fpr: float = FALSE_POSITIVE_RATE) -> float:
    """The largest share of members flagged while at most `fpr` of the non-members are."""
    truth = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    false_positive, true_positive, _ = roc_curve(truth, np.r_[members, non_members])
    return float(true_positive[false_positive <= fpr].max())


def membership_report(member_scores: np.ndarray, member_patients: np.ndarray, non_member_scores: np.ndarray,
                      non_member_patients: np.ndarray, resamples: int, seed: int, attack: str = "distance",
                      level: float = 0.95) -> dict:
    """One attack's report from its image scores (higher: more likely a member)."""
    members = patient_scores(member_scores, member_patients)
    non_members = patient_scores(non_member_scores, non_member_patients)
    if not len(members) or not len(non_members):
        raise ValueError(f"membership inference needs members and non-members: {len(members)} training and "
                         f"{len(non_members)} held-out patients")
    low, high = bootstrap.interval(_auc, (members, non_members), resamples, seed, level)
    return {"auc": _auc(members, non_members), "ci": [low, high], "level": level, "resamples": resamples,
            "tpr_at_fpr": tpr_at_fpr(members, non_members), "fpr": FALSE_POSITIVE_RATE,
            "member_patients": len(members), "non_member_patients": len(non_members), "attack": ATTACKS[attack]}
