//! The embedded faces and which one a run of text is set in.

use ab_glyph::{Font, FontRef};
use wobble_engine::text::Face;

/// One embedded font file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceFile {
    /// DejaVu Sans.
    Sans,
    /// DejaVu Sans Bold.
    SansBold,
    /// DejaVu Serif.
    Serif,
    /// DejaVu Serif Bold.
    SerifBold,
    /// DejaVu Sans Mono.
    Mono,
    /// DejaVu Sans Mono Bold.
    MonoBold,
    /// DejaVu Sans Condensed.
    Condensed,
    /// DejaVu Sans Condensed Bold.
    CondensedBold,
}

impl FaceFile {
    /// Every embedded file, in the order [`Fonts`] holds them.
    pub const ALL: [FaceFile; 8] = [
        FaceFile::Sans,
        FaceFile::SansBold,
        FaceFile::Serif,
        FaceFile::SerifBold,
        FaceFile::Mono,
        FaceFile::MonoBold,
        FaceFile::Condensed,
        FaceFile::CondensedBold,
    ];

    /// The file a measuring face is drawn with at a CSS weight (600 and up is bold,
    /// as a browser picks the bold file of a family with two weights).
    pub fn of(face: Face, weight: u16) -> FaceFile {
        let bold = weight >= wobble_engine::text::BOLD_WEIGHT;
        match (face, bold) {
            (Face::Sans, false) => FaceFile::Sans,
            (Face::Sans, true) => FaceFile::SansBold,
            (Face::Serif, false) => FaceFile::Serif,
            (Face::Serif, true) => FaceFile::SerifBold,
            (Face::Mono, false) => FaceFile::Mono,
            (Face::Mono, true) => FaceFile::MonoBold,
            (Face::Condensed, false) => FaceFile::Condensed,
            (Face::Condensed, true) => FaceFile::CondensedBold,
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            FaceFile::Sans => include_bytes!("../fonts/DejaVuSans.ttf"),
            FaceFile::SansBold => include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
            FaceFile::Serif => include_bytes!("../fonts/DejaVuSerif.ttf"),
            FaceFile::SerifBold => include_bytes!("../fonts/DejaVuSerif-Bold.ttf"),
            FaceFile::Mono => include_bytes!("../fonts/DejaVuSansMono.ttf"),
            FaceFile::MonoBold => include_bytes!("../fonts/DejaVuSansMono-Bold.ttf"),
            FaceFile::Condensed => include_bytes!("../fonts/DejaVuSansCondensed.ttf"),
            FaceFile::CondensedBold => include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf"),
        }
    }
}

/// The embedded faces, parsed once.
#[derive(Debug, Clone)]
pub struct Fonts {
    faces: Vec<FontRef<'static>>,
}

impl Fonts {
    /// Parses the embedded files.
    ///
    /// # Panics
    /// Never for the files this crate ships: a test parses every one.
    pub fn load() -> Fonts {
        let faces = FaceFile::ALL
            .iter()
            .map(|f| FontRef::try_from_slice(f.bytes()).expect("an embedded font parses"))
            .collect();
        Fonts { faces }
    }

    /// One face.
    pub fn get(&self, file: FaceFile) -> &FontRef<'static> {
        &self.faces[file as usize]
    }

    /// Width in pixels of `text` set in `file` at `size` pixels to the em.
    pub fn width(&self, file: FaceFile, text: &str, size: f32) -> f32 {
        let font = self.get(file);
        let per_unit = size / font.units_per_em().unwrap_or(2048.0);
        text.chars()
            .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
            .sum::<f32>()
            * per_unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_face_parses_and_has_the_sites_characters() {
        let fonts = Fonts::load();
        for file in FaceFile::ALL {
            let font = fonts.get(file);
            for c in "Aa0$€—…•→é·–".chars() {
                assert_ne!(font.glyph_id(c).0, 0, "{file:?} lacks {c:?}");
            }
        }
    }

    #[test]
    fn faces_differ_in_width() {
        let fonts = Fonts::load();
        let w = |f| fonts.width(f, "Search flights", 14.0);
        assert!(w(FaceFile::SansBold) > w(FaceFile::Sans));
        assert!(w(FaceFile::Condensed) < w(FaceFile::Sans));
        assert!(w(FaceFile::Mono) != w(FaceFile::Sans));
        assert!(w(FaceFile::Serif) != w(FaceFile::Sans));
    }
}
