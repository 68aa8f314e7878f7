"""Waveform peaks for audio-only recordings, from the low-rate mono PCM the render step writes.

The PCM is decoded at just enough samples per point for a visual waveform, so a three-hour
rehearsal is a few megabytes; it is read in chunks so memory stays flat whatever the length.
"""

from __future__ import annotations

import math
import os
import sys
from array import array

SAMPLES_PER_POINT = 200
MIN_SAMPLE_RATE = 100
MAX_SAMPLE_RATE = 8000
_CHUNK_SAMPLES = 256 * 1024
_FULL_SCALE = 32768


def waveform_sample_rate(duration: float, points: int = 1000) -> int:
    """PCM sample rate giving about ``SAMPLES_PER_POINT`` samples per point, within 100..8000."""
    if duration <= 0:
        return MAX_SAMPLE_RATE
    wanted = math.ceil(points * SAMPLES_PER_POINT / duration)
    return max(MIN_SAMPLE_RATE, min(MAX_SAMPLE_RATE, wanted))


def waveform_peaks(pcm_path: str, points: int = 1000) -> list[float]:
    """Peak absolute amplitude per bucket of raw mono s16le PCM, as 0..1 of full scale.

    Values are relative to full scale, not to the loudest peak, so a quiet recording looks
    quiet. Returns exactly ``points`` values when the file has at least that many samples,
    otherwise one value per sample.
    """
    total = os.path.getsize(pcm_path) // 2
    if total == 0 or points <= 0:
        return []
    buckets = min(points, total)
    peaks = [0] * buckets
    bucket = 0
    bucket_end = total // buckets  # bucket i covers samples [i*total//buckets, (i+1)*...)
    position = 0
    with open(pcm_path, "rb") as file:
        while position < total:
            samples = array("h")
            data = file.read(min(_CHUNK_SAMPLES, total - position) * 2)
            if len(data) < 2:
                break
            samples.frombytes(data[: len(data) // 2 * 2])
            if sys.byteorder == "big":
                samples.byteswap()
            start = 0
            while start < len(samples):
                stop = min(len(samples), bucket_end - position)
                if stop > start:
                    piece = samples[start:stop]
                    peaks[bucket] = max(peaks[bucket], max(piece), -min(piece))
                    start = stop
                if position + start >= bucket_end and bucket < buckets - 1:
                    bucket += 1
                    bucket_end = (bucket + 1) * total // buckets
            position += len(samples)
    return [round(min(peak / _FULL_SCALE, 1.0), 4) for peak in peaks]
