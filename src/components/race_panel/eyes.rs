//! "What the screen agent sees": the race's screen agent's window, painted by `wobble-screen`
//! exactly as the agent's own eyes paint it (greyscale, one pixel per page pixel), drawn into a
//! canvas with a ring where it clicked last. The page only copies the pixels to the canvas.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use wobble_engine::{Action, Env};
use wobble_screen::{Painter, Scene, Screen, View};

/// Paints the screen agent's window into a canvas.
#[derive(Default)]
pub struct Eyes {
    painter: Option<Painter>,
    screen: Screen,
    rgba: Vec<u8>,
}

impl Eyes {
    /// Paints `env`'s window into `canvas` (resized to the window), with a ring at `last` when it
    /// was a click at a point.
    pub fn draw(&mut self, env: &Env, last: Option<&Action>, canvas: &HtmlCanvasElement) {
        let painter = self.painter.get_or_insert_with(Painter::new);
        painter.paint(&Scene::of(env), View::window(env, 1.0), &mut self.screen);
        let (width, height) = (self.screen.width, self.screen.height);
        self.rgba.clear();
        self.rgba
            .extend(self.screen.pixels.iter().flat_map(|&v| [v, v, v, u8::MAX]));
        if canvas.width() != width || canvas.height() != height {
            canvas.set_width(width);
            canvas.set_height(height);
        }
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        if let Ok(image) =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.rgba), width, height)
        {
            let _ = context.put_image_data(&image, 0.0, 0.0);
        }
        if let Some(Action::ClickAt { x, y }) = last {
            context.begin_path();
            let _ = context.arc(
                f64::from(*x),
                f64::from(*y),
                14.0,
                0.0,
                std::f64::consts::TAU,
            );
            context.set_stroke_style_str("#c4312d");
            context.set_line_width(4.0);
            context.stroke();
        }
    }
}
