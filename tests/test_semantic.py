"""The semantic categories: matcher rules with negation, questions, quotes and official accounts,
the classifier behind them, and a held-out corpus none of whose drafts are in the training corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, categories, detector_context
from postcheck.detectors.semantic import detect_semantic
from postcheck.errors import PostcheckError
from postcheck.evaluate import run_folder
from postcheck.nlp.classifier import model_path, thresholds
from postcheck.ruleset import Rule

# Written for these tests: none of these sentences is in models/corpus.
POSITIVES = [
    ("medical-advice", "Honestly if the rash is itchy just pop 10mg cetirizine twice a day and you'll be right, no need for the GP"),
    ("medical-advice", "Mate, you can just stop taking the sertraline, I did and I was fine after a week"),
    ("endorsement", "These clogs got me through 3 nights in majors 👟 use code NIGHTOWL for 20% off at the link in bio #ad"),
    ("endorsement", "Now taking bookings for private lip filler from my home salon, NHS nurse trained so you're in safe hands"),
    ("whistleblowing", "Four datix reports about the broken hoist and not one reply. Management have buried every single one. Going public because someone will get hurt."),
    ("disrepute", "The trust is an absolute joke, useless management couldn't run a bath"),
    ("offensive-conduct", "Spotted the charmer from Saturday's night shift in Aldi. I've got your address on the system pal, behave."),
    ("offensive-conduct", "The new band 6 is a thick cow and everyone on the ward knows it, waste of space"),
    ("confidential-information", "Leaked from this morning's exec meeting: they're shutting the birthing unit in June and nobody's been told yet"),
    ("speaking-for-organisation", "On behalf of the hospital I can confirm the car park charges are being scrapped from next month"),
    ("media-response", "@CountyEchoNews happy to talk to your reporter off the record about what's really going on in our A&E, DM me"),
    ("complaint-response", "Sorry about your nan's care last week, send me her name and ward and I'll look into it for you personally on Monday"),
    ("patient-relationship", "Just accepted a friend request from the lovely lad I discharged from bay 3 on Friday, gonna message him to see how he's getting on"),
    ("inflammatory-topic", "Anyone who votes Tory after what they've done to our wards wants their head testing #ToriesOut"),
    ("safeguarding", "Any of the teens from clinic who want to chat, DM me your snap and we can meet after school, don't tell your mum x"),
    ("crisis-information", "Major incident declared at the General, 9 in resus from the pile-up on the bypass and more on the way, it's carnage"),
    ("brand-misuse", "Made my own version of the trust logo for our unofficial ward merch, hoodies £25, message me for sizes"),
    ("inflammatory-topic", "Not posting about it much but honestly anyone who still backs Israel after this has no business working in healthcare"),
    ("medical-advice", "Kids got nits again? Skip the chemist, a dab of the cat's flea drops behind each ear sorts it, trust me I work in a hospital"),
    ("photo-consent", "Filmed Mrs Okafor in bay 6 doing the conga with the physios this afternoon, she's 93 and has no idea what day it is 😂"),
    ("photo-consent", "Pics below of the little ones from Ladybird ward meeting the fire brigade today, how cute are they"),
    ("photo-consent", "Caught our charge nurse asleep on the break room sofa, photo with his best drool face attached for your enjoyment"),
    ("disrepute", "Emailed the estates manager five times about the leaking roof over the nurses' station and nothing, so here it is for everyone to see."),
    ("disrepute", "The physio department at my place is a joke and the managers think they're royalty."),
    ("disrepute", "Our unit got a shiny \"values week\" banner this morning. So much for kindness when half of us haven't had a break since Monday 🙃"),
    ("offensive-conduct", "Honestly the new reg is a lazy, smug little weasel and everyone on nights agrees."),
    ("offensive-conduct", "That gobby battleaxe on reception needs to retire, nobody can stand her."),
    ("offensive-conduct", "Let's all just ignore Becky at the Christmas do, she'll get the message 😂"),
    ("offensive-conduct", "Our deputy sister is a two-faced viper, smiles at you then goes straight to matron"),
    ("offensive-conduct", "Late again and leaving the sluice in a state, typical of that lot on the agency list"),
    ("offensive-conduct", "them foreign nurses on the bank never answer a buzzer, too busy on their phones"),
    ("offensive-conduct", "Patient asked to be called 'they'. I'll stick with what's on the birth certificate, ta."),
    ("offensive-conduct", "Half the waiting room had no right to be in this country and we're supposed to smile at them"),
    ("offensive-conduct", "If they don't like how we do things they can go back to where they came from"),
    ("offensive-conduct", "Crying laughing at Dan doing his impression of the new Filipino nurse at handover 😂"),
    ("offensive-conduct", "proper fit lad in bay 6 tonight, think I'll be doing his obs every hour 😏"),
    ("offensive-conduct", "Guess who's back in majors? That junkie from last week, third time this month"),
    ("speaking-for-organisation", "The trust's stance on the new parking permits for evening staff is that nobody will pay until the barriers are fixed, full stop."),
    ("speaking-for-organisation", "We at Brackenford hospice are sorry for the muddle over the open day and will ring every family this week."),
    ("confidential-information", "The CQC findings were shared with our team this morning and they're grim, the report won't be out till spring."),
    ("confidential-information", "Not for wider circulation but the divisional overspend is £3.4m and they're freezing every vacancy."),
    ("inflammatory-topic", "Religion has done more harm than good and I'm done pretending otherwise on here"),
    ("inflammatory-topic", "Don't vote Reform on Thursday unless you want the NHS carved up for their donors"),
    ("safeguarding", "Hey Mia, saw you got discharged 😊 you're 14 now right? add me on snap and we'll chat after school x"),
    ("safeguarding", "Lovely Mr B on bay 2 (dementia) keeps slipping me a tenner for looking after him, who am I to say no 😂"),
    ("crisis-information", "Whole of ward 7 moved to the day unit because of the fire in the plant room, still smoke in the corridor"),
    ("offensive-conduct", "It's always the Romanians that cause the trouble in the waiting room, every single weekend"),
    ("offensive-conduct", "Sorry but lesbians shouldn't be allowed to foster, kids need a mum and a dad"),
    ("offensive-conduct", "Half the bay tonight were asylum seekers. They should all be deported, simple as"),
    ("inflammatory-topic", "Ten years in ICU and I'll say it: the lockdowns were never about protecting anyone"),
    ("inflammatory-topic", "They put a 5G mast on the roof of the children's unit and now the headaches have started. Think about it"),
    ("speaking-for-organisation", "The radio asked me about the pile-up so I told them we at the Infirmary are opening a second resus bay tonight"),
    ("patient-relationship", "Still thinking about the gorgeous one from fracture clinic, got her number off her referral form so fingers crossed 🤞"),
    ("endorsement", "Night shift skin saviour 🌙 the Dewdrop overnight mask, sent to me free. Use BANDSIX20 at the till online"),
    ("offensive-conduct", "Half of bay 6 don't speak a word of English. Ship them all back where they came from and watch the waiting list vanish"),
    ("inflammatory-topic", "We're a Christian country and the hospital should act like one, not put up decorations for every other festival"),
    ("whistleblowing", "Three of us reported the rota breaches and got nowhere. So I'm naming and shaming: Brookfield General, sort it out"),
    ("crisis-information", "Theatres cancelled all day following the flood in the basement, water still coming through the ceiling"),
    ("patient-relationship", "Slid into the DMs of the physio student's patient I scanned on Monday, got her name off the request card 😏"),
    ("media-response", "Speaking as the sister on Willow ward, I apologise to Mr Kaur's family following Sunday's Evening Post article, and we will be changing how we handle visiting."),
    ("patient-relationship", "Hey Ryan, it's Gemma the physio from the orthopaedic ward 😊 follow me back and I'll send you my number x"),
    ("confidential-information", "What a year it has been on the unit. We welcomed six new starters, survived a winter of corridor care and still found time for the bake-off. Our sister retired in June after thirty years and the leaving do was legendary. The physios ran a marathon for the children's ward. The estates team finally fixed the lift. Oh and the plan to merge us with the day surgery unit in April went round the managers' meeting on Tuesday, not for circulation, so act surprised. Here's to next year!"),
    ("medical-advice", "Three years into the job and what a ride. I've learnt to love nights, to eat at odd hours and to nap anywhere. The team got me through my divorce and my dad's surgery. I finally passed my driving test too! My one tip for anyone on night shifts with blood pressure tablets that make you dizzy: just stop taking them on your days off, it's what I do. Cheers to the next three years!"),
    ("whistleblowing", "Two HCAs for 31 patients on our rehab ward last night and a third of them on enhanced obs. Nobody upstairs wants to hear it."),
    ("whistleblowing", "One midwife to nine labouring women on Saturday night. That is what 'fully staffed' means at our unit now."),
]

HARD_NEGATIVES = [
    "praying for all my colleagues sitting their OSCEs this week, you've got this 🙏",
    "We never give medical advice on social media: for symptoms please use NHS 111 online or speak to your pharmacist.",
    "Should I double my inhaler dose when I have a cold? Asking for me, I'll ring the GP tomorrow",
    "Freedom to Speak Up month: here is how to reach our Guardian if something is worrying you at work.",
    "Proud of the team today, the new discharge lounge opened and it looks amazing 💙",
    "Running the Great North Run for the hospital charity this year, please sponsor me if you can!",
    "My own repeat prescription went up to 20mg, pharmacy sorted it in ten minutes, bless them",
    "The drugs round on nights takes forever but the new trolley helps",
    "Reading the new social media policy so you don't have to: don't post patient details, don't moan about work online.",
    "Happy Eid to everyone celebrating on the ward today 🌙",
    "Fire drill this afternoon went well, thanks to estates for organising",
    "Photo below of the new sensory garden the volunteers built, come and sit in it on your break",
    "Mrs Adeyemi's family asked us to share this picture of her with the team who cared for her, shared with their permission 💙",
    "Recorded a voice note for my nan's 90th, she loves hearing about my shifts",
    "Pictures of her dog are the only thing keeping my sister going through her nursing degree",
    "Please don't ever post your mum's NHS number online, call PALS instead",
    "Raised £2,000 for the neonatal unit with our sponsored silence, thank you all!",
    "Whoever thought of putting a coffee machine in the staff room deserves a medal, great idea",
    "Our estates team fixed the broken lift on B block within an hour today, absolute heroes.",
    "Helpline for staff who are being bullied or called names at work: call the employee assistance line any time.",
    "Patients deserve respect, whatever their weight, age or accent. Reminder from our equality lead.",
    "Plank challenge for ward fitness month: two minutes and counting!",
    "Let's just ignore Monday and talk about the weekend plans instead",
    "Our local surgery is closed on Friday afternoons now, which is a pain when you work shifts.",
    "The hospital's visiting times are on its website, check there before you travel.",
    "If you have concerns about a relative's care, PALS can be reached on the number on the trust website.",
    "Did the email from the training team come through for everyone? Mine's in junk again.",
    "Our budget for the Christmas do is £15 a head, book your tickets with Janet by Friday!",
    "Our chaplaincy team supports people of every religion or belief, and none, day and night.",
    "The quiet room by the main entrance is multi-faith and open to anyone who needs ten minutes, staff too",
    "Our Catholic and Muslim chaplains ran a lovely joint remembrance service for staff we lost this year",
    "Union ballot papers for the pay offer are in your pigeonholes, make sure you have your say",
    "Reminder: the hospital's children's safeguarding team can be reached 24/7 through switchboard",
    "Childline is free on 0800 1111 if a young person needs to talk to someone",
    "Fire safety training done for the year, remember the evacuation routes are on the back of every door",
    "Big thanks to the estates team who fixed the leak after the fire alarm test this morning",
    "Did my best impression of a calm person during my first cannula on a real patient, nailed it",
    "Cashed in my air miles and I'm off to Lisbon, goodbye nights for a fortnight",
    "Our trans staff network is running a session on pronouns at work, all welcome, tea and cake provided",
    "It's the porters who keep this place moving at 3am, never forget it",
    "We at the Infirmary are loving the new coffee van outside outpatients, the flat whites are elite",
    "Reminder to update your address on your registration form at reception if you've moved house",
    "Not sure if it needs A&E? Use NHS111 to check your symptoms first, it can book you a slot",
    "Can I pick up extra bank shifts elsewhere on a band 6 contract? Asking before I sign anything",
    "My youngest is a nightmare sleeper, any tips welcome from other shift-working parents",
    "Honestly I see why people go part time after kids, I'd do the same if I could afford it",
    "For anyone changing jobs: did you find you missed the buzz of the ward once you left?",
    "Our Speak Up Guardian Tomasz is on the wards every Thursday. Worried about something? Chat with him in confidence #SpeakUp",
    "Estates update: the dripping pipe over the physio gym is sorted, thank you to our very patient plumber",
    "Overheard at the blood donor session: a first-timer asking if the biscuits are compulsory. They are.",
    "Ballot closed: 64% turnout and 88% voted yes to industrial action. Reps will share the next steps at Tuesday's branch meeting.",
    "Something not sitting right at work? The Guardians are here for you, in confidence, every weekday 8 till 4",
    "The hospital has declared a critical incident this morning. I won't speculate, please check the trust's page for updates and use 111 online if you can",
    "Chaplaincy team are hosting a Christmas carol service in the main atrium, all faiths and none welcome",
    "Could estates fit a 5G booster near the day unit so relatives can video call? The signal drops out every evening",
    "Once the mask mandate ended in the community the clinic reopened its walk-in sessions as normal",
    "Secret: my banana bread is mostly butter and I'm taking that to the grave. Tell no one.",
    "Our team picture for the staff newsletter is nine of us squinting into the sun outside outpatients",
    "Worried about something at work? Message our Guardians in confidence, any time, nothing is too small",
    "Our wellbeing leads offer a confidential chat on Thursdays if the job is getting on top of you",
    "Somebody keeps leaving doughnuts in the staff room and I'm putting on weight, please stop (don't stop)",
    "When each team assumes another has booked the scan, nobody does. Now one named person owns every request.",
    "Recruited four new HCAs for the rehab ward this month, welcome all of you!",
    "Two nurses for the charity bake-off final, both from ward 12, who will win?",
    "If something on shift feels wrong, Datix it and talk to your manager. Please don't go to Twitter first.",
    "Had my flu jab at lunch, took ten seconds and the vaccinator was lovely. Book your free jab if you're eligible!",
    "Speak Up month: I'm the Guardian, drop in on Fridays or raise it confidentially with me by email, no judgement.",
    "Major incident declared at my sister's hen do: the limo has a flat tyre and the prosecco is warm. Send help.",
    "Careful: a Facebook page using the hospital logo is offering staff free parking permits for a fee. Not us. I've reported it.",
    "A lad I looked after on the unit last year found me on Instagram. Told him we can't be mates online and sent him the ward's email instead.",
    "a patient's son slid into my DMs after visiting hours. block and move on ladies",
    "mum of one of my paeds patients keeps commenting 'hey gorgeous' on my pics. removed her as a follower and made my account private",
    "Found the old photos of my grandad in his RAF uniform, pics below, he'd have been 100 today",
    "Whatever is happening in Gaza and Israel right now, on this ward everyone gets the same care. That's it from me.",
    "Niece's christening today, baby Isaac was an absolute angel the whole service 👼",
    "The vet says give the dog half a tablet twice a day with his food, so that's my evenings sorted",
    "Me deciding whether to swipe right on the guy whose pics are all in a gym mirror 🤔 dating on nights is hard",
    "It was lovely looking after you all at the charity quiz, thank you for coming and see you at the next one!",
    "Shhh our engagement isn't public yet so please don't comment on the ring until my mum has been told! 💍",
    "Can I just stop taking my statins if my legs ache, or do I need to ring the GP first?",
    "Please don't just stop taking your antidepressants because you feel better. Speak to your GP first, coming off them too fast can make you feel awful.",
    "Never just stop taking your blood pressure tablets because a forum said so - talk to your pharmacist, they're brilliant.",
]


@pytest.mark.parametrize(("category", "text"), POSITIVES)
def test_positives(checker, category: str, text: str) -> None:
    assert category in categories(checker(text))


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives(checker, text: str) -> None:
    assert categories(checker(text)) == set()


def test_official_accounts_may_speak_for_the_organisation(checker) -> None:
    text = "On behalf of the trust we can confirm the maternity unit reopens on Monday; thank you for your patience."
    assert "speaking-for-organisation" in categories(checker(text))
    assert "speaking-for-organisation" not in categories(checker(text, account="official"))


def test_rule_evidence_is_the_matched_span(checker) -> None:
    result = checker("Tbh just double up on your inhaler, works every time")
    finding = next(f for f in result.findings if f.category == "medical-advice")
    assert finding.rule == "semantic.medical-advice"
    assert "double up" in result.findings[0].evidence or finding.start is not None


def _rule(params: dict) -> Rule:
    return Rule("semantic.test", "semantic", "medical-advice", "m", "f", "x", "e", params=params, path="test.yml")


def test_negation_questions_and_quotes(nlp) -> None:
    rule = _rule({"phrases": ["skip a dose"], "negation": True, "questions": True, "quotes": True})
    from postcheck.detectors.base import DetectorContext

    ctx = DetectorContext(make_doc=nlp.make_doc)

    def found(text: str) -> bool:
        doc = nlp(text)
        doc._.postcheck_hits = []
        return bool(detect_semantic(doc, rule, ctx))

    assert found("Honestly just skip a dose tonight.")
    assert not found("Never skip a dose without asking your pharmacist.")
    assert not found("Is it OK to skip a dose if I feel sick?")
    assert not found('The leaflet literally says "do not skip a dose" in bold.')
    assert not found("Auntie's motto was 'just skip a dose' and look where that got her.")
    assert found("Don't panic, nurses' advice: just skip a dose tonight.")
    assert not found('Our pharmacist\'s catchphrase: "skip a dose and I\'ll find out" 😂')
    from postcheck.detectors.semantic import _quoted

    doc = nlp('Her catchphrase: "have you got a list of your tablets" and a wink.')
    mark = doc.text.index('"')
    assert _quoted(doc.text, doc[:], mark)  # a match may begin at the opening mark itself
    assert not _quoted(doc.text, doc[:], doc.text.index("and a wink"))


def test_passing_on_the_official_update_is_not_crisis_or_confidential_information(checker) -> None:
    """Re-sharing the official channel is what staff should do in an incident (Blackpool 3.7):
    words inside a retweet of an NHS body, or a sentence pointing to the official update, are
    passed on; the sharer's own details of the incident are still flagged."""
    shared = [
        "RT @HollinsNHS: Following the flood in the basement our outpatient clinics are cancelled today. We will contact you to rebook.",
        "RT @HollinsNHS: A major incident has been declared. Please avoid the hospital unless it is an emergency.",
        "Please read the official statement from @HollinsNHS about the ransomware attack before believing the rumours in this group.",
    ]
    for text in shared:
        assert not {"crisis-information", "confidential-information"} & categories(checker(text)), text
    own = [
        "RT @HollinsNHS: we are responding to an incident -- that's one word for it, they've declared a major incident and I'm in resus with six burns patients",
        "The official statement says minor disruption. It's carnage in ED, every system down since 6am and theatres cancelled.",
    ]
    for text in own:
        assert "crisis-information" in categories(checker(text)), text


def test_an_incident_that_is_not_live_is_not_crisis_information(checker) -> None:
    """crisis-information is about posting on an incident as it happens: one remembered years
    later, or a household mishap called a major incident, is not; a live one still is."""
    for text in [
        "Ten years since the motorway pile-up that filled our resus. I still think about that night every November.",
        "Major incident declared in my kitchen: the toddler found the flour. Evacuating to the garden.",
        "A couple of years back our trust was hit by a cyber attack; the recovery work taught me a lot about resilience.",
    ]:
        assert "crisis-information" not in categories(checker(text)), text
    assert "crisis-information" in categories(checker("Major incident declared at the Royal, resus is full and they're evacuating the ward above ED."))


def test_look_alikes_of_slurs_secrets_and_befriending(checker) -> None:
    """The airline sense of 'frequent flyer', a Guardian who listens in confidence and an
    official account's reminder about friend requests break nothing; the real thing still does."""
    assert "offensive-conduct" not in categories(checker("Cashed in my frequent flyer points for a weekend in Porto after night shifts, bliss"))
    assert "offensive-conduct" in categories(checker("Same frequent flyers in majors every Saturday, wasting our time as usual"))
    assert "confidential-information" not in categories(checker("Struggling at work? Our wellbeing champions will talk in confidence, no judgement."))
    assert "confidential-information" in categories(checker("My manager told me in confidence that outpatients is moving to the new site in spring and half the clerks are going"))
    assert "confidential-information" not in categories(checker("Our Freedom to Speak Up guardians are there for every member of staff, in confidence. October is Speak Up month."))
    reminder = "Staff reminder: please do not add patients as friends on your personal accounts. Point them to our official page if they want to keep in touch."
    assert "patient-relationship" not in categories(checker(reminder, account="official"))
    assert "patient-relationship" in categories(checker("My lovely patient from bay 2 added me on Facebook and we're meeting for coffee next week"))


def test_an_official_story_told_with_consent_is_not_a_breach(checker) -> None:
    """The organisation's own account may tell a patient's or a child's story when consent is
    recorded; without consent, or from a personal account, the same words are still flagged."""
    text = "Meet Poppy, aged six, who rang the end-of-treatment bell on our children's cancer ward today after two years of chemo. What a star!"
    consented = [{"file": "poppy.jpg", "shows": ["child", "patient"], "consent": True}]
    refused = [{"file": "poppy.jpg", "shows": ["child", "patient"], "consent": False}]
    assert categories(checker(text, account="official", attachments=consented)) & {"safeguarding", "patient-information", "patient-identifier"} <= {"patient-identifier"}
    breaches = {"safeguarding", "patient-information", "photo-consent"}
    assert categories(checker(text, account="official", attachments=refused)) & breaches
    assert categories(checker(text, attachments=consented)) & breaches


def test_an_official_story_whose_text_records_consent_names_nobody_wrongly(checker) -> None:
    """Consent said in the text ('asked us to share his story') clears a name on the official
    account; the same words from a personal account still name a patient."""
    text = "This is Dev. A year after his heart transplant on our cardiac ward, Dev ran his first 5k. Dev asked us to share his story to encourage others waiting."
    assert "patient-identifier" not in categories(checker(text, account="official"))
    assert "patient-identifier" in categories(checker(text))


def test_employment_contracts_and_guardians_are_not_secrets(checker) -> None:
    assert "confidential-information" not in categories(checker("Back from mat leave on a less than full time contract and loving the balance. Flexible working works."))
    assert "confidential-information" not in categories(checker("If nobody at work is listening, you can contact them in confidence: the regulator's number is on its website."))
    assert "confidential-information" in categories(checker("Heard from procurement that the cleaning contract goes to a new firm in June and nobody's been told yet"))


# Look-alike pairs: the first is clean (a drill, the author's own relative, a negated
# promotion), the second, in nearly the same words, is the real thing.
LOOK_ALIKES = [
    ("crisis-information", "Fire drill on level 3 at lunchtime, the whole ward evacuated down the back stairs in six minutes. Well done all.", "This is not a fire drill: the whole of the east wing has been evacuated and there's smoke coming out of theatres"),
    ("patient-information", "My grandad is 88 and came home from the stroke ward today after three weeks. Thank you to everyone who looked after him.", "The grandad in side room 3 kept trying to climb out of bed all night and swore at every nurse who came near him"),
    ("offensive-conduct", "Most people on the rehab unit go back to where they came from within a fortnight, which is the whole point of us", "The ones who turn up in majors with no English? They should go back to where they came from."),
    ("inflammatory-topic", "Heard there's been a stabbing near the main entrance at work. Praying for my colleagues on shift right now 🙏", "Praying for my colleagues on nights who still don't know Jesus. You can't do this job without Him 🙏"),
    ("endorsement", "Loads of you asked which running app I use for after-shift jogs. Not sponsored and no affiliate link, it's just the free one.", "Loads of you asked which running app I use: sign up through my affiliate link and we both get a month free."),
]


@pytest.mark.parametrize(("category", "clean", "flagged"), LOOK_ALIKES)
def test_look_alikes_stay_clean_and_the_real_thing_is_flagged(checker, category: str, clean: str, flagged: str) -> None:
    assert category not in categories(checker(clean))
    assert category in categories(checker(flagged))


def test_yaml_booleans_in_patterns_are_reported(nlp) -> None:
    from postcheck.detectors.base import DetectorContext

    rule = Rule("semantic.booleans", "semantic", "medical-advice", "m", "f", "x", "e", params={"patterns": [[{"LOWER": {"IN": [True, "off"]}}]]}, path="test.yml")
    doc = nlp("anything")
    with pytest.raises(PostcheckError, match="quote words"):
        detect_semantic(doc, rule, DetectorContext())


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_classifier_is_in_the_one_pipeline(nlp) -> None:
    assert "postcheck_classifier" in nlp.pipe_names
    assert nlp.pipe_names.index("postcheck_classifier") < nlp.pipe_names.index("postcheck_detectors")
    assert set(thresholds()) and all(0.0 < v < 1.0 for v in thresholds().values())


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_the_model_with_all_its_members_stays_under_20_mb() -> None:
    assert sum(p.stat().st_size for p in model_path().rglob("*") if p.is_file()) < 20_000_000


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_the_classifier_scores_a_draft_as_it_scored_it_in_training(nlp) -> None:
    """Training makes Docs with blank English; the checker's Docs come from the English
    pipeline, whose spelling table normalises 'organisation' to 'organization'. Both must reach
    the model as the same features, so the thresholds chosen on dev hold in use."""
    import spacy

    from postcheck.nlp.classifier import MEMBER_FOLDER, feature_lexicons, words_only
    from postcheck.train import SEEDS

    text = "The organisation's behaviour towards the theatre team was disorganised, cos Labour's programme, what a shambles"
    trained = spacy.load(model_path())  # the first member as `postcheck train` scored dev...
    runs = [trained(words_only(trained.make_doc(text), feature_lexicons())).cats]
    while (model_path() / MEMBER_FOLDER.format(len(runs) + 1)).is_dir():  # ...then each other member in its place
        trained.get_pipe("textcat_multilabel").from_disk(model_path() / MEMBER_FOLDER.format(len(runs) + 1), exclude=["vocab"])
        runs.append(trained(words_only(trained.make_doc(text), feature_lexicons())).cats)
    assert len(runs) == len(SEEDS)
    expected = {label: sum(run[label] for run in runs) / len(runs) for label in runs[0]}
    assert nlp(text).cats == pytest.approx(expected, abs=1e-6)


# Held-out corpora, written apart from models/corpus, with floors (eval's macro-F1, clean pass)
# below what each scores, so a regression fails here: tests/corpus/semantic at the figures
# measured when the model was committed; tests/corpus/fresh, six writers new in session 12 (see
# its README), scoring 0.875 and 0.942 at the end of that session.
HELD_OUT_FLOORS = {"semantic": (0.70, 0.82), "fresh": (0.84, 0.92)}


@pytest.mark.parametrize("folder", sorted(HELD_OUT_FLOORS))
def test_held_out_corpus(folder: str) -> None:
    ev = run_folder(ROOT / "tests" / "corpus" / folder)
    print(ev.table())
    floor_macro, floor_clean = HELD_OUT_FLOORS[folder]
    assert ev.macro_f1() >= floor_macro
    assert ev.clean_pass_rate >= floor_clean


@pytest.mark.parametrize("folder", ["semantic", "fresh"])
def test_corpus_is_held_out(folder: str) -> None:
    training = {p.read_text(encoding="utf-8").strip() for p in (ROOT / "models" / "corpus").rglob("*.txt")}
    held_out = [p for p in (ROOT / "tests" / "corpus" / folder).glob("*.txt") if p.read_text(encoding="utf-8").strip() in training]
    assert held_out == [], held_out


def test_wide_gaps_are_split_and_rare_words_gate_patterns(nlp) -> None:
    """Splitting {n,m} gaps into fixed lengths and running a pattern only on Docs holding its
    rarest required word finds exactly the spans spaCy's Matcher finds on the pattern as written."""
    from spacy.matcher import Matcher

    from postcheck.detectors.semantic import COMMON_WORDS, _gate, _required, _split_ranges

    pattern = [{"LOWER": {"NOT_IN": ["not"]}}, {"LOWER": {"IN": ["friend", "follow"]}}, {"LOWER": "request"},
               {"LOWER": {"NOT_IN": ["?"]}, "OP": "{0,12}"}, {"LOWER": "accepted"}]
    split = _split_ranges(pattern)
    assert len(split) == 13 and all("OP" not in t for p in split for t in p)
    assert _gate(_required(pattern), COMMON_WORDS) == frozenset({"request"})
    assert _required(pattern) == [frozenset({"friend", "follow"}), frozenset({"request"}), frozenset({"accepted"})]
    common_only = [{"LOWER": {"NOT_IN": ["x"]}}, {"LOWER": {"IN": ["the", "a"]}}, {"LEMMA": "be"}]
    assert _gate(_required(common_only), COMMON_WORDS) == frozenset({"be"})  # filed under common words
    assert _gate(_required([{"POS": "PROPN"}, {"LOWER": {"NOT_IN": ["x"]}}]), COMMON_WORDS) is None
    doc = nlp("Sent him a friend request on Monday after his discharge and he has accepted, so we can chat now. "
              "A follow request was sent and accepted.")
    whole, parts = Matcher(nlp.vocab), Matcher(nlp.vocab)
    whole.add("x", [pattern])
    parts.add("x", split)
    assert sorted(whole(doc)) == sorted(set(parts(doc))) != []


def test_a_filed_matcher_runs_on_the_stretch_its_matches_can_lie_in(nlp) -> None:
    """A matcher runs on the tokens within its longest pattern of its words; it finds what a
    plain Matcher finds over the whole Doc, at the same offsets."""
    from spacy.matcher import Matcher

    from postcheck.detectors.base import DetectorContext
    from postcheck.detectors.semantic import _compile, _max_length

    assert _max_length([{"LOWER": "a"}, {"OP": "?"}, {"OP": "{0,3}"}, {"OP": "{2}"}]) == 7
    assert _max_length([{"LOWER": "a"}, {"OP": "*"}]) is None and _max_length([{"OP": "{2,}"}]) is None
    patterns = [[{"LOWER": "double"}, {"LOWER": {"IN": ["up", "your"]}}, {"OP": "?"}, {"LEMMA": "dose"}],
                [{"LOWER": "skip"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "dose"}]]
    rule = Rule("test.window", "semantic", "medical-advice", "m", "f", "x", "e", params={"patterns": patterns})
    plain = Matcher(nlp.vocab)
    plain.add("test.window", patterns)
    text = ("Long night on the ward and the tea ran out twice before the handover. Honestly just double up "
            "your dose if it wears off, and skip the evening dose after that, nobody checks.")
    doc = nlp(text)
    compiled = _compile(doc, rule, DetectorContext(make_doc=nlp.make_doc))
    found = sorted(compiled.run_filed(doc))
    assert found == sorted(plain(doc)) and len(found) >= 2


def test_a_filed_pattern_runs_only_where_every_word_it_needs_is_present(nlp) -> None:
    """Patterns filed under a word list run on a Doc only if it holds a word of each list one
    of them needs; where they do run, they find what a plain Matcher finds."""
    from spacy.matcher import Matcher

    from postcheck.detectors.base import DetectorContext
    from postcheck.detectors.semantic import _compile, _positions
    from postcheck.ruleset import Rule

    pattern = [{"LOWER": "i"}, {"LOWER": {"IN": ["was", "were"]}}, {"LOWER": "there"}, {"LOWER": "that"}, {"LOWER": "night"}]
    rule = Rule("test.gate", "semantic", "complaint-response", "m", "f", "x", "e", params={"patterns": [pattern]})
    ctx = DetectorContext(make_doc=nlp.make_doc)
    plain = Matcher(nlp.vocab)
    plain.add("test.gate", [pattern])
    for text, runs in (("I was there that night, and it was calm.", True),
                       ("I was on nights and it was calm.", False),  # 'i' and 'was' but no 'there'
                       ("Was it that night?", False)):
        doc = nlp(text)
        compiled = _compile(doc, rule, ctx)
        assert bool(compiled.active(set(_positions(doc)))) is runs, text
        assert sorted(compiled.run_filed(doc)) == sorted(plain(doc))


def test_phrases_are_made_on_first_need_and_still_all_found(nlp) -> None:
    """A one-draft check tokenizes only the phrases its text may hold; whatever the spacing or
    case, a phrase in the draft is found, and from the WARM-th draft on every phrase is in."""
    from spacy.matcher import PhraseMatcher

    from postcheck.detectors.semantic import Phrases

    rule = Rule("test.phrases", "semantic", "disrepute", "m", "f", "x", "e")
    phrases = Phrases(PhraseMatcher(nlp.vocab, attr="LOWER"), nlp.make_doc)
    phrases.add(rule, ["absolute shambles", "cannot cope", "a&e waits", "never heard of"])
    doc = nlp("Honestly the rota is an ABSOLUTE shambles and we Cannot cope.")
    found = sorted(doc[s:e].text.lower() for _, s, e in phrases(doc))
    assert found == ["absolute shambles", "cannot cope"]
    assert len(phrases.pending) == 2 and len(phrases)
    for _ in range(Phrases.WARM):
        phrases(nlp("A quiet shift."))
    assert not phrases.pending
    later = nlp("A&E waits again")
    assert [later[s:e].text for _, s, e in phrases(later)] == ["A&E waits"]


def test_rules_filed_in_a_child_process_equal_those_filed_in_process() -> None:
    """A check files the semantic rules in a forked child while spaCy loads; what the child
    sends must be exactly what filing them in process gives (run in a fresh interpreter:
    the child is only started before spaCy is imported)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from postcheck.detectors import filing\n"
        "from postcheck.ruleset import load_rules\n"
        "filing.prefetch()\n"
        "got = filing.prefetched()\n"
        "rules = [r for r in load_rules().values() if r.kind == 'semantic']\n"
        "assert 'spacy' not in sys.modules\n"
        "print('SAME' if got is not None and got == filing.file_rules(rules, None) else 'DIFFERENT')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.stdout.strip() == "SAME", proc.stderr


def test_the_classifier_is_shown_the_lexicons_a_draft_touches(nlp) -> None:
    """Each lexicon with a term in the draft becomes one marker word after its tokens; others
    add nothing, and whitespace tokens are still left out."""
    from postcheck.nlp.classifier import words_only

    doc = nlp.make_doc("Our matron is a two-faced viper\n\nand the rota is a shambles")
    seen = [t.text for t in words_only(doc, ("oc-insults", "dr-drinks"))]
    assert seen[-1] == "[lex:oc-insults]" and "[lex:dr-drinks]" not in seen
    assert [t for t in seen if not t.startswith("[lex:")] == [t.text for t in doc if not t.is_space]
    assert [t.text for t in words_only(doc)] == [t.text for t in doc if not t.is_space]


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_the_model_names_the_lexicons_it_was_trained_with() -> None:
    from postcheck.nlp.classifier import feature_lexicons, lexicon_names

    assert feature_lexicons() and set(feature_lexicons()) <= set(lexicon_names())


def test_a_gate_only_lexicon_is_not_a_classifier_feature(tmp_path, monkeypatch) -> None:
    """'feature: false' keeps a lexicon that only silences a rule out of the classifier's
    features; every other lexicon is one."""
    from postcheck.nlp import classifier

    assert "cri-official-pointer" not in classifier.lexicon_names()
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "gate.yml").write_text("feature: false\nterms:\n  - please read the update\n")
    (tmp_path / "lexicons" / "words.yml").write_text("terms:\n  - viper\n")
    monkeypatch.setattr("postcheck.paths.rules_dir", lambda: tmp_path)
    assert classifier.lexicon_names() == ("words",)


@pytest.mark.parametrize(
    "text",
    [
        "Honestly you don't need the GP, just double up on your inhaler till it settles",
        "I can’t believe the trust’s board let this happen, they couldn’t organise a raffle",
        "We’re all told to smile for the CQC while there’s one HCA for 28 beds",
    ],
)
def test_typographic_apostrophes_read_as_plain_ones(checker, text: str) -> None:
    """A draft typed on a phone or pasted from a document has curly apostrophes; the rules and
    the classifier know the plain ones, and the evidence still quotes the draft as written."""
    curly = text.replace("'", "\u2019")
    plain = text.replace("\u2019", "'")
    found = checker(curly)
    assert categories(found) == categories(checker(plain))
    assert categories(found)
    assert all("'" not in f.evidence for f in found.findings)


@pytest.mark.parametrize(
    "text",
    [
        "A drunk lad in the waiting room called me a useless fat cow tonight. I'm fine, just needed to say it somewhere.",
        "Got called a lazy cow by a driver for stopping at a zebra crossing in my scrubs. Have a lovely day, sir.",
    ],
)
def test_abuse_received_is_not_abuse_given(checker, text: str) -> None:
    """The writer telling of abuse aimed at them is not offensive conduct of theirs (the
    sentence_unless gate covers the rules and the classifier's best sentence alike)."""
    assert "offensive-conduct" not in categories(checker(text))
    assert "offensive-conduct" in categories(checker("To the lazy cow on the desk tonight: do your job"))


def test_asking_to_step_out_is_not_asking_someone_out(checker) -> None:
    assert "patient-relationship" not in categories(checker("Why I asked to step out of the room when my old teacher came into resus."))
    assert "patient-relationship" in categories(checker("Finally asked the fit lad from bay 2 out now he's discharged, wish me luck"))


def test_a_personal_reply_that_only_points_to_pals_is_not_answering_the_complaint(checker) -> None:
    routed = "Really sorry you've been through that. I'm not the right person to sort it out, please contact PALS, they'll look into it properly."
    answered = "So sorry to read this. I work on that ward, your dad was seen within the hour and the wait was because of two arrests."
    assert "complaint-response" not in categories(checker(routed, in_reply_to="complaint"))
    assert "complaint-response" in categories(checker(answered, in_reply_to="complaint"))


def test_a_public_health_call_is_not_an_endorsement(checker) -> None:
    assert "endorsement" not in categories(checker("Flu jab done at the pop-up by the canteen, two minutes and a sticker. Go get yours!"))
    assert "endorsement" in categories(checker("Weight-loss jab from my private clinic, code NURSEJO for 20% off your first month, link in bio"))


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_a_text_rule_stands_only_above_its_floor(nlp, checker) -> None:
    """A rule's match on the words is dropped when the classifier scores the draft under the
    category's floor; what the metadata declares (a reply to a complaint) stands whatever the
    score."""
    advice = "Honestly just double up on your inhaler tonight and you'll be fine"
    reply = "Sorry to hear that, we're looking into it"
    assert "medical-advice" in categories(checker(advice))
    with detector_context(nlp, floors={"medical-advice": 1.01, "complaint-response": 1.01, "offensive-conduct": 1.01}):
        assert "medical-advice" not in categories(checker(advice))
        assert "complaint-response" in categories(checker(reply, in_reply_to="complaint"))
        # a rule marked `floored: false` stands on its own words
        threat = "Saw you in Tesco, mate. I have clocked your address on the system, so behave"
        assert "offensive-conduct" in categories(checker(threat))


def test_a_span_is_reported_once_per_category(checker) -> None:
    """A floored: false rule that repeats a floored rule's words ('not for circulation') stands
    only where that rule did not report the same span, so a finding is not listed twice."""
    result = checker("Staff briefing below, copied from the intranet. Not for circulation: the day unit closes in June.")
    spans = [(f.line, f.column) for f in result.findings if f.category == "confidential-information"]
    assert spans and len(spans) == len(set(spans))


def test_a_negation_before_the_advice_undoes_it_one_inside_does_not(checker) -> None:
    """`negation: outside`: 'please don't just stop taking them' warns against what the rule
    looks for, while a rule's own negated words ('don't bother with A&E') and a negation in an
    earlier clause ('don't wait, just take...') still read as advice."""
    warning = checker("Please don't just stop taking your steroids, it can make you really poorly.")
    assert not [f for f in warning.findings if f.category == "medical-advice" and not f.why.startswith("classifier")]  # no rule match
    assert "medical-advice" in categories(checker("Don't wait for it to settle, just take 2 paracetamol every 4 hours and keep drinking water"))
    assert "medical-advice" in categories(checker("Sprained ankle? Honestly don't bother with A&E, just ice it and keep it up"))


def test_saying_one_cannot_advise_is_not_advice(checker) -> None:
    """A sentence in which the writer says they cannot advise (lexicon ma-no-advice) is not
    advice, whatever medicine it names; advice after the disclaimer still is."""
    pharmacist = "Sorry Bernadette, I can't give advice about your mum's inhalers on here as I don't know her history. Your practice pharmacist is the best person to ask."
    assert categories(checker(pharmacist, in_reply_to="public")) == set()
    assert "medical-advice" in categories(checker("I can't give advice on here. But honestly just double up on your inhaler tonight, works every time"))


LONG_POST = (
    "Three years ago today I walked onto the respiratory ward as a brand new band 5, terrified of the bleeps and convinced I'd be "
    "found out by Friday. I wasn't. I was taught by the most patient sister I've ever met, who let me ask the same question about "
    "the NIV settings four times without sighing once. I've learned how to hold a hand at 3am, how to laugh in the sluice, and how "
    "to eat a full dinner in nine minutes. I've learned that the porters know everything before anyone else does. Thank you to "
    "every HCA who covered my breaks and every student who made me explain things properly. And while I'm at it: {line}. Anyway, "
    "cake is in the staff room, help yourselves, and here's to year four."
)


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_one_sentence_of_a_long_post_is_judged_on_its_own(nlp, checker) -> None:
    """In a long draft the classifier's score for the whole is diluted by the rest, so a rule's
    match there stands when the classifier reads its own sentence as the category (long_drafts in
    thresholds.yml); the same post with a neutral line stays clean."""
    political = LONG_POST.format(line="get out on Thursday and vote Labour, the Tories have had fourteen years to fix this place and look at us")
    neutral = LONG_POST.format(line="the polling station at the community centre is open until 10pm on Thursday, so whoever you vote for, use it")
    assert "inflammatory-topic" in categories(checker(political))
    assert categories(checker(neutral)) == set()
    component = nlp.get_pipe("postcheck_detectors")
    ctx = component.ctx
    unreachable = {"thresholds": {**ctx.thresholds, "inflammatory-topic": 1.01}, "floors": {**ctx.floors, "inflammatory-topic": 1.01}}
    with detector_context(nlp, **unreachable):  # no draft's score meets the floor: only the sentence's can keep the match
        assert "inflammatory-topic" in categories(checker(political))
        assert categories(checker(neutral)) == set()
        saved = component.long_drafts
        component.long_drafts = {}
        try:
            assert "inflammatory-topic" not in categories(checker(political))
        finally:
            component.long_drafts = saved


def test_rules_alone_find_a_promised_friend_request_a_discharge_add_and_urged_withdrawal(nlp, checker) -> None:
    """Rule patterns on their own (no classifier): a promise to accept a patient's friend request,
    adding one on a platform once discharged, and the writer's own coming off a medicine urged
    on readers; the refusal and the writer's story told without urging stay clean."""
    with detector_context(nlp, thresholds={}, floors={}):
        assert "patient-relationship" in categories(checker("Of course I'll accept your friend request, you were my favourite patient this year 😊"))
        assert "patient-relationship" in categories(checker("Best patient of the year 🏆 added him on Snapchat the day he was discharged"))
        assert "patient-relationship" not in categories(checker("Sorry, I won't accept your friend request after you've been a patient here, it's nothing personal."))
        urged = "Came off my sertraline cold turkey in March and honestly I'd tell anyone on them to do the same, best decision I made."
        told = "I came off my sertraline slowly with my GP's help, but I'd never tell anyone to do the same without theirs."
        assert "medical-advice" in categories(checker(urged))
        assert "medical-advice" not in categories(checker(told))


def test_selling_your_own_old_things_and_using_a_staff_discount_are_not_promotion(nlp, checker) -> None:
    """The endorsement rule on its own (no classifier): a one-off sale of the writer's used
    things and the writer's own staff discount are not promotion; a side business, a code and a
    sale of medicines still are."""
    with detector_context(nlp, thresholds={}, floors={}):
        for text in (
            "Moses basket for sale, great condition, £25, message me if you want it before the bin men do",
            "Selling my old uniform shoes and some baby clothes on Vinted, £3 each, need the wardrobe space",
            "Finally got my Blue Light Card sorted so I can get money off at the cinema, small wins",
            "Good news, the NHS discount works at the new climbing wall as well, just show your badge",
        ):
            assert "endorsement" not in categories(checker(text)), text
        for text in (
            "Spare Ozempic pens for sale, in date, kept in the fridge, £70 each, message me",
            "Get money off your first box with my code NURSEJO15, link in bio",
            "Lash lifts now £30 each at my home salon, DM me to book, NHS discount deal all month",
        ):
            assert "endorsement" in categories(checker(text)), text
