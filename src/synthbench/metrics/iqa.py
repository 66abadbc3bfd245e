"""Full-reference image quality of image pairs that show the same thing, on greyscale: PSNR, SSIM, MS-SSIM,
MS-GMSD, HaarPSI and MDSI.

These compare an image with its own reference, so the benchmark uses them where a pair means something: a
synthetic image against its nearest real training image (how close a generator comes to copying), next to a
held-out real image against its nearest training image. Between unrelated images they measure nothing.

Definitions, on one-channel images with values in [0, 1] (uint8 input is divided by 255), each value one pair's:
- PSNR = 10 log10(1 / (MSE + 1e-8));
- SSIM (Wang et al. 2004): 11-tap Gaussian window (sigma 1.5), C1 = 0.01², C2 = 0.03², the mean over the
  *valid* region (no padding: an image must be at least 11 px);
- MS-SSIM (Wang et al. 2003): the mean contrast-structure term at the four finer scales and SSIM at the fifth
  (2 x 2 mean pooling between them), each clipped at 0, combined as a product with the weights 0.0448, 0.2856,
  0.3001, 0.2363, 0.1333; valid regions, so the coarsest scale needs 11 px and the images at least 161 px;
- MS-GMSD (Zhang et al. 2017, luminance only): Prewitt gradient magnitudes (zero-padded, same size) of both
  images, their similarity ((2 - a) g1 g2 + c) / (g1² + g2² - a g1 g2 + c) with a = 0.5, c = 170 / 255², its
  standard deviation over the image (ddof 1), at 4 scales (2 x 2 mean pooling between them) combined as
  sqrt(sum w_s GMSD_s²) with w = (0.096, 0.596, 0.289, 0.019); 0 for identical images, lower is better;
- HaarPSI (Reisenhofer et al. 2018, the greyscale form): both images 2 x 2 mean-pooled, horizontal and vertical
  Haar wavelet responses at 2, 4 and 8 px, the local similarity (2 h1 h2 + c) / (h1² + h2² + c) (c = 30 / 255²)
  of the two finer scales averaged, passed through a logistic (alpha = 4.2), pooled with the larger coarsest
  response of the two images as weight, and mapped back by (logit(.) / alpha)²; 1 for identical images;
- MDSI (Nafchi et al. 2016, a grey pair: the chromaticity similarity is 1): Prewitt gradient magnitudes of both
  images and of their average, the gradient similarity GS = S(x, y; c1) + S(x, avg; c2) - S(y, avg; c2) with
  S(a, b; c) = (2ab + c) / (a² + b² + c), c1 = 140 / 255², c2 = 55 / 255², GCS = 0.6 GS + 0.4 (the 'sum'
  combination), then the mean absolute deviation of GCS^(1/4) (complex powers where GCS < 0) over the image's
  whole map, to the power 1/4; 0 for identical images, lower is better. No downsampling: benchmark images are
  at most 256 px, where the paper's rule would not downsample.
They agree with piqa 1.3.2 (`psnr`, `ssim`, `ms_gmsd`, `haarpsi` after its 2 x 2 pooling, which are those
definitions on one channel) to float64 precision (tests); MDSI agrees with the paper's pooling computed on
piqa's gradient operator (piqa's own `mdsi` takes the mean of GCS^(1/4) per column, across the batch).
MS-SSIM is only defined here from 161 px: zero-padded windows (piqa's `padding=True`) would allow smaller
images, but give two unrelated 32 px noise images an MS-SSIM of 0.69, since the padding is structure both share.
"""

from collections.abc import Iterator

import numpy as np

from synthbench.metrics import bootstrap

WINDOW, SIGMA, K1, K2 = 11, 1.5, 0.01, 0.03
MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
PSNR_EPSILON = 1e-8
GMSD_C, GMSD_ALPHA = 170 / 255 ** 2, 0.5
MS_GMSD_WEIGHTS = (0.096, 0.596, 0.289, 0.019)
HAARPSI_C, HAARPSI_ALPHA, HAAR_SCALES = 30 / 255 ** 2, 4.2, 3
MDSI_C1, MDSI_C2, MDSI_ALPHA, MDSI_Q, MDSI_O = 140 / 255 ** 2, 55 / 255 ** 2, 0.6, 0.25, 0.25


def as_unit_images(images: np.ndarray, name: str) -> np.ndarray:
    """float64 [N, H, W] in [0, 1] from uint8 or float images, or an error naming `name` and the problem."""
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"{name}: images of shape {images.shape}, expected [N, H, W] (greyscale)")
    if images.dtype == np.uint8:
        return images.astype(np.float64) / 255.0
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"{name}: images of dtype {images.dtype}, expected uint8 or float in [0, 1]")
    images = images.astype(np.float64, copy=False)  # already-converted images (the pairs command) are not copied again
    if not np.isfinite(images).all() or images.min() < 0.0 or images.max() > 1.0:
        raise ValueError(f"{name}: float images must lie in [0, 1] (found {np.nanmin(images):.4g} to "
                         f"{np.nanmax(images):.4g}{', and NaN or infinity' if not np.isfinite(images).all() else ''})")
    return images


def checked_pairs(reference: np.ndarray, distorted: np.ndarray, min_side: int = 1) -> tuple[np.ndarray, np.ndarray]:
    reference, distorted = as_unit_images(reference, "reference"), as_unit_images(distorted, "distorted")
    if reference.shape != distorted.shape:
        raise ValueError(f"reference images {reference.shape} and distorted images {distorted.shape} must pair up: "
                         f"same count and size")
    if min(reference.shape[1:]) < min_side:
        raise ValueError(f"images of {reference.shape[2]} x {reference.shape[1]} px; this metric needs at least "
                         f"{min_side} px a side")
    return reference, distorted


def gaussian_window(size: int = WINDOW, sigma: float = SIGMA) -> np.ndarray:
    offsets = np.arange(size) - (size - 1) / 2
    window = np.exp(-offsets ** 2 / (2 * sigma ** 2))
    return window / window.sum()


def _blur(images: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable valid convolution of [N, H, W] with the 1-D window along H, then W."""
    rows = np.lib.stride_tricks.sliding_window_view(images, len(window), axis=1) @ window
    return np.lib.stride_tricks.sliding_window_view(rows, len(window), axis=2) @ window


def _ssim_and_cs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair means of the SSIM map and of its contrast-structure term over the valid region, ([N], [N])."""
    window = gaussian_window()
    c1, c2 = K1 ** 2, K2 ** 2
    mu_x, mu_y = _blur(x, window), _blur(y, window)
    sigma_xx = _blur(x * x, window) - mu_x ** 2
    sigma_yy = _blur(y * y, window) - mu_y ** 2
    sigma_xy = _blur(x * y, window) - mu_x * mu_y
    cs = (2 * sigma_xy + c2) / (sigma_xx + sigma_yy + c2)
    ssim_map = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1) * cs
    return ssim_map.mean(axis=(1, 2)), cs.mean(axis=(1, 2))


def psnr(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """PSNR of each pair in dB, [N]."""
    x, y = checked_pairs(reference, distorted)
    mse = ((x - y) ** 2).reshape(len(x), -1).mean(axis=1)
    return 10 * np.log10(1.0 / (mse + PSNR_EPSILON))


def ssim(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """SSIM of each pair over the valid region, [N]."""
    x, y = checked_pairs(reference, distorted, min_side=WINDOW)
    return _ssim_and_cs(x, y)[0]


def ms_ssim(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """MS-SSIM of each pair, [N] (higher is better, 1 for identical images)."""
    x, y = checked_pairs(reference, distorted, min_side=MIN_SIDES["ms_ssim"])
    total = np.ones(len(x))
    for scale, (weight, (x_scale, y_scale)) in enumerate(zip(MS_SSIM_WEIGHTS, _scales(x, y), strict=False)):
        full, contrast_structure = _ssim_and_cs(x_scale, y_scale)
        term = full if scale == len(MS_SSIM_WEIGHTS) - 1 else contrast_structure
        total *= np.maximum(term, 0.0) ** weight
    return total


def _correlate(images: np.ndarray, column: np.ndarray, row: np.ndarray, padding: int) -> np.ndarray:
    """Cross-correlation of [N, H, W] with the separable kernel outer(column, row), after `padding` zeros on
    every side (as a zero-padded convolution layer computes it)."""
    padded = np.pad(images, ((0, 0), (padding, padding), (padding, padding)))
    rows = np.lib.stride_tricks.sliding_window_view(padded, len(column), axis=1) @ column
    return np.lib.stride_tricks.sliding_window_view(rows, len(row), axis=2) @ row


def _mean_pool(images: np.ndarray) -> np.ndarray:
    """2 x 2 means; an odd last row or column is averaged over the pixels it has (pooling with ceil mode)."""
    height, width = images.shape[1:]
    padded = np.pad(images, ((0, 0), (0, height % 2), (0, width % 2)))
    counts = np.pad(np.ones((height, width)), ((0, height % 2), (0, width % 2)))
    def pooled(values):
        return values.reshape(len(values), padded.shape[1] // 2, 2, padded.shape[2] // 2, 2).sum(axis=(2, 4))
    return pooled(padded) / pooled(counts[None])


def _scales(x: np.ndarray, y: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pair at its own scale, then halved again and again by 2 x 2 mean pooling (multi-scale metrics take as
    many as they have weights)."""
    while True:
        yield x, y
        x, y = _mean_pool(x), _mean_pool(y)


def _gradient_magnitude(images: np.ndarray) -> np.ndarray:
    """Prewitt gradient magnitude of [N, H, W], zero-padded to the same size."""
    smooth, difference = np.full(3, 1 / 3), np.array([1.0, 0.0, -1.0])
    return np.hypot(_correlate(images, smooth, difference, 1), _correlate(images, difference, smooth, 1))


def _gmsd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """GMSD at one scale, [N]: the deviation of the gradient magnitude similarity."""
    gx, gy = _gradient_magnitude(x), _gradient_magnitude(y)
    similarity = (((2 - GMSD_ALPHA) * gx * gy + GMSD_C)
                  / (gx ** 2 + gy ** 2 - GMSD_ALPHA * gx * gy + GMSD_C))
    return similarity.reshape(len(x), -1).std(axis=1, ddof=1)


def ms_gmsd(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """MS-GMSD of each pair, [N] (lower is better)."""
    x, y = checked_pairs(reference, distorted, min_side=MIN_SIDES["ms_gmsd"])
    total = np.zeros(len(x))
    for weight, (x_scale, y_scale) in zip(MS_GMSD_WEIGHTS, _scales(x, y), strict=False):
        total += weight * _gmsd(x_scale, y_scale) ** 2
    return np.sqrt(total)


def haarpsi(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """HaarPSI of each pair, [N] (higher is better, 1 for identical images)."""
    x, y = (_mean_pool(images) for images in checked_pairs(reference, distorted, min_side=MIN_SIDES["haarpsi"]))
    similarities, weights = [], None
    for scale in range(1, HAAR_SCALES + 1):
        size = 2 ** scale
        average, step = np.full(size, 1 / size), np.repeat([1.0, -1.0], size // 2)
        responses = [np.abs(_correlate(images, column, row, size // 2)[:, 1:, 1:])
                     for images in (x, y) for column, row in ((average, step), (step, average))]
        hx, vx, hy, vy = responses
        if scale < HAAR_SCALES:
            similarities.append([(2 * a * b + HAARPSI_C) / (a ** 2 + b ** 2 + HAARPSI_C)
                                 for a, b in ((hx, hy), (vx, vy))])
        else:
            weights = [np.maximum(hx, hy), np.maximum(vx, vy)]
    local = [np.mean([scale[direction] for scale in similarities], axis=0) for direction in range(2)]
    logistic = [1 / (1 + np.exp(-HAARPSI_ALPHA * similarity)) for similarity in local]
    pooled = (sum((value * weight).sum(axis=(1, 2)) for value, weight in zip(logistic, weights, strict=True))
              / sum(w.sum(axis=(1, 2)) for w in weights))
    return (np.log(pooled / (1 - pooled)) / HAARPSI_ALPHA) ** 2


def _similarity(a: np.ndarray, b: np.ndarray, constant: float) -> np.ndarray:
    return (2 * a * b + constant) / (a ** 2 + b ** 2 + constant)


def mdsi(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """MDSI of each pair, [N] (lower is better, 0 for identical images)."""
    x, y = checked_pairs(reference, distorted, min_side=MIN_SIDES["mdsi"])
    gx, gy, g_average = _gradient_magnitude(x), _gradient_magnitude(y), _gradient_magnitude(x + y) / 2
    gs = _similarity(gx, gy, MDSI_C1) + _similarity(gx, g_average, MDSI_C2) - _similarity(gy, g_average, MDSI_C2)
    powered = (MDSI_ALPHA * gs + (1 - MDSI_ALPHA)).astype(np.complex128) ** MDSI_Q
    deviation = np.abs(powered - powered.mean(axis=(1, 2), keepdims=True)).mean(axis=(1, 2))
    return deviation ** MDSI_O


PAIR_FUNCTIONS = {"psnr": psnr, "ssim": ssim, "ms_ssim": ms_ssim, "ms_gmsd": ms_gmsd, "haarpsi": haarpsi,
                  "mdsi": mdsi}
# The smallest image side each metric is defined for: SSIM's window; MS-SSIM's window at its coarsest scale (four
# ceil-mode halvings of 161 px leave 11); a coarsest MS-GMSD scale of 2 x 2 pixels (a deviation needs two);
# HaarPSI's 2 x 2 pooling; MDSI's deviation over a map of at least 2 x 2.
MIN_SIDES = {"psnr": 1, "ssim": WINDOW, "ms_ssim": (WINDOW - 1) * 2 ** (len(MS_SSIM_WEIGHTS) - 1) + 1,
             "ms_gmsd": 2 ** (len(MS_GMSD_WEIGHTS) - 1) + 1, "haarpsi": 2, "mdsi": 2}
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def pair_distribution(per_pair: np.ndarray, resamples: int, seed: int, level: float = 0.95) -> dict:
    """How a metric's per-pair values are reported: the median with a percentile-bootstrap interval over the
    pairs, the quantiles, and the number of pairs."""
    low, high = bootstrap.interval(np.median, (per_pair,), resamples, seed, level)
    return {"median": float(np.median(per_pair)), "ci": [low, high], "level": level, "resamples": resamples,
            "pairs": len(per_pair), "quantiles": {str(q): float(np.quantile(per_pair, q)) for q in QUANTILES}}
