"""Power-law (1/f^beta) noise: the standard statistical model of breast parenchyma.

Mammographic background has a radially averaged power spectrum P(f) ~ f^-beta with beta about
3 (Burgess et al.), so white noise shaped by f^(-beta/2) in the Fourier domain looks like tissue.
"""

from __future__ import annotations

import numpy as np


def power_law_noise(
    rng: np.random.Generator,
    shape: tuple[int, int],
    beta: float = 3.0,
    f0: float = 0.0,
    stretch: float = 1.0,
) -> np.ndarray:
    """Zero-mean, unit-variance float32 noise of `shape` with power spectrum ~ f^-beta.

    `f0` (cycles/pixel) flattens the spectrum below it, so one huge blob does not dominate;
    `stretch` > 1 makes structures that many times longer along x than along y.
    float32 rfft2 keeps a 1147 x 957 field at about 40 ms.
    """
    h, w = shape
    # The Fourier transform of white Gaussian noise is complex Gaussian noise: draw it directly
    # and save the forward transform.
    spectrum = rng.standard_normal((h, w // 2 + 1, 2), dtype=np.float32).view(np.complex64)[..., 0]
    fy = np.fft.fftfreq(h).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(w).astype(np.float32)[None, :] * np.float32(stretch)
    f2 = fy * fy + fx * fx + np.float32(f0 * f0)
    f2[0, 0] = 1.0  # the DC term is zeroed below; avoid 0 ** negative
    gain = f2 ** np.float32(-beta / 4.0)  # amplitude ~ f^(-beta/2), power ~ f^-beta
    gain[0, 0] = 0.0
    field = np.fft.irfft2(spectrum * gain, s=shape).astype(np.float32, copy=False)
    field /= np.float32(field.std() + 1e-12)
    return field


def upsample2(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear x2 upsampling (pixel-centre aligned) of a half-resolution field, cropped to
    `shape` (float32). Smooth fields are computed at half resolution to save 4x the work."""
    out = img.astype(np.float32, copy=False)
    for axis in (1, 0):  # columns first: the larger row pass then runs on contiguous rows
        a = np.moveaxis(out, axis, 0)
        q = 0.25 * a
        t = a - q
        up = np.empty((2 * a.shape[0], *a.shape[1:]), dtype=np.float32)
        # Output pixel 2i sits a quarter pixel before input pixel i, 2i + 1 a quarter after.
        np.add(t[1:], q[:-1], out=up[2::2])
        np.add(t[:-1], q[1:], out=up[1:-1:2])
        up[0], up[-1] = a[0], a[-1]
        out = np.moveaxis(up, 0, axis)
    return np.ascontiguousarray(out[: shape[0], : shape[1]])


def radial_power_slope(img: np.ndarray, fmin: float = 0.02, fmax: float = 0.25) -> float:
    """Slope of the radially averaged power spectrum in log-log over [fmin, fmax] cycles/pixel.

    Used by the tests (and handy for checking real images): about -beta for power-law noise.
    """
    h, w = img.shape
    power = np.abs(np.fft.fft2(img - img.mean())) ** 2
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[None, :]
    f = np.sqrt(fy * fy + fx * fx).ravel()
    bins = np.geomspace(fmin, fmax, 16)
    idx = np.digitize(f, bins)
    centres, means = [], []
    for k in range(1, len(bins)):
        sel = idx == k
        if sel.any():
            centres.append(f[sel].mean())
            means.append(power.ravel()[sel].mean())
    slope, _ = np.polyfit(np.log(centres), np.log(means), 1)
    return float(slope)
