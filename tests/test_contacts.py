"""contact-details: phone, email, address, postcode, requests for details; with hard negatives."""

from __future__ import annotations

import pytest

from conftest import categories


@pytest.mark.parametrize("text", [
    "Swap my Saturday? Text me on 07912 345678",
    "ring me +44 7700 900 456 after 6",
    "you can reach me at 0161-496-0000 any evening",
    "email me at priya.sharma@nhs.net with your availability",
    "Drop donations round to mine, 14 Elm Grove Road",
    "Her flat is just off the high street, HP21 8XX, send flowers there",
    "DM me your full name and date of birth and I'll look up your results",
    "Pop your address and phone number in the comments to get a free sample",
    "So sorry about the wait, inbox me your dad's NHS number and I'll chase it",
    "Youth club Q&A tonight! Drop your age and where you live below and I'll message you",
    "RT @EastmereNHS: phones are down, bear with us - or just ring me on 07912 345678 if it's urgent",
    "To check what went wrong, please reply here with the patient's surname, date of birth and the day you came in",
    "Sixth formers! Want work experience on the wards? Comment your first name, age and college below and we'll be in touch",
    "Bored at home after your op? DM me your snapchat and I'll add you, we can chat",
])
def test_positives(checker, text: str) -> None:
    assert "contact-details" in categories(checker(text))


@pytest.mark.parametrize("text,meta", [
    ("Feeling low? Samaritans are there 24/7 on 116 123", {}),
    ("Not an emergency? Call NHS 111 or visit 111.nhs.uk", {}),
    ("Childline is free on 0800 1111 for young people", {}),
    ("Press enquiries to communications@buckshealthcare.nhs.uk please", {}),
    ("Our switchboard is 01494 734959 if you need to reach a ward", {"account": "official"}),
    ("Call us on 01494 734959", {}),
    ("Never share your address or date of birth in the comments!", {}),
    ("Fun run at 10am on 12/05/2025, 5k, bring water", {}),
    ("Shift pattern is 07:30 to 20:00, three long days a week", {}),
    ("PALS can help: pals@example.nhs.uk", {}),
    ("My daughter's date of birth is on the same day as my mum's, what are the odds", {}),
    ("Don't ever post your mum's NHS number online, even in a closed group", {}),
    ("Worried about something at work? Our Speak Up guardian is on speakup@northvale.nhs.uk, in confidence", {}),
    ("School nurse drop-ins every Tuesday, or text our school nursing line on 07700 900123", {"account": "official"}),
    ("I can't comment on that, please contact the communications team at Eastmere on 01632 960 100", {}),
    ("RT @EastmereNHS: Our phone lines are down. For anything urgent please ring 01632 960 884 until further notice", {}),
    ("So sorry to hear this, Lena. Please send us a direct message with your contact details and the patient experience team will call you", {"account": "official"}),
    ("When the regulars give their address as 'the car park behind Lidl' you know it's going to be a long night", {}),
    ("Reminder: bring your name badge, ID and a pen to induction on Monday", {}),
    ("Tell your mum her name and date of birth go on every form, the receptionist will help", {}),
])
def test_hard_negatives(checker, text: str, meta: dict) -> None:
    assert "contact-details" not in categories(checker(text, **meta))
