"""Makes tests/data/fid_infinity_reference.npz: FID∞ reference values written independently of synthbench, after
the authors' code (github.com/mchong6/FID_IS_infinity, `calculate_FID_infinity`): FID of each subset by the
classic formula with scipy.linalg.sqrtm (as pytorch-fid computes it), a scikit-learn LinearRegression of FID
against 1 / size, its prediction at 0; the intercept's t interval from the textbook standard error.

The subsets are drawn as synthbench draws them (numpy default_rng(seed), one permutation per size, its first
`size` rows), sizes np.linspace(int(0.1 N), N, points).astype(int), so the values are comparable.

    python tests/data/fid_infinity_reference.py
"""

from pathlib import Path

import numpy as np
from scipy import linalg, stats
from sklearn.linear_model import LinearRegression


def classic_fid(real: np.ndarray, fake: np.ndarray) -> float:
    mu1, mu2 = real.mean(axis=0), fake.mean(axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    covmean = linalg.sqrtm(sigma1.dot(sigma2))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def reference(real, fake, points, seed):
    sizes = np.linspace(int(0.1 * len(fake)), len(fake), points).astype(int)
    rng = np.random.default_rng(seed)
    fids = np.array([classic_fid(real, fake[rng.permutation(len(fake))[:size]]) for size in sizes])
    x = (1.0 / sizes).reshape(-1, 1)
    model = LinearRegression().fit(x, fids)
    intercept = float(model.predict(np.array([[0.0]]))[0])
    residuals = fids - model.predict(x)
    s2 = residuals @ residuals / (points - 2)
    centred = x[:, 0] - x[:, 0].mean()
    stderr = np.sqrt(s2 * (1 / points + x[:, 0].mean() ** 2 / (centred @ centred)))
    half = stats.t.ppf(0.975, points - 2) * stderr
    return np.array([intercept, intercept - half, intercept + half]), fids


def main():
    rng = np.random.default_rng(2024)
    cases = {
        # more rows than dimensions: the classic covariance path
        "wide": (rng.normal(size=(400, 8)), rng.normal(size=(300, 8)) * 1.2 + 0.3, 7, 3),
        # fewer rows than dimensions in every subset: the Gram-matrix path
        "narrow": (rng.normal(size=(120, 64)), rng.normal(size=(90, 64)) + 0.2, 5, 11),
    }
    arrays = {}
    for name, (real, fake, points, seed) in cases.items():
        values, fids = reference(real, fake, points, seed)
        arrays.update({f"{name}_real": real, f"{name}_fake": fake, f"{name}_parameters": np.array([points, seed]),
                       f"{name}_values": values, f"{name}_fids": fids})
    np.savez(Path(__file__).with_suffix(".npz"), **arrays)


if __name__ == "__main__":
    main()
