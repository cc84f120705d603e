"""account-security: passwords and logins shared, work email for personal accounts."""

from __future__ import annotations

import pytest

from conftest import categories


@pytest.mark.parametrize("text", [
    "Bank staff: the EPR login is nights7 and password is Ward7rocks!",
    "door code for the staff room is 4471, don't tell the students",
    "pw: Summer2024 if anyone needs the rota account",
    "If your smartcard's broken just use my login, it's fine",
    "Signed up to TikTok with my nhs.net so I don't miss the trust videos",
    "made a vinted account using my work email lol",
])
def test_positives(checker, text: str) -> None:
    assert "account-security" in categories(checker(text))


@pytest.mark.parametrize("text", [
    "Cyber security week: never share your password, not even with IT",
    "Forgot my password AGAIN, third reset this month",
    "Reminder: don't use your nhs.net email to sign up for social media",
    "Can I use my work email to register for the staff discount site?",
    "The password policy changed today: 12 characters minimum",
    "Change your passwords regularly and log out of shared PCs",
])
def test_hard_negatives(checker, text: str) -> None:
    assert "account-security" not in categories(checker(text))


def test_a_pattern_rule_prefilter_never_hides_a_match() -> None:
    """`needs` skips a rule's patterns where the draft lacks it, so every match of every pattern
    must contain a match of it: checked over every corpus draft and the rule's own examples."""
    import re

    from conftest import ROOT
    from postcheck.readers import read_path
    from postcheck.ruleset import load_rules

    texts = [read_path(str(p))[0].text for p in sorted((ROOT / "models" / "corpus").rglob("*.txt"))]
    texts += ["Signed up to TikTok with my nhs.net so I don't miss the trust videos",
              "made my vinted account under my NHS mail lol", "registered on hinge using my work e-mail"]
    for rule in load_rules().values():
        needs = rule.params.get("needs") if rule.kind == "pattern" else None
        if not needs:
            continue
        flags = 0 if rule.params.get("case_sensitive") else re.IGNORECASE
        for pattern in list(rule.params.get("patterns", [])) + list(rule.params.get("weak_patterns", [])):
            for text in texts:
                for match in re.finditer(pattern, text, flags):
                    assert re.search(needs, match.group(0), flags), (rule.id, match.group(0))
