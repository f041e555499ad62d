//! Course covers. The author uploads one picture; it is kept as uploaded, and shown in two sizes
//! (`domain::media::CoverVariant`: a 640×360 card and a 1280×720 page header), each cropped to
//! 16:9 and encoded as JPEG by the image pipeline.
//!
//! A studio upload makes both sizes before anything is stored, which is also the check that the
//! file is a picture Lore can decode within its limits. The sizes are kept in the media store
//! beside the original (`covers/{id}/{variant}.jpg`); a cover that arrived another way (an
//! imported archive, the demo) gets its sizes made on first request and kept. Every node reads
//! and writes the same store, so a size made on one node serves all of them.

use crate::accounts::{Client, audit};
use crate::media::{FileProblem, clean_file_name, one_chunk, refusal};
use crate::{CurrentSession, ServiceError, Services};
use bytes::Bytes;
use domain::media::{CoverVariant, can_see_cover, can_upload};
use domain::permissions::Actor;
use domain::{CourseId, MediaId, MediaKind};
use images::{Encoding, ImageError, Target};
use store::{NewMedia, now_millis};

/// JPEG quality of the cover sizes: no visible loss on photographs at a tenth of PNG's size.
const COVER_QUALITY: u8 = 82;

/// Where a cover size is kept in the media store.
pub(crate) fn variant_key(media: MediaId, variant: CoverVariant) -> String {
    format!("covers/{media}/{}.jpg", variant.as_str())
}

/// A cover size's pixels.
fn target(variant: CoverVariant) -> Target {
    let (width, height) = variant.size();
    Target { width, height }
}

/// A picture the pipeline refused, as the uploader's problem.
fn picture_refusal(err: ImageError) -> ServiceError {
    match err {
        ImageError::NotAnImage => ServiceError::File(FileProblem::WrongType),
        ImageError::TooLarge => ServiceError::File(FileProblem::TooLarge),
    }
}

/// One cover size, ready to send.
#[derive(Clone, Debug)]
pub struct CoverFile {
    /// The JPEG.
    pub bytes: Bytes,
    /// Whether a listed course shows it, so shared caches may keep it.
    pub public: bool,
}

impl Services {
    /// Makes `picture` (the uploaded file, whole) the cover of `me`'s course `course`, replacing
    /// any cover it had; the new cover's file id.
    pub async fn set_cover(
        &self,
        me: &CurrentSession,
        course: CourseId,
        picture: Vec<u8>,
        file_name: &str,
        client: &Client,
    ) -> Result<MediaId, ServiceError> {
        self.course_draft(me, course).await?;
        if !can_upload(&me.actor, MediaKind::Image) {
            return Err(ServiceError::Forbidden);
        }
        if picture.len() as u64 > self.media.max_bytes(MediaKind::Image) {
            return Err(ServiceError::File(FileProblem::TooLarge));
        }
        self.throttle(crate::media::UPLOADS_PER_ACCOUNT, &me.actor.id.to_string())
            .await?;
        let mut sizes = Vec::new();
        for variant in CoverVariant::ALL {
            let jpeg = self
                .images
                .fill_as(
                    picture.clone(),
                    target(variant),
                    Encoding::Jpeg {
                        quality: COVER_QUALITY,
                    },
                )
                .await
                .map_err(picture_refusal)?;
            sizes.push((variant, jpeg));
        }
        let key = media::new_key(MediaKind::Image);
        let stored = self
            .media
            .put_stream(&key, MediaKind::Image, one_chunk(picture))
            .await
            .map_err(refusal)?;
        let file_name = clean_file_name(file_name);
        let recorded = async {
            let mut tx = self.store().begin().await?;
            let id = tx
                .insert_media(&NewMedia {
                    owner: me.actor.id,
                    kind: MediaKind::Image,
                    storage_key: &key,
                    content_type: stored.content_type,
                    byte_size: stored.size,
                    file_name: &file_name,
                    duration_seconds: None,
                })
                .await?;
            tx.set_draft_cover(course, Some(id), now_millis())
                .await?
                .ok_or(ServiceError::NotFound)?;
            audit(
                &mut tx,
                "course_cover_set",
                Some(me.actor.id),
                None,
                client,
                &format!("{course} {id}"),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(id)
        }
        .await;
        let id = match recorded {
            Ok(id) => id,
            Err(err) => {
                self.discard(&key).await;
                return Err(err);
            }
        };
        // A size that fails to be kept now is made again on its first request.
        for (variant, jpeg) in sizes {
            let kept = self
                .media
                .put_stream(&variant_key(id, variant), MediaKind::Image, one_chunk(jpeg))
                .await;
            if let Err(err) = kept {
                tracing::warn!(%id, ?err, "a cover size was not kept; it will be made on request");
            }
        }
        Ok(id)
    }

    /// Takes the cover off `me`'s course `course` (the picture itself stays among their files).
    /// Safe to repeat.
    pub async fn remove_cover(
        &self,
        me: &CurrentSession,
        course: CourseId,
    ) -> Result<(), ServiceError> {
        self.course_draft(me, course).await?;
        let mut tx = self.store().begin().await?;
        tx.set_draft_cover(course, None, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The `variant` size of cover picture `media`, for `viewer`: anyone once a listed course
    /// shows it, otherwise its owner and admins (others are told it does not exist).
    pub async fn cover_file(
        &self,
        viewer: Option<&Actor>,
        media: MediaId,
        variant: CoverVariant,
    ) -> Result<CoverFile, ServiceError> {
        let record = self
            .store()
            .media(media)
            .await?
            .filter(|r| r.kind == MediaKind::Image)
            .ok_or(ServiceError::NotFound)?;
        let public = self.store().is_listed_cover(media).await?;
        if !can_see_cover(viewer, record.owner, public) {
            return Err(ServiceError::NotFound);
        }
        let key = variant_key(media, variant);
        if let Ok(bytes) = self.media.read(&key).await {
            return Ok(CoverFile { bytes, public });
        }
        let original = self
            .media
            .read(&record.storage_key)
            .await
            .map_err(ServiceError::MediaUnavailable)?;
        let jpeg = self
            .images
            .fill_as(
                original.to_vec(),
                target(variant),
                Encoding::Jpeg {
                    quality: COVER_QUALITY,
                },
            )
            .await
            .map_err(picture_refusal)?;
        if let Err(err) = self
            .media
            .put_stream(&key, MediaKind::Image, one_chunk(jpeg.clone()))
            .await
        {
            tracing::warn!(%media, ?err, "a cover size was made but not kept");
        }
        Ok(CoverFile {
            bytes: Bytes::from(jpeg),
            public,
        })
    }
}
