//! Prints what every perturbation kind changes on a site (seed 1), then the
//! observation under a spec: `cargo run --example show_changes -- SITE [SPEC]`.
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::{builtin, Env, EnvConfig};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let site = builtin::load_builtin(args.get(1).map(String::as_str).unwrap_or("airline")).unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    for kind in Kind::ALL {
        for severity in 1..=3 {
            env.set_perturbations(PerturbSpec::new([Perturbation { kind, severity }]).unwrap());
            env.reset(1);
            for c in env.changes() {
                let mark = if c.applied { "+" } else { "-" };
                println!("{kind}:{severity} {mark} {}", c.text);
            }
        }
    }
    env.set_perturbations(args.get(2).map(|s| s.parse().unwrap()).unwrap_or_default());
    env.reset(1);
    println!("{}", env.observation_text());
}
