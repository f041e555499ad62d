//! Lore's one image pipeline. Every image a person uploads (an avatar today; covers and lesson
//! images next) goes through [`ImagePipeline::fill`], so one set of rules guards them all:
//!
//! - the format comes from the first bytes, never from the name (PNG, JPEG, WebP, GIF only);
//! - the header is read before any pixel, and an image whose decoded size would pass
//!   [`MAX_DECODED_BYTES`] is refused (a decompression bomb costs milliseconds);
//! - the image is cropped to the target's shape *before* it is scaled, so the work is bounded by the
//!   target size. Scaling first is how a 102-byte PNG of 1×6000 pixels once cost 1.15 GB: filling
//!   256×256 meant an intermediate of 256×1,536,000;
//! - jobs draw their decoded size from a shared memory budget before they start, so many uploads at
//!   once wait their turn instead of adding up; the work runs on the blocking pool.
//!
//! Error policy: [`ImageError`] says what was wrong with the upload; every decoder failure is
//! [`ImageError::NotAnImage`] or [`ImageError::TooLarge`], never a panic.

#![forbid(unsafe_code)]

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};
use std::io::Cursor;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Neither side of an accepted image may be longer.
pub const MAX_SIDE: u32 = 8000;
/// The most memory one decoded image may take (a 4000×4000 RGBA photo fits with room to spare).
pub const MAX_DECODED_BYTES: u64 = 96 * MIB;
/// The memory all image jobs of this process may hold at once, by default.
pub const DEFAULT_BUDGET_BYTES: u64 = 192 * MIB;

const MIB: u64 = 1024 * 1024;

/// Why an image was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// Not a PNG, JPEG, WebP or GIF by its content, or broken.
    #[error("not an image Lore accepts")]
    NotAnImage,
    /// Too many pixels, or a side over [`MAX_SIDE`].
    #[error("the image is too large")]
    TooLarge,
}

/// The size an image is made to fill: it is cropped to this shape around its centre, then scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// How a filled image is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lossless, with transparency: small pictures such as avatars.
    Png,
    /// Lossy, a tenth of PNG's size for photographs: course covers. Transparency becomes black.
    Jpeg {
        /// 1–100.
        quality: u8,
    },
}

/// A region of the source image, in source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (at least 1).
    pub width: u32,
    /// Height (at least 1).
    pub height: u32,
}

/// The centred region of a `width`×`height` image with the target's aspect ratio: the largest one
/// that fits, so that scaling it to the target fills the target with nothing stretched.
pub fn fill_crop(width: u32, height: u32, target: Target) -> Crop {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let (tw, th) = (
        u64::from(target.width.max(1)),
        u64::from(target.height.max(1)),
    );
    // Compare w/h with tw/th without floats: the source is wider than the target if w*th > h*tw.
    let (crop_w, crop_h) = if w * th > h * tw {
        (((h * tw + th / 2) / th).clamp(1, w), h)
    } else {
        (w, ((w * th + tw / 2) / tw).clamp(1, h))
    };
    let narrow = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Crop {
        x: narrow((w - crop_w) / 2),
        y: narrow((h - crop_h) / 2),
        width: narrow(crop_w),
        height: narrow(crop_h),
    }
}

/// The image pipeline with its shared memory budget. Cheap to clone; clones share the budget.
#[derive(Clone, Debug)]
pub struct ImagePipeline {
    budget: Arc<Semaphore>,
    budget_mib: u32,
}

impl Default for ImagePipeline {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET_BYTES)
    }
}

impl ImagePipeline {
    /// A pipeline whose jobs together hold at most `bytes` of decoded pixels (at least one
    /// largest image's worth, so no accepted image waits forever).
    pub fn with_budget(bytes: u64) -> Self {
        let mib = bytes.max(MAX_DECODED_BYTES * 2).div_ceil(MIB);
        let budget_mib = u32::try_from(mib).unwrap_or(u32::MAX);
        Self {
            budget: Arc::new(Semaphore::new(budget_mib as usize)),
            budget_mib,
        }
    }

    /// Checks `bytes`, then crops and scales the image to fill `target`, and returns it as PNG.
    /// Waits while other jobs hold the memory this one needs.
    pub async fn fill(&self, bytes: Vec<u8>, target: Target) -> Result<Vec<u8>, ImageError> {
        self.fill_as(bytes, target, Encoding::Png).await
    }

    /// As [`Self::fill`], encoded as `encoding`.
    pub async fn fill_as(
        &self,
        bytes: Vec<u8>,
        target: Target,
        encoding: Encoding,
    ) -> Result<Vec<u8>, ImageError> {
        // Only the header is read here, so this is cheap enough for the async worker.
        let cost = probe(&bytes)?;
        // The decoded image, plus at most as much again for the crop, plus the small result.
        let cost_mib = (cost * 2).div_ceil(MIB) + 1;
        let permits = u32::try_from(cost_mib)
            .unwrap_or(u32::MAX)
            .min(self.budget_mib);
        let _held = self
            .budget
            .acquire_many(permits)
            .await
            .map_err(|_| ImageError::TooLarge)?;
        tokio::task::spawn_blocking(move || fill_now(&bytes, target, encoding))
            .await
            .map_err(|_| ImageError::NotAnImage)?
    }
}

/// The accepted format of `bytes`, by content.
fn format_of(bytes: &[u8]) -> Result<ImageFormat, ImageError> {
    let format = image::guess_format(bytes).map_err(|_| ImageError::NotAnImage)?;
    if matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif
    ) {
        Ok(format)
    } else {
        Err(ImageError::NotAnImage)
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn decoder(bytes: &[u8]) -> Result<impl ImageDecoder + '_, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(bytes)?);
    reader.limits(limits());
    reader.into_decoder().map_err(refusal)
}

fn refusal(err: image::ImageError) -> ImageError {
    match err {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        _ => ImageError::NotAnImage,
    }
}

/// Reads only the header: the decoded size in bytes, if the image is acceptable at all.
fn probe(bytes: &[u8]) -> Result<u64, ImageError> {
    let decoder = decoder(bytes)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ImageError::NotAnImage);
    }
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(ImageError::TooLarge);
    }
    Ok(decoder.total_bytes())
}

/// Decodes, crops to the target's shape, scales, turns upright (EXIF) and encodes as PNG.
fn fill_now(bytes: &[u8], target: Target, encoding: Encoding) -> Result<Vec<u8>, ImageError> {
    let mut decoder = decoder(bytes)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    // A quarter turn swaps the axes: crop the stored pixels to the turned target's shape.
    let stored_target = if turns_sideways(orientation) {
        Target {
            width: target.height,
            height: target.width,
        }
    } else {
        target
    };
    let crop = fill_crop(image.width(), image.height(), stored_target);
    let mut scaled = image
        .crop_imm(crop.x, crop.y, crop.width, crop.height)
        .resize_exact(
            stored_target.width,
            stored_target.height,
            FilterType::Lanczos3,
        );
    drop(image);
    scaled.apply_orientation(orientation);
    let mut out = Vec::new();
    match encoding {
        Encoding::Png => scaled
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| ImageError::NotAnImage)?,
        Encoding::Jpeg { quality } => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .encode_image(&scaled.to_rgb8())
                .map_err(|_| ImageError::NotAnImage)?;
        }
    }
    Ok(out)
}

fn turns_sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    const AVATAR: Target = Target {
        width: 256,
        height: 256,
    };

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([10, 20, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// The CRC-32 PNG chunks carry (bitwise; fine for a few bytes).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn size_of(png: &[u8]) -> (u32, u32) {
        let decoded = image::load_from_memory(png).unwrap();
        (decoded.width(), decoded.height())
    }

    #[tokio::test]
    async fn images_fill_the_target() {
        let pipeline = ImagePipeline::default();
        for (w, h) in [(800, 400), (400, 800), (1, 1), (256, 256), (3000, 7)] {
            let out = pipeline.fill(png(w, h), AVATAR).await.unwrap();
            assert_eq!(size_of(&out), (256, 256), "{w}x{h}");
        }
        let cover = Target {
            width: 640,
            height: 360,
        };
        assert_eq!(
            size_of(&pipeline.fill(png(500, 500), cover).await.unwrap()),
            (640, 360)
        );
    }

    #[tokio::test]
    async fn content_decides_not_the_name() {
        let pipeline = ImagePipeline::default();
        for junk in [
            b"<html><script>alert(1)</script></html>".to_vec(),
            Vec::new(),
            b"GIF89a".to_vec(),
        ] {
            assert_eq!(
                pipeline.fill(junk, AVATAR).await,
                Err(ImageError::NotAnImage)
            );
        }
    }

    #[tokio::test]
    async fn a_bomb_header_is_refused_before_decoding() {
        // A valid PNG header (checksum included) claiming 100000 x 100000 pixels.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let started = Instant::now();
        assert_eq!(
            ImagePipeline::default().fill(bomb, AVATAR).await,
            Err(ImageError::TooLarge)
        );
        assert!(started.elapsed() < Duration::from_millis(500));
    }

    #[tokio::test]
    async fn extreme_aspect_ratios_cost_no_more_than_the_target() {
        // The probe's image: 1 x 6000 (and its transpose) once took 16 s and 1.15 GB.
        let pipeline = ImagePipeline::default();
        for (w, h) in [(1, 6000), (6000, 1)] {
            let started = Instant::now();
            let out = pipeline.fill(png(w, h), AVATAR).await.unwrap();
            assert_eq!(size_of(&out), (256, 256));
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{w}x{h}: {:?}",
                started.elapsed()
            );
        }
    }

    #[tokio::test]
    async fn jobs_share_one_memory_budget() {
        let pipeline = ImagePipeline::with_budget(0);
        assert_eq!(
            pipeline.budget_mib as u64,
            (MAX_DECODED_BYTES * 2).div_ceil(MIB),
            "the budget always fits the largest accepted image"
        );
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let pipeline = pipeline.clone();
                tokio::spawn(async move { pipeline.fill(png(1200, 900), AVATAR).await })
            })
            .collect();
        for job in jobs {
            assert!(job.await.unwrap().is_ok());
        }
        assert_eq!(
            pipeline.budget.available_permits(),
            pipeline.budget_mib as usize,
            "every job gave its share back"
        );
    }

    proptest! {
        #[test]
        fn the_crop_fits_and_keeps_the_target_shape(
            w in 1u32..10_000, h in 1u32..10_000, tw in 1u32..2_000, th in 1u32..2_000,
        ) {
            let crop = fill_crop(w, h, Target { width: tw, height: th });
            prop_assert!(crop.width >= 1 && crop.height >= 1);
            prop_assert!(crop.x + crop.width <= w && crop.y + crop.height <= h);
            prop_assert!(crop.width == w || crop.height == h, "as large as fits");
            // The crop's aspect ratio is the target's, to within one source pixel of rounding.
            let (cw, ch) = (f64::from(crop.width), f64::from(crop.height));
            let want = f64::from(tw) / f64::from(th);
            prop_assert!(
                (cw - ch * want).abs() <= 1.0 || (ch - cw / want).abs() <= 1.0,
                "{crop:?} for {tw}x{th}"
            );
        }
    }

    #[tokio::test]
    async fn covers_come_out_as_jpeg_of_the_target_size() {
        let card = Target {
            width: 640,
            height: 360,
        };
        let out = ImagePipeline::default()
            .fill_as(png(1000, 300), card, Encoding::Jpeg { quality: 82 })
            .await
            .unwrap();
        assert_eq!(image::guess_format(&out).unwrap(), ImageFormat::Jpeg);
        let decoded = image::load_from_memory(&out).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (640, 360));
    }
}
