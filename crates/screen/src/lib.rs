//! The screen: what a page looks like as greyscale pixels.
//!
//! A screen-reading agent sees neither labels nor roles, only a picture of
//! the page. This crate paints the engine's [`Scene`] (the same description
//! the SVG drawing is written from) into a [`Screen`] of greyscale pixels,
//! with real fonts embedded in the build (DejaVu Sans, Serif, Sans Mono and
//! Sans Condensed, regular and bold; see `fonts/README.md`). So a `font`
//! perturbation that changes the theme's family, size or weight really
//! changes the glyphs, and a `move` really changes where things are.
//!
//! Everything is computed with `f32` arithmetic and the software float
//! functions of `libm`, never the platform's, so the pixels are the same
//! bytes natively and on wasm32 (a digest test checks it). Data flow:
//! `Env` → [`Scene::of`] → [`Painter::paint`] → [`Screen`] (viewport
//! at a scale) → an agent's input, `wobble render --png`, or the page's
//! "what the screen agent sees".

#![forbid(unsafe_code)]

mod color;
mod coverage;
mod float;
mod fonts;
mod paint;
pub mod read;

pub use fonts::{FaceFile, Fonts};
pub use paint::Painter;
pub use wobble_engine::render::Scene;

/// A greyscale image: 0 is black, 255 white, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Screen {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` luminance values, row by row.
    pub pixels: Vec<u8>,
}

impl Screen {
    /// A white screen of this size.
    pub fn new(width: u32, height: u32) -> Screen {
        Screen {
            width,
            height,
            pixels: vec![255; width as usize * height as usize],
        }
    }

    /// Makes this a white screen of this size, reusing its storage.
    pub fn clear(&mut self, width: u32, height: u32) {
        self.width = width;
        self.height = height;
        self.pixels.clear();
        self.pixels
            .resize(width as usize * height as usize, u8::MAX);
    }

    /// The pixel at (x, y), or white outside the screen.
    pub fn get(&self, x: i64, y: i64) -> u8 {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return u8::MAX;
        }
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    /// A 64-bit FNV-1a digest of the size and pixels, for determinism tests.
    pub fn digest(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let size = [self.width.to_le_bytes(), self.height.to_le_bytes()];
        for b in size.iter().flatten().chain(&self.pixels) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }
}

/// Which part of the page a screen shows, and how small.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// The page's y at the screen's top (the scroll position), in page pixels.
    pub top: f32,
    /// How much of the page the screen shows, in page pixels (the window's height).
    pub height: f32,
    /// Screen pixels per page pixel.
    pub scale: f32,
}

impl View {
    /// The window of `env` at its scroll position, at `scale`: what a person sees.
    pub fn window(env: &wobble_engine::Env, scale: f32) -> View {
        View {
            top: env.scroll_y(),
            height: env.site().height,
            scale,
        }
    }

    /// The whole scene from its top, at `scale`.
    pub fn whole(scene: &Scene<'_>, scale: f32) -> View {
        View {
            top: 0.0,
            height: scene.height,
            scale,
        }
    }
}
