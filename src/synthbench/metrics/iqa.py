"""Full-reference image quality of image pairs that show the same thing: PSNR and SSIM, on greyscale.

These compare an image with its own reference, so the benchmark uses them where a pair means something: a
synthetic image against its nearest real training image (how close a generator comes to copying), next to a
held-out real image against its nearest training image. Between unrelated images they measure nothing.

Definitions (Wang et al. 2004, 2003), on one-channel images with values in [0, 1] (uint8 input is divided by
255), each value one pair's:
- PSNR = 10 log10(1 / (MSE + 1e-8));
- SSIM: 11-tap Gaussian window (sigma 1.5), C1 = 0.01², C2 = 0.03², the mean over the *valid* region (no
  padding: an image must be at least 11 px).
They agree with piqa 1.3.2 (`psnr`, `ssim`) to float64 precision (tests). MS-SSIM is not here yet: its five
scales need 176 px images in the valid-region form, and zero-padded windows (piqa's `padding=True`) give two
unrelated 32 px noise images an MS-SSIM of 0.69, since the padding is structure both share.
"""

import numpy as np

WINDOW, SIGMA, K1, K2 = 11, 1.5, 0.01, 0.03
PSNR_EPSILON = 1e-8


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


def _ssim(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-pair mean SSIM over the valid region, [N]."""
    window = gaussian_window()
    c1, c2 = K1 ** 2, K2 ** 2
    mu_x, mu_y = _blur(x, window), _blur(y, window)
    sigma_xx = _blur(x * x, window) - mu_x ** 2
    sigma_yy = _blur(y * y, window) - mu_y ** 2
    sigma_xy = _blur(x * y, window) - mu_x * mu_y
    cs = (2 * sigma_xy + c2) / (sigma_xx + sigma_yy + c2)
    ssim_map = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1) * cs
    return ssim_map.mean(axis=(1, 2))


def psnr(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """PSNR of each pair in dB, [N]."""
    x, y = checked_pairs(reference, distorted)
    mse = ((x - y) ** 2).reshape(len(x), -1).mean(axis=1)
    return 10 * np.log10(1.0 / (mse + PSNR_EPSILON))


def ssim(reference: np.ndarray, distorted: np.ndarray) -> np.ndarray:
    """SSIM of each pair over the valid region, [N]."""
    x, y = checked_pairs(reference, distorted, min_side=WINDOW)
    return _ssim(x, y)
