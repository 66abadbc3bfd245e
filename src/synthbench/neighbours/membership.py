"""Patient-level membership inference: can someone holding only the synthetic images tell which patients the
generator was trained on?

The attack scores every real image by its distance to the nearest synthetic image, takes a patient's score as the
mean over their images, and ranks patients: the generator's training patients (members) against the held-out test
patients (non-members). A generator that leaks puts synthetic images closer to its training patients. The
memorisation job runs it in two spaces. In the real-trained classifier's features (as the memorisation search) it
sees what the classifier sees, but that classifier learned its features from the members, so images that carry
no patient at all can score away from chance there (read it against the `noise` control's). In pixels
(mean-centred pixel vectors, cosine distance, as the copy detection) nothing was learned from anyone, so a source
that knows no patient scores chance; a generator that reproduces its training images still stands out. Reported
per space: the attack's AUC (0.5: no better than chance) with a percentile-bootstrap interval over patients
(members and non-members resampled separately), and the true-positive rate at 1 % false positives (the rate
that matters to a patient: how many members are exposed when almost no outsider is accused), with the number of
patients behind each.
"""

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.metrics import roc_curve

from synthbench.metrics import bootstrap

FALSE_POSITIVE_RATE = 0.01


def patient_scores(distances: np.ndarray, patients: np.ndarray) -> np.ndarray:
    """One attack score per patient: minus the mean distance of their images to the nearest synthetic image.

    The mean, not the closest image: the closest of k images comes nearer to anything as k grows, and the splits
    differ in images per patient (a samples arm's test split holds more per patient than its train split), so
    the closest image would tell the splits apart with no leak at all (one image per member, four per
    non-member: AUC about 0.2). A patient's mean has the same expectation however many images they have."""
    return -pd.Series(distances).groupby(np.asarray(patients)).mean().to_numpy()


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


def membership_report(member_distances: np.ndarray, member_patients: np.ndarray, non_member_distances: np.ndarray,
                      non_member_patients: np.ndarray, resamples: int, seed: int, level: float = 0.95) -> dict:
    """The attack's report in one space, from each real image's distance to its nearest synthetic image and the
    image's patient."""
    members = patient_scores(member_distances, member_patients)
    non_members = patient_scores(non_member_distances, non_member_patients)
    if not len(members) or not len(non_members):
        raise ValueError(f"membership inference needs members and non-members: {len(members)} training and "
                         f"{len(non_members)} held-out patients")
    low, high = bootstrap.interval(_auc, (members, non_members), resamples, seed, level)
    return {"auc": _auc(members, non_members), "ci": [low, high], "level": level, "resamples": resamples,
            "tpr_at_fpr": tpr_at_fpr(members, non_members), "fpr": FALSE_POSITIVE_RATE,
            "member_patients": len(members), "non_member_patients": len(non_members),
            "attack": "minus the mean distance of a patient's images to their nearest synthetic image"}
