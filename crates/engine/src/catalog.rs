//! One way to open an environment.
//!
//! A [`Catalog`] knows every site a name can mean: the shipped ones
//! ([`crate::builtin`]) and any a person opened from a file, which stands in
//! for a shipped site of the same name. [`Catalog::open`] (and [`open`], on
//! the shipped catalog) turns a site, a task and a perturbation spec into an
//! [`Env`]:
//!
//! ```text
//! Source::Named("bank") | Source::File { path, text }
//!   --perturbation spec parsed first (a typo is reported before any site is compiled)
//!   --site: the catalog's (an opened file stands in for a shipped site) or the file compiled
//!   --task: by name, or the site's first
//!   --> Env, perturbed from its first reset on
//! ```
//!
//! The command line, the JavaScript module, the page, its training worker and
//! the wasm benches all open environments here, so they agree on what a name
//! means and on what a mistake says; [`OpenError`] keeps which part was wrong
//! so each caller can name it in its own terms (`--perturb`, `perturb`).

use crate::builtin::{self, site_names};
use crate::compile::{load_site, Site, SiteError};
use crate::env::{Env, EnvConfig};
use crate::perturb::{PerturbSpec, SpecError};
use std::fmt;
use std::sync::Arc;

/// Where a site comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A site of the catalog, by name (`bank`).
    Named(&'a str),
    /// A site file's text; `path` is what its errors are reported against.
    File {
        /// The file's name or path, as the person gave it.
        path: &'a str,
        /// Its RON text.
        text: &'a str,
    },
}

/// Why an environment could not be opened: which part was wrong, and what.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenError {
    /// The perturbation spec does not parse.
    Perturb {
        /// The spec as given.
        spec: String,
        /// What is wrong with it.
        error: SpecError,
    },
    /// No site has that name.
    UnknownSite(String),
    /// The site file does not compile (the message has its line and column).
    Site(SiteError),
    /// The site has no such task.
    Task(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Perturb { spec, error } => write!(f, "perturbations \"{spec}\": {error}"),
            OpenError::UnknownSite(name) => write!(
                f,
                "no site is named \"{name}\"; the sites are: {}",
                site_names().collect::<Vec<_>>().join(", ")
            ),
            OpenError::Site(error) => write!(f, "{error}"),
            OpenError::Task(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<OpenError> for String {
    fn from(e: OpenError) -> String {
        e.to_string()
    }
}

/// The sites a name can mean: the shipped ones, and those opened from files.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Sites opened from files, most recent last; at most one per name.
    opened: Vec<Arc<Site>>,
}

impl Catalog {
    /// The shipped sites alone.
    pub fn shipped() -> Catalog {
        Catalog::default()
    }

    /// Whether a shipped site has this name.
    pub fn is_shipped(name: &str) -> bool {
        site_names().any(|n| n == name)
    }

    /// Compiles a site file and adds it: until it is replaced, its name means
    /// it, even where a shipped site has the same name.
    pub fn add_file(&mut self, path: &str, text: &str) -> Result<Arc<Site>, SiteError> {
        let site = Arc::new(load_site(path, text)?);
        self.add(Arc::clone(&site));
        Ok(site)
    }

    /// Adds a compiled site (replacing an opened one of the same name).
    pub fn add(&mut self, site: Arc<Site>) {
        self.opened.retain(|s| s.name != site.name);
        self.opened.push(site);
    }

    /// The opened site of this name, if one was opened.
    pub fn opened(&self, name: &str) -> Option<&Arc<Site>> {
        self.opened.iter().find(|s| s.name == name)
    }

    /// Every name: the shipped sites in presentation order, then the opened
    /// sites that are not shipped, in the order they were opened.
    pub fn names(&self) -> Vec<String> {
        site_names()
            .map(str::to_string)
            .chain(
                self.opened
                    .iter()
                    .filter(|s| !Catalog::is_shipped(&s.name))
                    .map(|s| s.name.clone()),
            )
            .collect()
    }

    /// The site a name means: an opened one first, else a shipped one.
    pub fn site(&self, name: &str) -> Result<Arc<Site>, OpenError> {
        if let Some(site) = self.opened(name) {
            return Ok(Arc::clone(site));
        }
        builtin::load_shipped(name)
    }

    /// The site of a source: the catalog's by name, or the file compiled.
    pub fn resolve(&self, source: Source<'_>) -> Result<Arc<Site>, OpenError> {
        match source {
            Source::Named(name) => self.site(name),
            Source::File { path, text } => {
                load_site(path, text).map(Arc::new).map_err(OpenError::Site)
            }
        }
    }

    /// An environment for `source`'s task `task` (its first when `None`),
    /// perturbed by `perturb` (`KIND[:SEVERITY],...`; none when `None` or
    /// empty) from its first reset on.
    pub fn open(
        &self,
        source: Source<'_>,
        task: Option<&str>,
        perturb: Option<&str>,
    ) -> Result<Env, OpenError> {
        // The spec first: a typo there is reported before any site is compiled.
        let spec = parse_perturb(perturb)?;
        let site = self.resolve(source)?;
        open_site(site, task, spec)
    }
}

/// Parses a perturbation spec; `None` and the empty spec mean no perturbation.
pub fn parse_perturb(perturb: Option<&str>) -> Result<PerturbSpec, OpenError> {
    match perturb {
        None => Ok(PerturbSpec::none()),
        Some(text) => text.parse().map_err(|error| OpenError::Perturb {
            spec: text.to_string(),
            error,
        }),
    }
}

/// An environment for a compiled site's task `task` (its first when `None`),
/// perturbed by `spec` from its first reset on.
pub fn open_site(site: Arc<Site>, task: Option<&str>, spec: PerturbSpec) -> Result<Env, OpenError> {
    let mut env = match task {
        Some(task) => Env::by_name(site, task, EnvConfig::default()),
        None => Env::new(site, 0, EnvConfig::default()),
    }
    .map_err(OpenError::Task)?;
    env.set_perturbations(spec);
    Ok(env)
}

/// What an environment was opened from (site, task, settings, perturbations),
/// without its episode: it can be shared between threads, which an [`Env`]
/// cannot, and opens as many equal environments as there are threads in a
/// parallel evaluation, sweep or benchmark.
#[derive(Debug, Clone)]
pub struct Blueprint {
    site: Arc<Site>,
    task: usize,
    config: EnvConfig,
    spec: PerturbSpec,
}

impl Blueprint {
    /// The blueprint of `env`: its site as opened (unperturbed), task, settings and perturbations.
    pub fn of(env: &Env) -> Blueprint {
        Blueprint {
            site: Arc::clone(env.base_site()),
            task: env.task_index(),
            config: env.config(),
            spec: env.perturbations().clone(),
        }
    }

    /// A fresh environment, before its first reset.
    pub fn open(&self) -> Env {
        let env = Env::new(Arc::clone(&self.site), self.task, self.config);
        let mut env = match env {
            Ok(env) => env,
            // A blueprint is taken from an environment made from these very arguments,
            // and `Env::new` accepted them then.
            Err(_) => unreachable!("an environment's own site and task open again"),
        };
        env.set_perturbations(self.spec.clone());
        env
    }
}

/// [`Catalog::open`] on the shipped sites.
pub fn open(
    source: Source<'_>,
    task: Option<&str>,
    perturb: Option<&str>,
) -> Result<Env, OpenError> {
    Catalog::shipped().open(source, task, perturb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_means_an_opened_site_before_a_shipped_one() {
        let mut catalog = Catalog::shipped();
        let shipped = catalog.site("bank").unwrap();
        let (_, path, text) = builtin::SITE_FILES
            .iter()
            .find(|(n, _, _)| *n == "bank")
            .unwrap();
        let edited = text.replacen("title: \"", "title: \"Edited ", 1);
        let opened = catalog.add_file(path, &edited).unwrap();
        assert_ne!(shipped.title, opened.title);
        assert_eq!(catalog.site("bank").unwrap().title, opened.title);
        // A shipped name is listed once, in its place.
        assert_eq!(catalog.names(), site_names().collect::<Vec<_>>());
        let renamed = edited.replacen("name: \"bank\"", "name: \"my-bank\"", 1);
        catalog.add_file("my-bank.ron", &renamed).unwrap();
        assert_eq!(catalog.names().last().map(String::as_str), Some("my-bank"));
        assert!(!Catalog::is_shipped("my-bank"));
        let env = catalog
            .open(
                Source::Named("my-bank"),
                Some("transfer"),
                Some("relabel:2"),
            )
            .unwrap();
        assert_eq!(env.task_name(), "transfer");
        assert_eq!(env.perturbations().to_string(), "relabel:2");
    }

    fn error(result: Result<Env, OpenError>) -> OpenError {
        result.err().expect("the environment did not open")
    }

    #[test]
    fn each_mistake_names_its_part() {
        // The spec is checked before the site: both are wrong here, the spec is reported.
        let e = error(open(Source::Named("nowhere"), None, Some("wobble:9")));
        assert!(matches!(e, OpenError::Perturb { .. }), "{e}");
        assert!(
            e.to_string().starts_with("perturbations \"wobble:9\": "),
            "{e}"
        );
        let e = error(open(Source::Named("nowhere"), None, None));
        assert_eq!(e, OpenError::UnknownSite("nowhere".into()));
        assert!(e.to_string().contains("the sites are: click-button"), "{e}");
        let e = error(open(Source::Named("bank"), Some("fly"), None));
        assert!(e.to_string().contains("has no task \"fly\""), "{e}");
        let e = error(open(
            Source::File {
                path: "mine.ron",
                text: "(name: ",
            },
            None,
            None,
        ));
        assert!(matches!(e, OpenError::Site(_)), "{e}");
        assert!(e.to_string().starts_with("mine.ron:"), "{e}");
    }

    #[test]
    fn a_reopened_environment_plays_the_same_episodes() {
        let mut env = open(
            Source::Named("airline"),
            Some("book-flight"),
            Some("popup:2"),
        )
        .unwrap();
        let mut copy = Blueprint::of(&env).open();
        assert_eq!(copy.perturbations(), env.perturbations());
        env.reset(7);
        copy.reset(7);
        assert_eq!(copy.observation_text(), env.observation_text());
    }

    #[test]
    fn the_first_task_is_the_default() {
        let env = open(Source::Named("bank"), None, Some("")).unwrap();
        let site = builtin::load_builtin("bank").unwrap();
        assert_eq!(env.task_name(), site.task_names()[0]);
        assert!(env.perturbations().is_empty());
    }
}
