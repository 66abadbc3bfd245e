"""Decoding: HU and window against pydicom's own modality LUT on real CT files, compression, rejections,
JPEG squash / centre crop with anti-aliasing, 16-bit images, minimum size, RSNA's wrapped 12-bit slices."""

import struct
import zlib

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut

from conftest import wrapped_twin
from synthbench.datasets.decode import (
    UnusableImage,
    Window,
    ct_window,
    hounsfield,
    load_dicom,
    load_jpeg,
    read_ct,
    wrapped_12bit,
)

BRAIN_WINDOW = Window(40, 80)
REAL_CTS = ["CT_small.dcm", "693_UNCR.dcm", "J2K_pixelrep_mismatch.dcm"]


@pytest.mark.parametrize("name", REAL_CTS)
def test_window_of_real_ct_matches_pydicom_modality_lut(name):
    path = get_testdata_file(name)
    ds = pydicom.dcmread(path)
    expected = np.clip((apply_modality_lut(ds.pixel_array, ds) - 0.0) / 80.0, 0, 1)
    ours, corrected = ct_window(read_ct(path), BRAIN_WINDOW)
    assert not corrected
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    assert 0.0 < ours.mean() < 1.0


def test_compressed_ct_decodes_like_its_uncompressed_twin():
    compressed = get_testdata_file("693_J2KR.dcm")
    assert "JPEG 2000" in pydicom.dcmread(compressed, stop_before_pixels=True).file_meta.TransferSyntaxUID.name
    np.testing.assert_array_equal(load_dicom(compressed, 64, BRAIN_WINDOW),
                                  load_dicom(get_testdata_file("693_UNCR.dcm"), 64, BRAIN_WINDOW))


def test_monochrome1_is_inverted(tmp_path):
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    normal, _ = ct_window(ds, BRAIN_WINDOW)
    ds.PhotometricInterpretation = "MONOCHROME1"
    np.testing.assert_allclose(ct_window(ds, BRAIN_WINDOW)[0], 1.0 - normal)


def test_non_ct_multiframe_and_pixelless_files_are_rejected_with_reasons(tmp_path):
    with pytest.raises(UnusableImage, match="not a CT image"):
        read_ct(get_testdata_file("MR_small.dcm"))
    with pytest.raises(UnusableImage, match="multi-frame"):
        read_ct(get_testdata_file("eCT_Supplemental.dcm"))
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    del ds.PixelData
    ds.save_as(tmp_path / "nopixels.dcm")
    with pytest.raises(UnusableImage, match="without pixel data"):
        read_ct(tmp_path / "nopixels.dcm")
    data = open(get_testdata_file("CT_small.dcm"), "rb").read()
    (tmp_path / "truncated.dcm").write_bytes(data[: len(data) - 5000])
    with pytest.raises(UnusableImage):
        load_dicom(tmp_path / "truncated.dcm", 32, BRAIN_WINDOW)
    with pytest.raises(UnusableImage, match="missing file"):
        read_ct(tmp_path / "absent.dcm")


def test_window_maps_edges_to_black_and_white():
    hu = np.array([-1000.0, 0.0, 40.0, 80.0, 1000.0])
    np.testing.assert_allclose(Window(40, 80).apply(hu), [0.0, 0.0, 0.5, 1.0, 1.0])


def portrait(tmp_path, height=120, width=80):
    """Top band black, middle white, bottom black: squash keeps all three, a centre crop keeps white only."""
    pixels = np.zeros((height, width), np.uint8)
    pixels[height // 3: 2 * height // 3] = 255
    path = tmp_path / "portrait.jpg"
    Image.fromarray(pixels).save(path, quality=95)
    return path


def test_squash_keeps_the_whole_image_and_centre_crop_its_middle(tmp_path):
    path = portrait(tmp_path)
    squashed, cropped = load_jpeg(path, 30, "squash"), load_jpeg(path, 30, "center_crop")
    assert squashed.shape == cropped.shape == (30, 30) and squashed.dtype == np.uint8
    assert squashed[2].mean() < 30 and squashed[15].mean() > 225 and squashed[-3].mean() < 30
    # The white band is 1/3 of the whole image but 1/2 of its central 80 x 80 square.
    assert abs((squashed.mean(axis=1) > 128).mean() - 1 / 3) < 0.05
    assert abs((cropped.mean(axis=1) > 128).mean() - 1 / 2) < 0.05


def test_downsampling_is_anti_aliased(tmp_path):
    checker = ((np.indices((256, 256)).sum(axis=0) % 2) * 255).astype(np.uint8)
    Image.fromarray(checker).save(tmp_path / "checker.png")
    Image.fromarray(checker).convert("L").save(tmp_path / "checker.jpg", quality=100)
    small = load_jpeg(tmp_path / "checker.jpg", 32).astype(float)
    assert abs(small.mean() - 127.5) < 8 and small.std() < 10, "fine detail averages out instead of aliasing"


def test_unreadable_jpegs_are_rejected(tmp_path):
    (tmp_path / "noise.jpg").write_bytes(b"not a jpeg at all")
    with pytest.raises(UnusableImage, match="unreadable image"):
        load_jpeg(tmp_path / "noise.jpg", 32)
    good = portrait(tmp_path).read_bytes()
    (tmp_path / "truncated.jpg").write_bytes(good[: len(good) // 2])
    with pytest.raises(UnusableImage, match="unreadable image"):
        load_jpeg(tmp_path / "truncated.jpg", 32)


def png_with_significant_bits(path, pixels: np.ndarray, bits: int) -> None:
    """A 16-bit greyscale PNG with an sBIT chunk (significant bits) right after IHDR, as a detector writes it."""
    Image.fromarray(pixels).save(path, format="PNG")
    data = path.read_bytes()
    ihdr_end = 8 + 8 + 13 + 4  # signature, IHDR length/type, IHDR data, CRC
    chunk = b"sBIT" + bytes([bits])
    path.write_bytes(data[:ihdr_end] + struct.pack(">I", 1) + chunk + struct.pack(">I", zlib.crc32(chunk))
                     + data[ihdr_end:])


@pytest.mark.parametrize("name", ["sixteen.png", "sixteen.jpg"])
def test_sixteen_bit_greyscale_is_scaled_by_its_bit_depth_not_clipped(tmp_path, name):
    ramp = np.repeat(np.linspace(0, 65535, 64).round().astype(np.uint16)[None, :], 64, axis=0)
    Image.fromarray(ramp).save(tmp_path / name, format="PNG")  # named .jpg: a PNG under a JPEG's name
    assert Image.open(tmp_path / name).mode == "I;16"
    decoded = load_jpeg(tmp_path / name, 64)
    np.testing.assert_array_equal(decoded, np.round(ramp / 65535 * 255).astype(np.uint8))
    assert decoded.min() == 0 and decoded.max() == 255 and len(np.unique(decoded)) > 60


def test_sixteen_bit_png_with_twelve_significant_bits_uses_them(tmp_path):
    ramp = np.repeat(np.linspace(0, 4095, 64).round().astype(np.uint16)[None, :], 64, axis=0)
    png_with_significant_bits(tmp_path / "twelve.png", ramp, 12)
    np.testing.assert_array_equal(load_jpeg(tmp_path / "twelve.png", 64),
                                  np.round(ramp / 4095 * 255).astype(np.uint8))


def test_images_below_the_minimum_side_and_32_bit_images_are_refused(tmp_path):
    Image.fromarray(np.full((1, 1), 100, np.uint8)).save(tmp_path / "dot.jpg")
    with pytest.raises(UnusableImage, match=r"image 1x1 px, its short side is below min_side 64 px"):
        load_jpeg(tmp_path / "dot.jpg", 32, min_side=64)
    Image.fromarray(np.full((80, 63), 100, np.uint8)).save(tmp_path / "narrow.jpg")
    with pytest.raises(UnusableImage, match=r"image 63x80 px"):
        load_jpeg(tmp_path / "narrow.jpg", 32, min_side=64)
    assert load_jpeg(tmp_path / "narrow.jpg", 32, min_side=63).shape == (32, 32)
    Image.fromarray(np.full((64, 64), 0.5, np.float32)).save(tmp_path / "float.tif")
    with pytest.raises(UnusableImage, match="unsupported pixel format F"):
        load_jpeg(tmp_path / "float.tif", 32)
    with pytest.raises(UnusableImage, match=r"image 128x128 px, its short side is below min_side 512"):
        read_ct(get_testdata_file("CT_small.dcm"), min_side=512)


def test_wrapped_twelve_bit_slices_are_corrected_to_the_hounsfield_units_of_the_original():
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    original = np.clip(apply_modality_lut(ds.pixel_array, ds), -1000, 3095)
    twin = wrapped_twin(ds)
    assert (twin.pixel_array >= 3096).mean() > 0.4, "air (half the slice) would show white uncorrected"
    assert wrapped_12bit(twin)
    hu, corrected = hounsfield(twin)
    assert corrected
    np.testing.assert_array_equal(hu, original)
    wide = Window(0, 4000)  # wider than the brain window, so a wrong correction could not hide in clipping
    np.testing.assert_allclose(ct_window(twin, wide)[0], wide.apply(original))


def test_a_correct_slice_with_the_same_header_and_a_little_metal_is_left_alone():
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    hu = np.clip(apply_modality_lut(ds.pixel_array, ds), 0, None).astype(np.int32)  # no air: nothing wraps
    hu[:4, :4] = 3500  # 16 metal pixels of 16,384 stored above 3096
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope = 0, 1
    ds.PixelData = hu.astype(np.uint16).tobytes()
    values, corrected = hounsfield(ds)
    assert not corrected
    np.testing.assert_array_equal(values, hu)
