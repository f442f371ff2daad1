//! Small SVG charts for the training panel: a line chart over training (success, return, episode
//! length against episodes) and horizontal bars (success of several policies).
//!
//! Both draw into a fixed view box that scales with the card, with labelled axes (units in the
//! labels), round tick values and crisp one-pixel grid lines.

use wobble_app::agent::Rate;
use wobble_policy::wilson_interval;
use yew::prelude::*;

/// Props of [`LineChart`].
#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    /// The element id.
    pub id: AttrValue,
    /// Title above the plot.
    pub title: AttrValue,
    /// (x, y) points, x increasing.
    pub points: Vec<(f64, f64)>,
    /// Label of the x axis, with its unit.
    pub x_label: AttrValue,
    /// Label of the y axis, with its unit.
    pub y_label: AttrValue,
    /// Fixed y range, or `None` to fit the data.
    #[prop_or_default]
    pub y_range: Option<(f64, f64)>,
    /// Shows y values as percentages (data in 0..1).
    #[prop_or_default]
    pub percent: bool,
    /// The line's color.
    pub color: AttrValue,
}

const W: f64 = 300.0;
const H: f64 = 150.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 18.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 34.0;

/// A line chart with axes, ticks and labels.
#[function_component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let x_max = props.points.last().map(|p| p.0).unwrap_or(1.0).max(1.0);
    let (y_min, y_max) = props.y_range.unwrap_or_else(|| fit(&props.points));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let sx = |x: f64| LEFT + x / x_max * plot_w;
    let sy = |y: f64| TOP + (1.0 - (y - y_min) / (y_max - y_min).max(1e-9)) * plot_h;
    let path: String = props
        .points
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| {
            format!(
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                sx(x),
                sy(y)
            )
        })
        .collect();
    let y_ticks = ticks(y_min, y_max, 4);
    let x_ticks = ticks(0.0, x_max, 4);
    let fmt_y = |v: f64| {
        if props.percent {
            format!("{:.0}%", v * 100.0)
        } else {
            short(v)
        }
    };
    html! {
        <svg id={props.id.clone()} class="chart" viewBox={format!("0 0 {W} {H}")} role="img"
            aria-label={props.title.clone()} font-size="10">
            <text x="4" y="13" class="chart-title">{ props.title.clone() }</text>
            { for y_ticks.iter().map(|&v| {
                // Half-pixel offsets keep one-pixel lines sharp.
                let y = sy(v).round() + 0.5;
                html! { <g>
                    <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} class="chart-grid" />
                    <text x={(LEFT - 4.0).to_string()} y={(y + 3.5).to_string()} text-anchor="end" class="chart-tick">{ fmt_y(v) }</text>
                </g> }
            }) }
            { for x_ticks.iter().map(|&v| {
                let x = sx(v).round() + 0.5;
                html! { <text x={x.to_string()} y={(H - BOTTOM + 12.0).to_string()} text-anchor="middle" class="chart-tick">{ short(v) }</text> }
            }) }
            <line x1={(LEFT + 0.5).to_string()} x2={(LEFT + 0.5).to_string()} y1={TOP.to_string()} y2={(H - BOTTOM + 0.5).to_string()} class="chart-axis" />
            <line x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(H - BOTTOM + 0.5).to_string()} y2={(H - BOTTOM + 0.5).to_string()} class="chart-axis" />
            <path d={path} fill="none" stroke={props.color.clone()} stroke-width="1.8" stroke-linejoin="round" />
            <text x={(LEFT + plot_w / 2.0).to_string()} y={(H - 4.0).to_string()} text-anchor="middle" class="chart-label">{ props.x_label.clone() }</text>
            <text transform={format!("translate(10 {:.1}) rotate(-90)", TOP + plot_h / 2.0)} text-anchor="middle" class="chart-label">{ props.y_label.clone() }</text>
        </svg>
    }
}

/// Props of [`Bars`].
#[derive(Properties, PartialEq)]
pub struct BarsProps {
    /// The element id.
    pub id: AttrValue,
    /// Title above the bars.
    pub title: AttrValue,
    /// One bar per policy: its label, successes and episodes.
    pub bars: Vec<Rate>,
}

/// Horizontal bars of success rates, 0 to 100%, each with its 95% Wilson
/// interval as a whisker (and in words on hover).
#[function_component]
pub fn Bars(props: &BarsProps) -> Html {
    let (left, bar_h, gap) = (128.0, 20.0, 8.0);
    let plot_w = W - left - 40.0;
    let height = TOP + props.bars.len() as f64 * (bar_h + gap) + 22.0;
    html! {
        <svg id={props.id.clone()} class="chart" viewBox={format!("0 0 {W} {height}")} role="img"
            aria-label={props.title.clone()} font-size="10">
            <text x="4" y="13" class="chart-title">{ props.title.clone() }</text>
            { for props.bars.iter().enumerate().map(|(i, bar)| {
                let y = TOP + i as f64 * (bar_h + gap);
                let rate = bar.successes as f64 / bar.episodes.max(1) as f64;
                let ci = wilson_interval(bar.successes, bar.episodes);
                let w = (rate.clamp(0.0, 1.0) * plot_w).max(1.0);
                let (lo, hi) = (left + ci.low * plot_w, left + ci.high * plot_w);
                let mid = y + bar_h / 2.0;
                let said = format!("{:.1}% ({}/{} episodes, {ci})", rate * 100.0, bar.successes, bar.episodes);
                html! { <g data-label={bar.label.clone()} data-rate={format!("{rate:.3}")}
                        data-ci={format!("{:.3}-{:.3}", ci.low, ci.high)} data-episodes={bar.episodes.to_string()}>
                    <title>{ format!("{}: {said}", bar.label) }</title>
                    <text x={(left - 6.0).to_string()} y={(y + 14.0).to_string()} text-anchor="end" class="chart-label">{ bar.label.clone() }</text>
                    <rect x={left.to_string()} y={y.to_string()} width={format!("{w:.1}")} height={bar_h.to_string()} rx="3"
                        fill={ if i == 0 { "#8c95a8" } else { "#5b4cdb" } } />
                    <line x1={format!("{lo:.1}")} x2={format!("{hi:.1}")} y1={format!("{mid:.1}")} y2={format!("{mid:.1}")}
                        stroke="#1b1b1b" stroke-width="1.5" />
                    <text x={(left + w.max(hi - left) + 4.0).to_string()} y={(y + 14.0).to_string()} class="chart-tick">
                        { format!("{:.0}% (n={})", rate * 100.0, bar.episodes) }
                    </text>
                </g> }
            }) }
            <text x={(left + plot_w / 2.0).to_string()} y={(height - 4.0).to_string()} text-anchor="middle" class="chart-label">{"success, % of episodes (line: 95% CI)"}</text>
        </svg>
    }
}

/// A y range that holds the points, with a little room.
fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let lo = lo.min(0.0);
    if hi - lo < 1e-6 {
        return (lo, lo + 1.0);
    }
    let step = nice_step((hi - lo) / 4.0);
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

/// A round step near `raw` (1, 2 or 5 times a power of ten).
fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1e-9);
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// Round tick values from `lo` to `hi`, about `n` of them.
fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let step = nice_step((hi - lo) / n as f64);
    let mut v = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while v <= hi + step * 1e-6 && out.len() < 20 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    out
}

/// A number in few characters: 1500, 2.5k, 0.25.
fn short(v: f64) -> String {
    if v.abs() >= 10_000.0 {
        format!("{}k", v / 1000.0)
    } else if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 1.0, 4), vec![0.0, 0.5, 1.0]);
        assert_eq!(ticks(0.0, 1500.0, 4), vec![0.0, 500.0, 1000.0, 1500.0]);
        assert_eq!(short(1500.0), "1500");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(nice_step(0.3), 0.5);
    }
}
