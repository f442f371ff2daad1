//! Where the lesson card sits: the corner of the window where it covers none of the step's
//! controls (bottom right unless that covers one). The geometry is plain arithmetic on window
//! rectangles, so it is tested natively; only [`Rect::of`] and [`viewport`] read the page.

/// A corner of the window the card can sit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Corner {
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

/// The card's distance from the window's edges, in CSS pixels (as `.lessons` sets it).
const CARD_MARGIN: f64 = 24.0;

impl Corner {
    /// In the order tried: the usual place first.
    const ALL: [Corner; 4] = [
        Corner::BottomRight,
        Corner::BottomLeft,
        Corner::TopRight,
        Corner::TopLeft,
    ];

    /// The class that puts the card there (none for the usual place).
    pub(super) fn class(self) -> Option<&'static str> {
        match self {
            Corner::BottomRight => None,
            Corner::BottomLeft => Some("lessons-bottom-left"),
            Corner::TopRight => Some("lessons-top-right"),
            Corner::TopLeft => Some("lessons-top-left"),
        }
    }

    /// Where a card of `size` sits in a window of `window` size.
    fn rect(self, (w, h): (f64, f64), (width, height): (f64, f64)) -> Rect {
        let left = match self {
            Corner::BottomRight | Corner::TopRight => width - CARD_MARGIN - w,
            Corner::BottomLeft | Corner::TopLeft => CARD_MARGIN,
        };
        let top = match self {
            Corner::BottomRight | Corner::BottomLeft => height - CARD_MARGIN - h,
            Corner::TopRight | Corner::TopLeft => CARD_MARGIN,
        };
        Rect {
            left,
            top,
            right: left + w,
            bottom: top + h,
        }
    }
}

/// A rectangle in window coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    pub(super) fn of(r: &web_sys::DomRect) -> Rect {
        Rect {
            left: r.left(),
            top: r.top(),
            right: r.right(),
            bottom: r.bottom(),
        }
    }

    fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// The first corner where a card of `card` size covers none of `targets` in a window of
/// `window` size; the usual corner when every one covers something.
pub(super) fn free_corner(card: (f64, f64), window: (f64, f64), targets: &[Rect]) -> Corner {
    Corner::ALL
        .into_iter()
        .find(|c| {
            let at = c.rect(card, window);
            !targets.iter().any(|t| t.overlaps(&at))
        })
        .unwrap_or(Corner::BottomRight)
}

/// The window's inner size in CSS pixels.
pub(super) fn viewport() -> Option<(f64, f64)> {
    let document = web_sys::window()?.document()?;
    let root = document.document_element()?;
    Some((root.client_width() as f64, root.client_height() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_moves_to_a_corner_where_it_covers_no_control() {
        let window = (1280.0, 800.0);
        let card = (380.0, 300.0);
        let at = |left: f64, top: f64| Rect {
            left,
            top,
            right: left + 100.0,
            bottom: top + 40.0,
        };
        assert_eq!(
            free_corner(card, window, &[at(40.0, 100.0)]),
            Corner::BottomRight
        );
        // A control under the usual place: the card goes bottom left.
        assert_eq!(
            free_corner(card, window, &[at(1000.0, 700.0)]),
            Corner::BottomLeft
        );
        // Controls along the whole bottom: the card goes up.
        let bottom = [at(1000.0, 700.0), at(40.0, 700.0)];
        assert_eq!(free_corner(card, window, &bottom), Corner::TopRight);
        // Covered everywhere: the usual place.
        let wide = Rect {
            left: 0.0,
            top: 0.0,
            right: 1280.0,
            bottom: 800.0,
        };
        assert_eq!(free_corner(card, window, &[wide]), Corner::BottomRight);
    }
}
