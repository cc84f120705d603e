"""Rules that read metadata: disclaimer, attachments, replies, official accounts, working hours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from conftest import categories


def test_missing_disclaimer(checker) -> None:
    text = "Another mad night on my ward, our trust really needs more HCAs on nights"
    assert "missing-disclaimer" in categories(checker(text))
    assert "missing-disclaimer" in categories(checker("Mad night, we need more HCAs on the ward", role="nurse"))
    # hard negatives: disclaimer in text or profile, official account, no staff identity, not about work
    assert "missing-disclaimer" not in categories(checker(text + " Views my own."))
    assert "missing-disclaimer" not in categories(checker("The opinions in this thread are mine alone. " + text))
    assert "missing-disclaimer" not in categories(checker(text + " (not the views of my NHS employer)"))
    assert "missing-disclaimer" in categories(checker(text + " Mine's a large coffee."))
    assert "missing-disclaimer" not in categories(checker(text, profile_disclaimer=True))
    assert "missing-disclaimer" not in categories(checker(text, account="official"))
    assert "missing-disclaimer" not in categories(checker(text, identifies_as_staff=False))
    assert "missing-disclaimer" not in categories(checker("Waited six hours in A&E with my dad, the ward staff were run ragged", role="member of the public"))
    assert "missing-disclaimer" in categories(checker("Mad night, we need more HCAs on the ward", role="patient flow coordinator"))
    assert "missing-disclaimer" not in categories(checker(text + " This is me thinking aloud and it isn't the view of anyone I work for."))
    assert "missing-disclaimer" not in categories(checker("The drugs round on nights takes forever but the new trolley helps"))
    assert "missing-disclaimer" not in categories(checker("Lovely walk with the dog this morning", role="nurse"))
    # asking, passing on an official update or a job advert airs no view of the author's own
    assert "missing-disclaimer" not in categories(checker("Is it ok to mention our ward's audit results at my interview? Does anyone know?", role="nurse"))
    assert "missing-disclaimer" not in categories(checker("Sharing our trust's update on the strike days, please read before your shift", role="nurse"))
    forwarded = 'Forwarding this from the hospital\'s official Facebook page: "The car park barriers are down, staff please use the overflow site."'
    assert "missing-disclaimer" not in categories(checker(forwarded, role="porter"))
    assert "missing-disclaimer" not in categories(checker("Our ward is recruiting band 5s, apply via NHS Jobs, lovely team", role="nurse"))
    assert "missing-disclaimer" in categories(checker("Our ward is short again. Why does nobody upstairs care? Rota is a joke.", role="nurse"))
    # the policies ask for a disclaimer on views: thanks, team news and a first shift air none
    assert "missing-disclaimer" not in categories(checker("Huge thanks to the housekeepers on my ward, you keep the whole place going", role="nurse"))
    assert "missing-disclaimer" not in categories(checker("First night shift as a band 6 on the ward tonight, nervous and excited", role="nurse"))
    assert "missing-disclaimer" in categories(checker("Personally I think the new e-rostering on our ward has made nights worse for everyone", role="nurse"))


def test_photo_consent_and_workspaces(checker) -> None:
    people = [{"file": "party.jpg", "shows": ["colleague", "patient"]}]
    assert "photo-consent" in categories(checker("Ward party!", attachments=people))
    consented = [{"file": "party.jpg", "shows": ["colleague"], "consent": True}]
    assert "photo-consent" not in categories(checker("Ward party!", attachments=consented))
    scenery = [{"file": "sunset.jpg", "shows": ["public"]}]
    assert "photo-consent" not in categories(checker("Sunset from the car park", attachments=scenery))
    screen = [{"file": "desk.jpg", "shows": ["screen"], "consent": True}]
    result = checker("New monitors!", attachments=screen)
    assert [f.severity for f in result.findings if f.rule == "metadata.workspace-photo"] == ["review"]


def test_child_in_picture_named_in_text(checker) -> None:
    child = [{"file": "maisie.jpg", "shows": ["child"], "consent": True}]
    assert "safeguarding" in categories(checker("So proud of little Maisie today", attachments=child))
    assert "safeguarding" not in categories(checker("So proud of our young patients today", attachments=child))


def test_logo_on_personal_account(checker) -> None:
    logo = [{"file": "poster.png", "shows": ["logo"]}]
    assert "brand-misuse" in categories(checker("Bake sale Friday!", attachments=logo))
    assert "brand-misuse" not in categories(checker("Bake sale Friday!", attachments=logo, account="official"))


def test_replies_to_complaints_and_media(checker) -> None:
    assert "complaint-response" in categories(checker("That's not what happened at all", in_reply_to="complaint"))
    assert "complaint-response" not in categories(checker("Please contact PALS so we can look into this.", in_reply_to="complaint", account="official"))
    assert "media-response" in categories(checker("Happy to help, what do you need?", in_reply_to="media"))
    assert "media-response" not in categories(checker("Happy to help, what do you need?", in_reply_to="colleague"))


def test_a_media_reply_that_only_sends_the_journalist_to_the_press_office_is_what_staff_should_do(checker) -> None:
    assert "media-response" not in categories(checker("I'm not able to talk to you about that, the press office at the hospital handles all enquiries.", in_reply_to="media"))
    assert "media-response" not in categories(checker("Thanks for getting in touch, I've passed this straight on to our comms team.", in_reply_to="media"))
    assert "media-response" not in categories(checker("Can't comment on that one I'm afraid, please email the communications team", in_reply_to="media"))
    assert "media-response" in categories(checker("Off the record? The waits are far worse than the figures say, message me.", in_reply_to="media"))
    assert "media-response" in categories(checker("Can't comment officially, but the waits are far worse than the trust admits, DM me.", in_reply_to="media"))


def test_working_hours_only_where_a_pack_has_a_clause(nlp) -> None:
    from postcheck.model import Draft, line_starts_of
    from postcheck.nlp.pipeline import detect
    from postcheck.policy.config import Config
    from postcheck.policy.decide import Decider
    from postcheck.policy.packs import load_packs
    from postcheck.ruleset import load_rules

    tuesday = datetime(2026, 12, 1, 11, 30, tzinfo=timezone(timedelta(hours=1)))
    evening = tuesday.replace(hour=19)
    packs = load_packs()

    def severities(when, pack_ids, **meta):
        text = "Lunch break views"
        draft = Draft(text=text, meta={"scheduled": when, **meta}, source="t", line_starts=line_starts_of(text))
        decider = Decider([packs[p] for p in pack_ids], load_rules(), Config())
        return [f.severity for f in decider.decide(draft, next(detect(nlp, [draft]))).findings if f.category == "working-hours"]

    assert severities(tuesday, ["blackpool"]) == ["review"]
    assert severities(evening, ["blackpool"]) == []
    assert severities(tuesday.replace(day=5), ["blackpool"]) == []  # a Saturday
    assert severities(tuesday, ["blackpool"], account="official") == []
    assert severities(tuesday, ["bht"]) == []  # no clause about it: not reported at all


def test_official_accounts_may_give_contacts_but_never_identify_patients(checker) -> None:
    switchboard = "For appointments call our switchboard on 01494 734959."
    assert "contact-details" not in categories(checker(switchboard, account="official"))
    patient = "Mrs Patel in bed 12 went home today, NHS number 943 476 5919"
    assert "patient-identifier" in categories(checker(patient, account="official"))


def test_configuration_sets_working_hours_and_official_accounts(tmp_path) -> None:
    from postcheck.check import Options, run
    from postcheck.policy.config import load_config

    (tmp_path / ".postcheck.yaml").write_text(
        "policies: [blackpool]\n"
        "organisation:\n  official_accounts: ['@bthnhs']\n"
        "working_hours: {days: [sat], start: '10:00', end: 16:00}\n",
        encoding="utf-8",
    )
    saturday = tmp_path / "sat.md"
    saturday.write_text("---\nscheduled: 2026-12-05T11:00:00\n---\nLovely walk today\n", encoding="utf-8")
    monday = tmp_path / "mon.md"
    monday.write_text("---\nscheduled: 2026-12-07T11:00:00\n---\nLovely walk today\n", encoding="utf-8")
    config = load_config(str(tmp_path / ".postcheck.yaml"))
    assert config.working_hours["end"] == "16:00"  # YAML 1.1 reads an unquoted 16:00 as a number
    report = run([str(saturday), str(monday)], config, Options())
    hours = {r.source.rsplit("/", 1)[-1]: [f.category for f in r.findings if f.category == "working-hours"] for r in report.results}
    assert hours == {"sat.md": ["working-hours"], "mon.md": []}
