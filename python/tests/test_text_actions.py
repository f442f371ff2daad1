"""Random action strings never break the text mode (hypothesis)."""

import gymnasium as gym
from hypothesis import given, settings, strategies as st

import wobble

NAMES = ["click", "fill", "select_option", "check", "uncheck", "press", "keyboard_press",
         "scroll", "mouse_click", "noop", "send_msg_to_user", "clear", "hover"]
ARG = st.one_of(st.integers(-5, 200).map(str), st.integers(-5, 200).map(lambda i: repr(str(i))),
                st.text(max_size=12).map(repr), st.sampled_from(["True", "None", "[]", "['Miami']"]))
CALL = st.builds(lambda n, args: f"{n}({', '.join(args)})", st.sampled_from(NAMES),
                 st.lists(ARG, max_size=3))

ENV = wobble.WobbleEnv("airline", mode="text")


@settings(max_examples=300, deadline=None)
@given(action=st.one_of(st.text(max_size=40), CALL), seed=st.integers(0, 20))
def test_any_action_string_steps_once_without_an_exception(action, seed):
    obs, info = ENV.reset(seed=seed)
    obs, reward, terminated, truncated, info = ENV.step(action)
    assert info["step"] == 1
    assert obs["last_action"] == action
    assert isinstance(obs["last_action_error"], str)


def test_a_recorded_text_run_replays_exactly():
    def run(actions):
        env = gym.make("wobble/airline-v0", mode="text", perturb="popup:2")
        obs, _ = env.reset(seed=21)
        seen = [obs]
        for a in actions:
            obs, *_ , info = env.step(a)
            seen.append(obs)
        return seen

    env = gym.make("wobble/airline-v0", mode="text", perturb="popup:2")
    obs, _ = env.reset(seed=21)
    ids = [line.split("]")[0].strip("\t[") for line in obs["axtree_txt"].splitlines() if "[" in line]
    actions = [f"click('{i}')" for i in ids[:6]] + ["noop()", "scroll(0, 300)"]
    assert run(actions) == run(actions)
