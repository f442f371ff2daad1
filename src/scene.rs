//! A plain-data snapshot of what the engine shows now, for the components to draw.
//!
//! [`Scene::capture`] reads an [`Env`] once after every change (reset or step) and copies out
//! the instruction, the step count, the outcome, the episode's (possibly perturbed) theme, the
//! tree of shown elements with their boxes, values, states and selectors, how an open dialog is
//! placed, and the engine's list of what the perturbations changed. Components only ever see a `Scene`: they never touch the
//! environment, and they make no decision that the engine should make. Boxes stay exactly as the
//! engine computed them, in page coordinates; the drawing code turns them into offsets from the
//! parent element.

use wobble_engine::compile::Placement;
use wobble_engine::format::{TextStyle, Theme};
use wobble_engine::perturb::Change;
use wobble_engine::{Env, Rect, Role};

/// How the episode ended.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeView {
    /// +1 or -1.
    pub raw_reward: f32,
    /// Whether the task was done.
    pub success: bool,
    /// The engine's reason.
    pub reason: String,
    /// Ended by the step limit.
    pub truncated: bool,
}

/// One shown element and its shown children.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawNode {
    /// Node id in the episode (what actions name).
    pub id: u32,
    /// What it is.
    pub role: Role,
    /// Stable key (empty for structural nodes).
    pub key: String,
    /// The site's selector id (drawn as the DOM `id`; empty when it has none).
    pub dom_id: String,
    /// The site's selector classes, space-separated (drawn into the DOM class list).
    pub classes: String,
    /// Text or accessible name.
    pub label: String,
    /// Placeholder of an empty text field.
    pub placeholder: String,
    /// Current value (typed text or chosen option).
    pub value: String,
    /// Whether a checkbox or radio button is checked.
    pub checked: bool,
    /// Options of a select.
    pub options: Vec<String>,
    /// Box in page coordinates.
    pub bbox: Rect,
    /// Text style.
    pub style: TextStyle,
    /// Primary button, or boxed card.
    pub primary: bool,
    /// Font size in pixels.
    pub font_px: f32,
    /// Whether it can be used now (interactive, on the active page or dialog, episode running).
    pub enabled: bool,
    /// Has the keyboard focus in the engine.
    pub focused: bool,
    /// For a label: the node id of the input it names.
    pub label_for: Option<u32>,
    /// For a label: the selector id of the input it names, when that input has one.
    pub label_for_dom_id: Option<String>,
    /// Shown children, in order.
    pub children: Vec<DrawNode>,
}

/// Everything the page shows of one moment of an episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Site machine name.
    pub site_name: String,
    /// Site brand.
    pub site_title: String,
    /// Task name.
    pub task_name: String,
    /// Seed of the episode.
    pub seed: u64,
    /// The instruction, with goal fields filled in.
    pub instruction: String,
    /// Steps taken.
    pub steps: u32,
    /// The task's step limit.
    pub step_limit: u32,
    /// How the episode ended, once it has.
    pub outcome: Option<OutcomeView>,
    /// Current page id (for the address bar).
    pub page_id: String,
    /// Page width in CSS pixels.
    pub width: f32,
    /// Viewport height in CSS pixels.
    pub height: f32,
    /// Height of the current page's content.
    pub page_height: f32,
    /// The site's theme.
    pub theme: Theme,
    /// Top-level nodes of the current page (the banner first).
    pub page: Vec<DrawNode>,
    /// The open dialog, drawn over the page.
    pub dialog: Option<DrawNode>,
    /// How the open dialog is placed (a modal blocks the page; a bottom bar only what it covers).
    pub placement: Option<Placement>,
    /// What this episode's perturbations changed (and which found nothing to change), in the
    /// engine's words; empty when the site is unperturbed.
    pub changes: Vec<Change>,
}

impl Scene {
    /// Copies what is shown now out of `env` (which must have been reset).
    pub fn capture(env: &Env) -> Scene {
        let site = env.site();
        let shown: Vec<u32> = env.visible_nodes().collect();
        let mut is_shown = vec![false; env.nodes().len()];
        for &id in &shown {
            if let Some(s) = is_shown.get_mut(id as usize) {
                *s = true;
            }
        }
        let page_index = env.page_index();
        let page = shown
            .iter()
            .filter(|&&id| {
                let n = &env.nodes()[id as usize];
                n.parent.is_none() && n.page == page_index && n.role != Role::Dialog
            })
            .map(|&id| draw_node(env, id, &is_shown))
            .collect();
        let dialog = env.dialog().and_then(|d| {
            shown
                .iter()
                .find(|&&id| {
                    let n = &env.nodes()[id as usize];
                    n.role == Role::Dialog && n.page == d
                })
                .map(|&id| draw_node(env, id, &is_shown))
        });
        Scene {
            site_name: site.name.clone(),
            site_title: site.title.clone(),
            task_name: env.task_name().to_string(),
            seed: env.seed(),
            instruction: env.instruction().to_string(),
            steps: env.steps(),
            step_limit: env.step_limit(),
            outcome: env.outcome().map(|o| OutcomeView {
                raw_reward: o.raw_reward,
                success: o.success,
                reason: o.reason.clone(),
                truncated: o.truncated,
            }),
            page_id: env.page_id().to_string(),
            width: site.width,
            height: site.height,
            page_height: env.page_height(),
            theme: site.theme.clone(),
            page,
            dialog,
            placement: env.dialog_placement(),
            changes: env.changes().to_vec(),
        }
    }
}

fn draw_node(env: &Env, id: u32, is_shown: &[bool]) -> DrawNode {
    let n = &env.nodes()[id as usize];
    let shown = |c: &u32| is_shown.get(*c as usize).copied().unwrap_or(false);
    let label_for = if n.role == Role::Label {
        // The input this label names is its next sibling in the field row.
        n.parent.and_then(|p| {
            let siblings = &env.nodes()[p as usize].children;
            let at = siblings.iter().position(|&c| c == id)?;
            siblings[at + 1..].iter().copied().find(|&c| {
                let r = env.nodes()[c as usize].role;
                r.is_text_entry() || r == Role::Select
            })
        })
    } else {
        None
    };
    let label_for_dom_id = label_for
        .map(|f| env.nodes()[f as usize].dom_id.clone())
        .filter(|d| !d.is_empty());
    DrawNode {
        id,
        role: n.role,
        key: n.key.clone(),
        dom_id: n.dom_id.clone(),
        classes: n.classes.clone(),
        label: n.label.clone(),
        placeholder: n.placeholder.clone(),
        value: env.value(id).to_string(),
        checked: env.checked(id),
        options: n.options.clone(),
        bbox: env.bbox(id),
        style: n.style,
        primary: n.primary,
        font_px: n.font_px,
        enabled: !env.is_done() && env.is_usable(id),
        focused: env.focus() == Some(id),
        label_for,
        label_for_dom_id,
        children: n
            .children
            .iter()
            .filter(|c| shown(c))
            .map(|&c| draw_node(env, c, is_shown))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::builtin::load_builtin;
    use wobble_engine::EnvConfig;

    fn airline() -> Env {
        let site = load_builtin("airline").unwrap();
        let mut env = Env::by_name(site, "book-flight", EnvConfig::default()).unwrap();
        env.reset(5);
        env
    }

    fn find<'a>(nodes: &'a [DrawNode], key: &str) -> Option<&'a DrawNode> {
        nodes.iter().find_map(|n| {
            if n.key == key {
                Some(n)
            } else {
                find(&n.children, key)
            }
        })
    }

    #[test]
    fn the_banner_comes_first_and_every_input_is_in_the_tree() {
        let scene = Scene::capture(&airline());
        assert_eq!(scene.page[0].role, Role::Banner);
        assert_eq!(scene.page[0].label, "SkyWays");
        for key in ["from", "to", "depart_date", "passengers", "search_button"] {
            let node = find(&scene.page, key).unwrap_or_else(|| panic!("{key} is not drawn"));
            assert!(node.enabled, "{key} should be usable");
        }
        assert!(scene.dialog.is_none());
        assert_eq!(scene.steps, 0);
        assert!(scene.outcome.is_none());
    }

    #[test]
    fn labels_point_at_their_inputs() {
        let scene = Scene::capture(&airline());
        let from = find(&scene.page, "from").unwrap();
        fn labels(nodes: &[DrawNode], out: &mut Vec<(String, Option<u32>)>) {
            for n in nodes {
                if n.role == Role::Label {
                    out.push((n.label.clone(), n.label_for));
                }
                labels(&n.children, out);
            }
        }
        let mut all = Vec::new();
        labels(&scene.page, &mut all);
        assert!(
            all.contains(&("From".to_string(), Some(from.id))),
            "{all:?}"
        );
        assert!(all.iter().all(|(_, target)| target.is_some()));
    }

    #[test]
    fn selectors_come_from_the_episode_and_follow_renames() {
        let scene = Scene::capture(&airline());
        let search = find(&scene.page, "search_button").unwrap();
        assert_eq!(search.dom_id, "search_button");
        assert!(!search.classes.is_empty());
        assert!(scene.changes.is_empty());

        let mut env = airline();
        env.set_perturbations("rename-selectors:2".parse().unwrap());
        env.reset(5);
        let scene = Scene::capture(&env);
        let search = find(&scene.page, "search_button").unwrap();
        assert_ne!(search.dom_id, "search_button");
        assert!(!search.dom_id.is_empty());
        assert!(scene.changes.iter().any(|c| c.applied));
    }

    #[test]
    fn children_lie_inside_their_parents() {
        let scene = Scene::capture(&airline());
        fn check(n: &DrawNode) {
            for c in &n.children {
                let (p, b) = (n.bbox, c.bbox);
                assert!(
                    b.x >= p.x - 0.5 && b.y >= p.y - 0.5,
                    "{} outside {}",
                    c.id,
                    n.id
                );
                assert!(
                    b.x + b.w <= p.x + p.w + 0.5 && b.y + b.h <= p.y + p.h + 0.5,
                    "{} outside {}",
                    c.id,
                    n.id
                );
                check(c);
            }
        }
        scene.page.iter().for_each(check);
    }
}
