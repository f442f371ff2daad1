//! Prints the training curve of the learned policy on a site:
//! `cargo run --release -p wobble-policy --example learn_curve -- SITE EPISODES [ALGO] [WARM]`.
use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::learned::train::{train, Algo, TrainConfig};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let site = builtin::load_builtin(&args[1]).unwrap();
    let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
    let config = TrainConfig {
        episodes: args[2].parse().unwrap(),
        algo: Algo::parse(args.get(3).map(String::as_str).unwrap_or("ppo")).unwrap(),
        warm_start: args.get(4).map(|s| s.parse().unwrap()).unwrap_or(0),
        gamma: std::env::var("GAMMA")
            .ok()
            .map(|g| g.parse().unwrap())
            .unwrap_or(0.99),
        entropy: std::env::var("ENT")
            .ok()
            .map(|g| g.parse().unwrap())
            .unwrap_or(0.01),
        ..TrainConfig::default()
    };
    let mut last = 0;
    let mut policy = train(&mut env, &config, &mut |p| {
        if p.episodes >= last + config.episodes / 10 {
            last = p.episodes;
            println!(
                "{:>6} success {:.2} return {:.2} steps {:.1}",
                p.episodes, p.success_rate, p.mean_return, p.mean_steps
            );
        }
    });
    if std::env::var("SHOW").is_ok() {
        show(&mut env, &mut policy);
    }
    let r = wobble_policy::evaluate(
        &mut env,
        &mut policy,
        200,
        wobble_policy::EVALUATION_SEEDS_START,
    );
    println!(
        "eval: {:.3} steps {:.1} {:?}",
        r.success_rate,
        r.mean_steps,
        r.failures.first()
    );
}

#[allow(dead_code)]
fn show(env: &mut Env, policy: &mut wobble_policy::LearnedPolicy) {
    use wobble_policy::Policy;
    env.reset(5);
    policy.begin_episode(env);
    println!("{}", env.instruction());
    while !env.is_done() {
        let probs: Vec<f32> = policy.probabilities(env).to_vec();
        let a = policy.act(env);
        let desc: Vec<String> = env
            .candidates()
            .iter()
            .zip(&probs)
            .map(|(c, p)| format!("{c:?}={p:.2}"))
            .collect();
        println!("pot {:.3} {:?} <- {}", env.potential(), a, desc.join(" "));
        env.step(&a).unwrap();
    }
    println!("{:?}", env.outcome());
}
