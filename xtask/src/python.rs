//! The Python package's steps: a virtual environment under the target
//! directory (`py/`) holding `python/requirements-test.txt` from PyPI, the
//! package built into it by maturin with the tests' cargo profile, and
//! pytest on `python/tests` (the Ray tests start local clusters of one and
//! two workers, a few seconds each).
//!
//! The environment is made once and its requirements installed again only
//! when `requirements-test.txt` changes (a stamp file in the environment
//! remembers the text it was installed from).

use crate::{run, Result, Xtask, TEST_PROFILE};
use std::fs;
use std::path::PathBuf;

/// The requirements the environment is made from, relative to the root.
const REQUIREMENTS: &str = "python/requirements-test.txt";

impl Xtask {
    /// The virtual environment's folder.
    pub(crate) fn venv(&self) -> PathBuf {
        self.target_dir().join("py")
    }

    /// Its Python interpreter.
    pub(crate) fn venv_python(&self) -> PathBuf {
        self.venv().join("bin").join("python")
    }

    /// Makes the environment and installs the requirements, if not already done.
    pub(crate) fn ensure_venv(&self) -> Result {
        let venv = self.venv();
        if !self.venv_python().exists() {
            run(self.cmd("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        let wanted = fs::read_to_string(self.root.join(REQUIREMENTS))
            .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
        let stamp = venv.join("wobble-requirements.txt");
        if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        run(self
            .cmd(&self.venv_python().to_string_lossy())
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(REQUIREMENTS))?;
        fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
    }

    /// Builds the package into the environment (an editable install of the
    /// extension, compiled with the tests' profile).
    pub(crate) fn python_build(&self) -> Result {
        self.python_build_with(TEST_PROFILE)
    }

    /// Builds the package into the environment with this cargo profile
    /// (`release` for the benchmarks, as the native figures are).
    pub(crate) fn python_build_with(&self, profile: &str) -> Result {
        self.ensure_venv()?;
        let venv = self.venv();
        let bin = venv.join("bin");
        let mut path = std::ffi::OsString::from(&bin);
        path.push(":");
        path.push(&self.path);
        run(self
            .cmd(&bin.join("maturin").to_string_lossy())
            .current_dir(self.root.join("python"))
            .env("VIRTUAL_ENV", &venv)
            .env("PATH", path)
            .args(["develop", "--quiet", "--profile", profile]))
    }

    /// Builds the package and runs its tests. The sweep's tests compare with
    /// the command line the native tests built (`WOBBLE_BIN`); `cargo xtask
    /// py` alone builds it first.
    pub(crate) fn python_tests(&self) -> Result {
        let wobble = self.target_dir().join(TEST_PROFILE).join("wobble");
        if !wobble.exists() {
            run(&mut self.cargo(["build", "--profile", TEST_PROFILE, "-p", "wobble-cli"]))?;
        }
        self.python_build()?;
        run(self
            .cmd(&self.venv_python().to_string_lossy())
            .current_dir(self.root.join("python"))
            .env("WOBBLE_BIN", &wobble)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]))
    }
}
