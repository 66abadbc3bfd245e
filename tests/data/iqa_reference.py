"""Makes the reference values of tests/test_iqa.py with piqa 1.3.2, independently of synthbench: PSNR, SSIM
(11-tap Gaussian, sigma 1.5, valid region), MS-SSIM (5 scales, Wang et al.'s weights, valid region), MS-GMSD,
HaarPSI and MDSI of greyscale image pairs, in float64. MS-SSIM's coarsest scale needs 11 px, so its pairs are
161 px or larger and are stored separately (`large_*`).

MS-GMSD and HaarPSI are piqa's functions on the one luminance channel, as its `MS_GMSD()` and
`HaarPSI(chromatic=False)` modules compute them (a grey image's Y is the image itself); HaarPSI after the
module's 2 x 2 average pooling (`avg_pool2d(2, ceil_mode=True)`). The modules themselves, on the grey images
repeated to RGB in float32, are checked to agree to float32 precision.

MDSI follows the paper (Nafchi et al. 2016) where piqa does not: piqa's `mdsi` takes the mean of GCS^(1/4)
over the rows and the batch (`dim=(-2, -3)`, one mean per column) where the paper takes it over the image's
whole map. The script computes MDSI with piqa's own Prewitt gradient operator (`channel_conv`, `l2_norm`) and
checks that, pooled piqa's way, it reproduces piqa's `mdsi` on the grey images in LHM form (chromaticity
channels 0, so the chromaticity similarity is 1) exactly; the reference value is the same computation pooled
over each image's whole map.

Run in a throwaway environment (piqa is not a synthbench dependency), from the repository root:

    python3.11 -m venv /tmp/ref && /tmp/ref/bin/pip install torch==2.13.0 piqa==1.3.2
    /tmp/ref/bin/python tests/data/iqa_reference.py tests/data/iqa_reference.npz

piqa's package __init__ imports LPIPS, which imports torchvision, and the torchvision wheel from PyPI does not
load beside torch's CPU build (`operator torchvision::nms does not exist`); the metrics used here need neither,
so their modules are imported with the package __init__ left out.

The image pairs are made here from a fixed seed and stored with the values. Cases: unrelated noise, a smooth
image against a noisy and a shifted copy, an odd-sized non-square pair and identical images.
"""

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import torch


def piqa_modules():
    """piqa's psnr, ssim, gmsd, haarpsi, functional and mdsi modules, imported without the package's __init__
    (and LPIPS)."""
    package = types.ModuleType("piqa")
    package.__path__ = [str(Path(importlib.util.find_spec("piqa").origin).parent)]
    sys.modules["piqa"] = package
    import piqa.gmsd
    import piqa.haarpsi
    import piqa.mdsi
    import piqa.psnr
    import piqa.ssim
    import piqa.utils.functional
    return piqa.psnr, piqa.ssim, piqa.gmsd, piqa.haarpsi, piqa.utils.functional, piqa.mdsi


def mdsi(x, y, functional, mean_dims):
    """MDSI of grey pairs [N, 1, H, W] with the paper's constants (c1 = 140, c2 = 55 over 255², alpha 0.6 for
    the 'sum' combination, q = o = 0.25, rho = 1), the mean of GCS^q taken over `mean_dims` of the [N, H, W] map."""
    kernel = functional.gradient_kernel(functional.prewitt_kernel()).double()
    def magnitude(images):
        return functional.l2_norm(functional.channel_conv(images, kernel, padding=1), dim=1)
    gx, gy, gm_average = magnitude(x), magnitude(y), magnitude(x + y) / 2
    c1, c2 = 140 / 255 ** 2, 55 / 255 ** 2
    def similarity(a, b, c):
        return (2 * a * b + c) / (a ** 2 + b ** 2 + c)
    gs = similarity(gx, gy, c1) + similarity(gx, gm_average, c2) - similarity(gy, gm_average, c2)
    gcs = 0.6 * gs + 0.4 * 1.0  # a grey pair's chromaticity similarity is 1
    powered = torch.complex(gcs, torch.zeros_like(gcs)) ** 0.25
    deviation = (powered - powered.mean(dim=mean_dims, keepdim=True)).abs()
    return deviation.mean(dim=(-1, -2)) ** 0.25


def cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (reference, distorted), float64 [N, H, W] in [0, 1]."""
    rng = np.random.default_rng(20261206)
    yy, xx = np.mgrid[:32, :32] / 32.0
    smooth = np.stack([0.5 + 0.3 * np.sin(2 * np.pi * (f * yy + g * xx)) for f, g in ((1, 2), (2, 1), (3, 3))])
    noisy = np.clip(smooth + rng.normal(0, 0.05, smooth.shape), 0, 1)
    shifted = np.roll(smooth, 2, axis=2)
    odd = rng.uniform(0, 1, (2, 37, 45))
    return {
        "noise": (rng.uniform(0, 1, (4, 32, 32)), rng.uniform(0, 1, (4, 32, 32))),
        "noisy": (smooth, noisy),
        "shifted": (smooth, shifted),
        "odd": (odd, np.clip(odd + rng.normal(0, 0.1, odd.shape), 0, 1)),
        "identical": (smooth, smooth.copy()),
    }


def large_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pairs big enough for MS-SSIM's five valid-region scales: smooth against noisy, unrelated noise, and an odd
    size (161 x 175, the smallest height that has a coarsest scale of 11 px)."""
    rng = np.random.default_rng(20261207)
    yy, xx = np.mgrid[:176, :176] / 176.0
    smooth = np.stack([0.5 + 0.3 * np.sin(2 * np.pi * (f * yy + g * xx)) for f, g in ((1, 2), (3, 1))])
    odd = rng.uniform(0.2, 0.8, (1, 161, 175))
    return {
        "largenoisy": (smooth, np.clip(smooth + rng.normal(0, 0.05, smooth.shape), 0, 1)),
        "largenoise": (rng.uniform(0, 1, (2, 176, 176)), rng.uniform(0, 1, (2, 176, 176))),
        "largeodd": (odd, np.clip(odd + rng.normal(0, 0.1, odd.shape), 0, 1)),
    }


def main(out: str) -> None:
    psnr_module, ssim_module, gmsd_module, haarpsi_module, functional, mdsi_module = piqa_modules()
    psnr, ssim = psnr_module.psnr, ssim_module.ssim
    prewitt = functional.gradient_kernel(functional.prewitt_kernel()).double()
    weights = gmsd_module.MS_GMSD.WEIGHTS.double()
    ms_gmsd_module, haarpsi_grey = gmsd_module.MS_GMSD(reduction="none"), haarpsi_module.HaarPSI(
        chromatic=False, reduction="none")
    # piqa's haarpsi builds its Haar kernels in float32, which conv2d refuses beside float64 images; the kernels
    # (1 / 2, 1 / 4, 1 / 8 with signs) are exact in float32, so the float64 copies change no value.
    float32_haar = functional.haar_kernel
    haarpsi_module.haar_kernel = lambda size: float32_haar(size).double()
    # piqa.utils.functional.gaussian_kernel builds the window in float32, whose rounded weights move SSIM by up
    # to 2e-7; the same formula in float64 (checked against it to float32 precision) keeps the reference exact.
    offsets = torch.arange(11, dtype=torch.float64) - 5
    kernel = torch.exp(-offsets ** 2 / (2 * 1.5 ** 2))
    kernel = kernel / kernel.sum()
    assert torch.allclose(kernel.float(), functional.gaussian_kernel(11, 1.5), rtol=1e-6, atol=0)
    kernel = kernel.repeat(1, 1, 1)
    arrays = {}
    for name, (reference, distorted) in cases().items():
        x, y = (torch.from_numpy(images[:, None]) for images in (reference, distorted))
        arrays[f"{name}_reference"], arrays[f"{name}_distorted"] = reference, distorted
        arrays[f"{name}_psnr"] = psnr(x, y).numpy()
        arrays[f"{name}_ssim"] = ssim(x, y, kernel)[0].numpy().ravel()
        arrays[f"{name}_ms_gmsd"] = gmsd_module.ms_gmsd(x, y, prewitt, weights).numpy()
        pooled = [torch.nn.functional.avg_pool2d(images, 2, ceil_mode=True) for images in (x, y)]
        arrays[f"{name}_haarpsi"] = haarpsi_module.haarpsi(*pooled).numpy()
        rgb = [images.float().repeat(1, 3, 1, 1) for images in (x, y)]
        np.testing.assert_allclose(ms_gmsd_module(*rgb).numpy(), arrays[f"{name}_ms_gmsd"], rtol=1e-4, atol=1e-6)
        haarpsi_module.haar_kernel = float32_haar
        np.testing.assert_allclose(haarpsi_grey(*rgb).numpy(), arrays[f"{name}_haarpsi"], rtol=1e-4, atol=1e-6)
        haarpsi_module.haar_kernel = lambda size: float32_haar(size).double()
        lhm = [torch.cat([images, torch.zeros_like(images), torch.zeros_like(images)], dim=1) for images in (x, y)]
        piqa_pooled = mdsi_module.mdsi(*lhm, kernel=functional.gradient_kernel(functional.prewitt_kernel()).double())
        np.testing.assert_allclose(mdsi(x, y, functional, (-2, -3)).numpy(), piqa_pooled.numpy(), rtol=1e-12)
        arrays[f"{name}_mdsi"] = mdsi(x, y, functional, (-1, -2)).numpy()
        print(name, *(arrays[f"{name}_{metric}"] for metric in ("psnr", "ssim", "ms_gmsd", "haarpsi", "mdsi")),
              "piqa's per-column MDSI:", piqa_pooled.numpy())
    weights = ssim_module.MS_SSIM.WEIGHTS.double()
    for name, (reference, distorted) in large_cases().items():
        x, y = (torch.from_numpy(images[:, None]) for images in (reference, distorted))
        arrays[f"{name}_reference"], arrays[f"{name}_distorted"] = reference, distorted
        arrays[f"{name}_ms_ssim"] = ssim_module.ms_ssim(x, y, kernel, weights).numpy()
        module = ssim_module.MS_SSIM(reduction="none")
        np.testing.assert_allclose(module(*(images.float().repeat(1, 3, 1, 1) for images in (x, y))).numpy(),
                                   arrays[f"{name}_ms_ssim"], rtol=1e-4, atol=1e-6)
        print(name, arrays[f"{name}_ms_ssim"])
    np.savez_compressed(out, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
