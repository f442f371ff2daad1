"""The package as Gymnasium's own checks and a Gymnasium user see it."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import wobble

ALL = [(site, task) for site, tasks in wobble.sites().items() for task in tasks]


@pytest.mark.parametrize("mode", ["rl", "text"])
@pytest.mark.parametrize("site,task", ALL)
def test_check_env_passes_for_every_task(site, task, mode):
    env = gym.make(f"wobble/{site}-v0", task=task, mode=mode, render_mode="ansi")
    check_env(env.unwrapped)
    env.close()


def test_every_shipped_site_is_registered():
    for site in wobble.sites():
        assert f"wobble/{site}-v0" in gym.registry
    assert "wobble/site-file-v0" in gym.registry


def test_seeds_come_from_reset_only():
    a = gym.make("wobble/airline-v0", mode="text")
    b = gym.make("wobble/airline-v0", mode="text")
    oa, ia = a.reset(seed=11)
    ob, ib = b.reset(seed=11)
    assert oa == ob and ia["episode_seed"] == 11
    # Later resets without a seed play the next seeds.
    assert a.reset()[1]["episode_seed"] == 12
    assert a.reset()[1]["episode_seed"] == 13


def test_step_returns_five_values_and_info_explains_the_end():
    env = gym.make("wobble/login-user-v0", mode="text", perturb="relabel:3")
    obs, info = env.reset(seed=3)
    assert info["perturbation_changes"], "the relabelling is listed"
    result = env.step("send_msg_to_user('done')")
    assert len(result) == 5
    obs, reward, terminated, truncated, info = result
    assert terminated and not truncated
    assert info["raw_reward"] in (-1.0, 1.0) and info["reason"]
    with pytest.raises(gym.error.ResetNeeded):
        env.step("noop()")


def test_a_malformed_action_is_an_error_in_the_observation_not_an_exception():
    env = gym.make("wobble/bank-v0", mode="text")
    env.reset(seed=2)
    obs, reward, terminated, truncated, info = env.step("click('3'")
    assert "not closed" in obs["last_action_error"]
    assert obs["last_action"] == "click('3'"
    assert info["step"] == 1 and not terminated


def test_rl_mode_masks_the_padding_and_a_masked_index_costs_a_step():
    env = gym.make("wobble/airline-v0")
    obs, info = env.reset(seed=5)
    legal = int(obs["action_mask"].sum())
    assert legal == info["legal_candidates"] > 0
    assert obs["candidates"].dtype == np.float32 and obs["tokens"].dtype == np.int32
    assert not obs["action_mask"][legal:].any()
    obs, reward, terminated, truncated, info = env.step(np.int64(legal))
    assert "not legal" in info["last_action_error"] and info["step"] == 1


@pytest.mark.parametrize("kwargs,message", [
    ({"site": "nowhere"}, "no site is named"),
    ({"task": "fly"}, "task"),
    ({"perturb": "wobble:9"}, "perturb"),
    ({"mode": "pixels"}, "mode"),
    ({"max_candidates": 0}, "max_candidates"),
    ({"features": "smell"}, "features"),
    ({"site_file": "/nonexistent/site.ron"}, "site_file"),
])
def test_bad_arguments_are_value_errors_that_name_them(kwargs, message):
    args = {"site": "airline", **kwargs}
    with pytest.raises(ValueError, match=message):
        wobble.WobbleEnv(**args)


def test_bad_actions_are_exceptions_that_say_what_was_expected():
    env = wobble.WobbleEnv("airline")
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)
    env.reset(seed=1)
    with pytest.raises(ValueError, match="outside the action space"):
        env.step(env.max_candidates)
    with pytest.raises(ValueError, match="outside the action space"):
        env.step(-1)
    with pytest.raises(TypeError, match="whole number"):
        env.step(1.5)
    with pytest.raises(TypeError, match="whole number"):
        env.step("click('1')")
    text = wobble.WobbleEnv("airline", mode="text")
    text.reset(seed=1)
    with pytest.raises(TypeError, match="string"):
        text.step(3)


def test_a_site_file_opens_by_path(tmp_path):
    from pathlib import Path
    source = Path(__file__).resolve().parents[2] / "sites" / "click-button.ron"
    mine = tmp_path / "mine.ron"
    mine.write_text(source.read_text())
    env = gym.make("wobble/site-file-v0", site_file=mine, mode="text")
    obs, info = env.reset(seed=1)
    assert "button" in obs["axtree_txt"]
    broken = tmp_path / "broken.ron"
    broken.write_text("(name: ")
    with pytest.raises(ValueError, match="broken.ron"):
        wobble.WobbleEnv(site_file=broken)


def test_make_vec_sync_works():
    envs = gym.make_vec("wobble/shop-v0", num_envs=3, vectorization_mode="sync", task="buy")
    obs, info = envs.reset(seed=1)
    assert obs["candidates"].shape == (3, wobble._wobble.DEFAULT_MAX_CANDIDATES, wobble._wobble.DENSE)
    obs, rewards, terminated, truncated, info = envs.step(np.zeros(3, dtype=np.int64))
    assert rewards.shape == (3,)
    envs.close()


def test_the_native_batch_plays_what_single_environments_play():
    """Environment i of a batch reset with seed s plays seeds s+i, s+i+n, ... (next-step
    autoreset): single environments given those seeds show the same arrays and rewards."""
    n, start = 4, 100
    native = wobble.VecEnv(n, site="shop", task="buy", perturb="popup:2", threads=2)
    singles = [wobble.WobbleEnv("shop", task="buy", perturb="popup:2") for _ in range(n)]
    a, _ = native.reset(seed=start)
    seeds = [start + i for i in range(n)]
    obs = [env.reset(seed=s)[0] for env, s in zip(singles, seeds)]
    ended = [False] * n
    rng = np.random.default_rng(0)
    episodes = 0
    for _ in range(150):
        for key in a:
            np.testing.assert_array_equal(a[key], np.stack([o[key] for o in obs]), err_msg=key)
        legal = a["action_mask"].sum(axis=1)
        actions = (rng.integers(0, 1 << 30, n) % np.maximum(legal, 1)).astype(np.int64)
        a, rewards, terminated, truncated, info = native.step(actions)
        for i, env in enumerate(singles):
            if ended[i]:
                seeds[i] += n
                obs[i], _ = env.reset(seed=seeds[i])
                ended[i] = False
                assert rewards[i] == 0
                continue
            obs[i], r, t, u, single_info = env.step(actions[i])
            assert (rewards[i], terminated[i], truncated[i]) == (r, t, u)
            if t or u:
                assert info["raw_reward"][i] == single_info["raw_reward"]
                ended[i] = True
                episodes += 1
    assert episodes >= n, "episodes ended and restarted"
    native.close()


def test_make_vec_reaches_the_native_batch():
    envs = gym.make_vec("wobble/airline-v0", num_envs=2, vectorization_mode="vector_entry_point")
    assert isinstance(envs.unwrapped, wobble.VecEnv)
    envs.reset(seed=3)
    envs.close()


def test_the_readme_quick_start_runs():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### From Python, as a Gymnasium environment", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    scope = {"print": lambda *args, **kwargs: None}
    exec(code, scope)
    assert scope["obs"]["last_action_error"] == ""
    assert "value='Phoenix'" in scope["obs"]["axtree_txt"]


def test_the_batch_refuses_bad_calls_with_exceptions_that_name_them():
    with pytest.raises(ValueError, match="num_envs"):
        wobble.VecEnv(0)
    with pytest.raises(ValueError, match="threads"):
        wobble.VecEnv(2, threads=0)
    with pytest.raises(ValueError, match="mode"):
        wobble.VecEnv(2, mode="text")
    with pytest.raises(ValueError, match="no site is named"):
        wobble.VecEnv(2, site="nowhere")
    envs = wobble.VecEnv(3, site="bank")
    with pytest.raises(gym.error.ResetNeeded):
        envs.step(np.zeros(3, np.int64))
    envs.reset(seed=4)
    with pytest.raises(TypeError, match="whole numbers"):
        envs.step(np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="3 whole numbers"):
        envs.step(np.zeros(2, np.int64))
    with pytest.raises(ValueError, match="outside the action space"):
        envs.step(np.array([0, envs.max_candidates, 0]))
    with pytest.raises(ValueError, match="consecutive"):
        envs.reset(seed=[1, 5, 6])
    obs, rewards, terminated, truncated, info = envs.step(np.full(3, envs.max_candidates - 1))
    assert info["illegal_action"].all(), "a masked index lets a step pass and is flagged"
    envs.close()
