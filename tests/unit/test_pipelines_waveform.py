"""Waveform peaks from raw mono s16le PCM, and the PCM rate that feeds them."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from pipelines import waveform
from pipelines.waveform import waveform_peaks, waveform_sample_rate


def write_pcm(path: Path, samples: list[int]) -> str:
    data = array("h", samples)
    if array("h", [1]).tobytes() != b"\x01\x00":
        data.byteswap()
    path.write_bytes(data.tobytes())
    return str(path)


@pytest.mark.parametrize(
    ("duration", "points", "expected"),
    [
        (1.0, 1000, 8000),  # capped: short clips never need more than 8 kHz
        (60.0, 1000, 3334),
        (600.0, 1000, 334),
        (3 * 3600.0, 1000, 100),  # floor: a 3 h rehearsal still gets 1080 samples per point
        (0.0, 1000, 8000),
    ],
)
def test_waveform_sample_rate(duration: float, points: int, expected: int) -> None:
    rate = waveform_sample_rate(duration, points)

    assert rate == expected
    assert 100 <= rate <= 8000


def test_peaks_per_bucket_relative_to_full_scale(tmp_path: Path) -> None:
    # Four buckets of 3 samples with known peaks, one of them negative full scale.
    samples = [0, 100, -50, 16384, 0, 0, 1, -32768, 2, 0, 0, 0]
    pcm = write_pcm(tmp_path / "a.pcm", samples)

    assert waveform_peaks(pcm, points=4) == [0.0031, 0.5, 1.0, 0.0]


def test_peaks_exactly_points_values_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waveform, "_CHUNK_SAMPLES", 7)  # buckets straddle chunk boundaries
    samples = [(i * 37) % 2000 - 1000 for i in range(1003)]
    pcm = write_pcm(tmp_path / "a.pcm", samples)

    peaks = waveform_peaks(pcm, points=10)

    assert len(peaks) == 10
    expected = []
    for i in range(10):
        bucket = samples[i * 1003 // 10 : (i + 1) * 1003 // 10]
        expected.append(round(max(abs(s) for s in bucket) / 32768, 4))
    assert peaks == expected


@pytest.mark.parametrize(("count", "expected_len"), [(0, 0), (1, 1), (5, 5), (1000, 1000)])
def test_short_files_give_one_value_per_sample(tmp_path: Path, count: int, expected_len: int) -> None:
    pcm = write_pcm(tmp_path / "a.pcm", [1000] * count)

    peaks = waveform_peaks(pcm, points=1000)

    assert len(peaks) == expected_len
    assert all(p == pytest.approx(1000 / 32768, abs=1e-4) for p in peaks)


def test_odd_trailing_byte_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "a.pcm"
    path.write_bytes(array("h", [0, 32767]).tobytes() + b"\x01")

    assert waveform_peaks(str(path), points=2) == [0.0, 1.0]
