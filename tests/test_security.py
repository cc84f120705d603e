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
