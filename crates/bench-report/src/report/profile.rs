//! What bounds each headline figure (`{{profiles}}`, and the targets table's last column): the
//! flat `perf` profile of the figure's command, its symbols grouped by crate and module.
//!
//! The grouping is mechanical, so it reads the same from run to run: a Rust symbol counts for
//! the first two segments of its path (`taffy::compute`), or three for Wobble's own modules
//! (`wobble_policy::learned::net`), the C library's
//! allocator for "malloc/free", its memory routines for "memcpy/memcmp", its maths for "libm",
//! kernel samples for "kernel". Inlined code counts where it was inlined.

use super::format::percent;
use super::Data;
use std::fmt::Write as _;

/// Groups shown on a profile line.
const SHOWN: usize = 5;

/// What each profiled key measures, in the report's words.
const FIGURES: &[(&str, &str)] = &[
    (
        "engine/click-button",
        "click-button, whole episodes (one step and one reset each)",
    ),
    ("engine/airline", "airline, whole episodes"),
    ("engine/shop", "shop, whole episodes"),
    ("train/airline", "PPO from scratch on the airline"),
    (
        "sweep/airline",
        "the brittleness sweep of the airline policy",
    ),
];

/// The table of profiles: each figure, its command, and where its time goes.
pub(super) fn profiles(d: &Data) -> String {
    if let Some(r) = d.first("profile", "skipped") {
        return format!(
            "No profiles were taken in this run: {}.\n",
            r.value.str().unwrap_or("perf was not available")
        );
    }
    if !d.has("profile") {
        return "No profiles were taken in this run.\n".into();
    }
    let mut t = String::from(
        "| figure | command profiled | where the time goes (share of samples, self time) |\n|---|---|---|\n",
    );
    for (key, what) in FIGURES {
        let Some(r) = d.first("profile", key) else {
            continue;
        };
        let command = r.value.get("command").str().unwrap_or("");
        let _ = writeln!(
            t,
            "| {what} | `{command}` | {} |",
            profile_line(d, key).unwrap_or_else(|| "no samples".into())
        );
    }
    t
}

/// The largest groups of a figure's profile, as "taffy::compute 41%, malloc/free 12%, …".
pub(super) fn profile_line(d: &Data, key: &str) -> Option<String> {
    let flat = d.first("profile", key)?.value.get("flat").str()?;
    let groups = grouped(flat);
    if groups.is_empty() {
        return None;
    }
    let shown: Vec<String> = groups
        .iter()
        .take(SHOWN)
        .map(|(name, share)| format!("{name} {}", percent(*share)))
        .collect();
    Some(shown.join(", "))
}

/// The profile's samples by group, largest first (shares of all samples, 0..1).
fn grouped(flat: &str) -> Vec<(String, f64)> {
    let mut groups: Vec<(String, f64)> = Vec::new();
    for line in flat.lines() {
        let Some((share, symbol, kernel)) = parse_line(line) else {
            continue;
        };
        let name = if kernel {
            "kernel".to_string()
        } else {
            group_of(symbol)
        };
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.1 += share,
            None => groups.push((name, share)),
        }
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    groups
}

/// `    35.87%  [.] symbol` as (0.3587, "symbol", kernel?).
fn parse_line(line: &str) -> Option<(f64, &str, bool)> {
    let line = line.trim();
    let (share, rest) = line.split_once('%')?;
    let share: f64 = share.trim().parse().ok()?;
    let rest = rest.trim_start();
    let (kernel, symbol) = if let Some(s) = rest.strip_prefix("[k]") {
        (true, s)
    } else {
        (false, rest.strip_prefix("[.]")?)
    };
    Some((share / 100.0, symbol.trim(), kernel))
}

/// The C library's allocator, by symbol.
const ALLOCATOR: &[&str] = &[
    "malloc",
    "free",
    "cfree",
    "realloc",
    "calloc",
    "_int_malloc",
    "_int_free",
    "_int_realloc",
    "malloc_consolidate",
    "unlink_chunk",
    "__libc_malloc",
    "__libc_free",
    "__libc_realloc",
    "__rust_alloc",
    "__rust_dealloc",
    "__rust_realloc",
    "__rdl_alloc",
    "__rdl_dealloc",
    "__rdl_realloc",
];

/// The C maths library's functions, by name (f32 and f64 forms).
const MATHS: &[&str] = &[
    "floor", "ceil", "round", "trunc", "exp", "expm1", "log", "log1p", "pow", "tanh", "sqrt",
    "fma", "sin", "cos",
];

/// The group of one symbol.
fn group_of(symbol: &str) -> String {
    // `cfree@GLIBC_2.2.5`, `__memmove_avx512_unaligned_erms`
    let bare = symbol.split('@').next().unwrap_or(symbol);
    if ALLOCATOR.contains(&bare) {
        return "malloc/free".into();
    }
    if bare.starts_with("__mem") || bare.starts_with("mem") || bare.starts_with("__strlen") {
        return "memcpy/memcmp".into();
    }
    let maths = bare.trim_start_matches('_');
    let maths = maths.strip_suffix('f').unwrap_or(maths);
    if MATHS.contains(&maths) {
        return "libm".into();
    }
    // A Rust path: `<taffy::tree::TaffyView<…> as taffy::tree::traits::CacheTree>::cache_get`
    // counts for `taffy::tree`, `core::ptr::drop_in_place<wobble_engine::env::Node>` for
    // `core::ptr`.
    let path = symbol.trim_start_matches('<');
    let path = path.split(['<', ' ', '{', '(']).next().unwrap_or(path);
    // Empty segments are kept: `wobble_engine::env::node::` (before `<impl …>`) has a module
    // `node` followed by more.
    let segments: Vec<&str> = path.split("::").collect();
    match segments.as_slice() {
        [] | [""] => symbol.to_string(),
        [one] => one.to_string(),
        [first, second, rest @ ..] => {
            if first.starts_with("alloc") && ["raw_vec", "alloc"].contains(second) {
                "malloc/free".into()
            } else if *first == "libm" {
                "libm".into()
            } else if let [third, _, ..] = rest {
                // Wobble's own crates by module (`wobble_policy::learned::net`): a third
                // segment that is a module, not a type or the function itself.
                let module = first.starts_with("wobble_")
                    && third.starts_with(|c: char| c.is_ascii_lowercase());
                if module {
                    format!("{first}::{second}::{third}")
                } else {
                    format!("{first}::{second}")
                }
            } else {
                format!("{first}::{second}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_symbols_by_crate_and_module() {
        assert_eq!(
            group_of("taffy::compute::flexbox::compute_preliminary"),
            "taffy::compute"
        );
        assert_eq!(
            group_of("<taffy::tree::taffy_tree::TaffyView<NodeContext,MeasureFunction> as taffy::tree::traits::CacheTree>::cache_get"),
            "taffy::tree"
        );
        assert_eq!(
            group_of("wobble_engine::env::node::<impl wobble_engine::env::Env>::instantiate_elem"),
            "wobble_engine::env::node"
        );
        assert_eq!(
            group_of("wobble_policy::learned::net::Net::forward"),
            "wobble_policy::learned::net"
        );
        assert_eq!(
            group_of("wobble_engine::env::Env::reset"),
            "wobble_engine::env"
        );
        assert_eq!(
            group_of("wobble_engine::eval::generate"),
            "wobble_engine::eval"
        );
        assert_eq!(group_of("cfree@GLIBC_2.2.5"), "malloc/free");
        assert_eq!(group_of("_int_malloc"), "malloc/free");
        assert_eq!(
            group_of("alloc::raw_vec::RawVecInner<A>::finish_grow"),
            "malloc/free"
        );
        assert_eq!(group_of("__memmove_avx512_unaligned_erms"), "memcpy/memcmp");
        assert_eq!(group_of("floorf"), "libm");
        assert_eq!(group_of("libm::math::expm1f::expm1f"), "libm");
        assert_eq!(group_of("__expm1f"), "libm");
        assert_eq!(
            group_of("core::ptr::drop_in_place<wobble_engine::env::node::Node>"),
            "core::ptr"
        );
        assert_eq!(group_of("main"), "main");
    }

    #[test]
    fn sums_a_flat_profile_into_groups() {
        let flat = "    35.87%  [.] taffy::compute::flexbox::compute_preliminary\n\
                    \x20    8.97%  [.] wobble_engine::eval::generate\n\
                    \x20    4.43%  [.] taffy::compute::flexbox::calculate_flex_item\n\
                    \x20    3.75%  [.] _int_free\n\
                    \x20    3.41%  [.] malloc\n\
                    \x20    1.00%  [k] clear_page_erms\n\
                    \n\
                    garbage line\n";
        let groups = grouped(flat);
        let names: Vec<&str> = groups.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "taffy::compute",
                "wobble_engine::eval",
                "malloc/free",
                "kernel"
            ]
        );
        assert!((groups[0].1 - 0.4030).abs() < 1e-9);
        assert!((groups[2].1 - 0.0716).abs() < 1e-9);
    }
}
