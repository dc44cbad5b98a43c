"""dialogue/domain.yml and actions/ agree: every custom action the domain lists is served by
the action server, and every rule/story action exists in the domain."""

from __future__ import annotations

import yaml

from sakot.settings import PROJECT_ROOT

DIALOGUE = PROJECT_ROOT / "dialogue"
BUILT_IN = {"action_listen", "action_deactivate_loop", "action_restart", "action_session_start",
            "action_default_fallback"}


def _domain() -> dict:
    return yaml.safe_load((DIALOGUE / "domain.yml").read_text(encoding="utf-8"))


def _served() -> set[str]:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def test_every_domain_action_is_served_and_vice_versa():
    domain_actions = set(_domain()["actions"])
    served = _served()
    assert domain_actions - served == set()
    assert served - domain_actions == set()


def test_rules_and_stories_use_declared_names():
    domain = _domain()
    known_actions = set(domain["actions"]) | set(domain["forms"]) | BUILT_IN
    intents = set(domain["intents"])
    for path in [*(DIALOGUE / "data").glob("*.yml"), DIALOGUE / "tests" / "test_stories.yml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data.get("rules", []) + data.get("stories", []):
            for step in block["steps"]:
                if "action" in step:
                    assert step["action"] in known_actions, (path.name, step)
                if "intent" in step:
                    assert step["intent"] in intents, (path.name, step)


def test_every_form_slot_has_an_ask_action():
    domain = _domain()
    for form in domain["forms"].values():
        for slot in form["required_slots"]:
            assert f"action_ask_{slot}" in domain["actions"], slot
