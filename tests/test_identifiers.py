"""patient-identifier: positives and hard negatives the corpus does not contain."""

from __future__ import annotations

import pytest

from conftest import categories
from postcheck.detectors.identifiers import nhs_checksum_ok


@pytest.mark.parametrize("number,ok", [
    ("9434765919", True), ("4010232137", True), ("9434765918", False),
    ("0000000000", False), ("1234567890", False), ("4857773456", False),
])
def test_checksum(number: str, ok: bool) -> None:
    assert nhs_checksum_ok(number) is ok


@pytest.mark.parametrize("text", [
    "Can someone on nights chase the bloods for 943 476 5919 in bay 2?",
    "Discharged home today, nhs no 9434765919, TTOs still not ready",
    "pt in resus, NHS number 943-476-5919, family on the way",
])
def test_nhs_number_in_care_context_blocks(checker, text: str) -> None:
    result = checker(text)
    nhs = [f for f in result.findings if f.rule == "identifiers.nhs-number"]
    assert nhs and nhs[0].severity == "block"
    assert nhs[0].evidence.startswith("943") and "5919" not in nhs[0].evidence


def test_bad_check_digit_never_blocks(checker) -> None:
    result = checker("Admitted to bay 2, NHS number 943 476 5918")
    assert all(f.severity != "block" for f in result.findings if f.rule == "identifiers.nhs-number")


def test_checksum_alone_is_at_most_review(checker) -> None:
    result = checker("Lottery numbers this week were 943 476 5919, gutted")
    assert {f.severity for f in result.findings if f.rule == "identifiers.nhs-number"} <= {"review"}


@pytest.mark.parametrize("text", [
    "Your parcel 9434765919 is out for delivery today",
    "Booking ref: 943 476 5919 for the fun run",
    "Sign up at https://events.example.org/e/9434765919 for the fun run",
    "We opened 24 new beds on ward 9 this winter thanks to the team",
    "Ward 7 won Team of the Year! So proud of everyone",
    "Huge congratulations to Sister Amy Clarke on ward 4 who retires after 40 years",
    "Patients told us they want more parking, so we listened",
    "Watched Mr Bean with the kids tonight, still funny",
    "Met Gary Lineker at the station this morning",
    "We celebrated Eid on the ward today, the HCAs brought in the best sweets ever",
    "Priya (29) from our finance team has just finished her first marathon, legend",
    "Meet Tariq, one of our new student nurses on Ward 7! He joined us in September and loves placement.",
    "Rumours aside, Ashcombe Hospital is keeping its A&E open, admitted patients will not be moved #ChooseWell",
    "# Nights\n\nShe was admitted at 2am and I still think about her",
    "Huge thanks to Joanne from the day unit for covering my shift, you're a star",
    "Poor Leanne from our ward has had a rough week, send her some love girls",
    "Flu clinic moved: book at Riverside Surgery or St Aldric's Hospital, patients over 65 first",
    "Did you see what the Herald printed about our dialysis unit? Patients should still come to clinic as booked",
    "Nights over Christmas on the stroke ward 🎄 Secret Santa sorted, tins of Quality Street ready",
    "Ward 3 took the Infection Control Shield! 🥇 Cake filmed in the staff room after hours, no patients in shot",
    "Cheers to the best tea maker on Ward 11, Marcia, 30 years today and still the first one in",
    "Shout out to Derek from estates who fixed the drugs fridge on ward 5 at 3am, hero",
    "Eid Mubarak from everyone on the renal unit, thank you for the samosas at handover!",
    "Lighting a candle tonight for Baby Loss Awareness Week, thinking of all the families",
    "Please don't come to A&E with a cold at 4am. Pharmacy, GP or 111 first, we love you but we're full",
    "02:10 Lady from the flat upstairs knocks to say our ceiling light is flickering. Cheers, neighbour",
    "Post-op patients on the ward were asking if they could get Nectar points on their jelly",
    "Sprained it at netball, the physio says RICE it and rest, so that's my weekend gone",
    "Lovely walk in Little Hadley after nights, then straight to bed before my next shift",
    "Some personal news: I've been appointed Ward Sister on Elm Ward, starting in July. Proud!",
    "A regular of ours (I'll call him Mr B) came in for his usual prescription and we had a chat about cricket",
    "Bonfire Night on the ward: sparklers banned, so the HCAs made fireworks out of tinsel and a torch",
    "Hi Pete, it's Rachel from the hospice. The bereavement group meets on Thursdays if you'd like to come along",
    "Our maternity team have just been awarded Baby Friendly status, so proud of every midwife",
    "Cake sale on Friday for the Little Stars fund, all proceeds to the children's ward playroom",
    "Welcome to the team Josh, 23, our newest HCA on the respiratory ward!",
    "The nurses on Ward 9 were brilliant with my nan in March, she still talks about them",
    "Shout out to Priya on nights. We looked after him together for six shifts and she never once complained",
    "Huge thanks to Gemma for covering my bay tonight. I nursed him for three weeks so it was hard to hand over",
    "The radiator by bay 6 finally got fixed. We had a leak there for months. The maintenance lads named the bucket, its name is Derek.",
    "Twenty years a practice nurse. If you want your GP surgery still open in five years, vote Lib Dem on the 4th.",
    "Whoever is voting Green next week, ask them what they'd do about hospital parking for nurses",
    "Labour ward shut to admissions again last night and three women in labour were diverted to Ellesworth. Not safe.",
    "Fourteen years of cuts to my ward. Get them out on Thursday: Labour, Lib Dem, Green, anyone but this lot. A tired staff nurse",
    "Beds 3, 12, 14 and 20 all had falls on nights this week, so the falls team are in tomorrow",
    "Proud of our heart failure nurses, Sunita, Joe and Kath, who ran the new clinic for its first year",
    "After 36 years, our brilliant Jean Maddox hangs up her fob watch tonight. She has delivered half the babies in this town.",
    "Big send-off for Marion from the dialysis unit today, 35 years of renal nursing and never a sick day",
    "Queued twenty minutes at the pharmacy and the very patient man called Eric at the till still smiled at everyone. Legend.",
    "Sad news today: our colleague Bernie Walsh from pharmacy stores has passed away. When my husband died last year, Bernie was "
    "the one who drove me home from the hospital every night.",
    "RIP to the kindest porter who ever lived, our colleague Desmond. When my son was in resus after his crash, Desmond stayed with me all night.",
    "Six years ago tonight I was diagnosed with leukaemia, aged 19, on the same haematology ward I now work on as a staff nurse.",
    "She was 5 minutes late for her own leaving do on Friday night, which after 30 years of running the stroke unit felt fitting.",
    "Swallowed a packet of Haribo on the night shift at 4am, aged 41 and should know better",
    "Our tombola raised £265 this morning for the Ward 9 patient amenity fund, which will pay for new TVs and a games console for people staying with us.",
])
def test_hard_negatives(checker, text: str) -> None:
    assert "patient-identifier" not in categories(checker(text))


@pytest.mark.parametrize("text,rule", [
    ("Winifred, 88, one of our housebound regulars, finally has her pressure sores healed after months of visits", "identifiers.patient-name"),
    ("Motorbike v lorry on the bypass this evening, 23, open tib/fib and a chest drain in resus. Thinking of him", "identifiers.age-condition"),
    ("Mrs Okafor in bed 6 finally had her op today", "identifiers.patient-name"),
    ("Say hello to Alfie, aged seven, who finished his last round of chemo on our ward this morning", "identifiers.patient-name"),
    ("the gent in side room 3 pulled his cannula out again", "identifiers.bed-location"),
    ("MRN 00456721 needs a repeat CT before handover", "identifiers.hospital-number"),
    ("Lovely lady, DOB 02/11/1937, asking for tea at 3am on the ward", "identifiers.date-of-birth"),
    ("82yo with a fractured hip in majors tonight, waited 14 hours", "identifiers.age-condition"),
    ("He was 58, a retired postman from Elmley, and came into resus on Friday night with a massive stroke. I still think about him.", "identifiers.age-condition"),
    ("Rough job last night: 41-year-old on Cable Street in Harwick who'd swallowed a packet of paracetamol after a row", "identifiers.age-condition"),
    ("Bumped into Gerald from the memory clinic in Tesco, he told the whole queue about his dementia", "identifiers.patient-name"),
    ("the lady in chair 6 on the chemo unit knitted me a scarf today, she's 80 and on her last cycle", "identifiers.bed-location"),
    ("Terence Ward in bay 4 pulled his cannula out again, third time tonight", "identifiers.patient-name"),
    ("Kayleigh (7), one of our regulars on the diabetes clinic list, finally did her own injection today", "identifiers.patient-name"),
    ("Bed 9 on Ward 14, Mr K, 71, admitted overnight with a stroke, keeps asking me to marry him", "identifiers.bed-location"),
    ("Mr P.J. Donnelly, admitted last night with chest pain, has no next of kin listed, can anyone help", "identifiers.patient-name"),
    ("guess who rang the surgery about her ulcer dressing again, Mrs Adeyemi from Orchard Close 🙄", "identifiers.patient-name"),
    ("Does anyone know Callum on Rowan Ward? Lost his number after his femur op, want to take him to the footie", "identifiers.patient-name"),
    ("Massive well done to Kacey, 11, one of the young people we support in care, who read in assembly today", "identifiers.patient-name"),
    ("Congratulations to Priya and Dan on the safe arrival of baby Willow-Grace at the birth centre last night", "identifiers.patient-name"),
    ("A gentleman on my supported living round, no family at all. His name's Lionel and he turned 90 on Sunday with just me and a cupcake", "identifiers.patient-name"),
    ("Popped in to see my favourite resident at Oakfield today. Winifred, 96, still beats me at rummy every time", "identifiers.patient-name"),
    ("Thinking about Wilfred tonight. He's 91, lives on his own and we've had him on the ward three times this winter.", "identifiers.patient-name"),
    ("So proud of 9 year old Esme who did her own finger-prick test at clinic today", "identifiers.patient-name"),
    ("Big love to Dennis who I visit on the district round every Tuesday, he made me a bacon butty today and told me all about his RAF days", "identifiers.patient-name"),
    ("Lanzarote next week with Maureen 🌴 we met when I was her nurse on the renal unit and we've been mates ever since", "identifiers.patient-name"),
])
def test_other_identifiers(checker, text: str, rule: str) -> None:
    assert rule in {f.rule for f in checker(text).findings if f.severity == "block"}


def test_person_only_slots_with_weak_care_words_are_reviewed(checker) -> None:
    result = checker("Our little fighter Baby Reuben-Lee, 27 weeks, on the neonatal unit tonight and doing well")
    assert "identifiers.patient-name" in {f.rule for f in result.findings if f.severity in ("review", "block")}


def test_own_birthday_is_not_a_patient_dob(checker) -> None:
    assert "patient-identifier" not in categories(checker("My DOB is 12/03/1990 so yes, I'm a Pisces"))


def test_the_reader_greeted_is_not_a_patient_named(checker) -> None:
    """'Hello Mr Okonjo, thank you for...' answers the reader; a name after a greeting that opens
    a sentence is the person addressed, while 'this morning Doris in bay 4' is still a patient."""
    reply = "Hello Mr Okonjo, thank you for getting in touch and we're sorry your clinic letter arrived late. Please email our PALS team so we can look into it."
    assert "patient-identifier" not in categories(checker(reply, account="official", in_reply_to="complaint"))
    pharmacist = "Sorry Bernadette, I can't give advice about your mum's inhalers on here as I don't know her history. Your practice pharmacist is the best person to ask."
    assert "patient-identifier" not in categories(checker(pharmacist, in_reply_to="public"))
    assert "patient-identifier" in categories(checker("This morning Doris in bay 4 pulled her cannula out for the third time and called me a trollop"))


@pytest.mark.parametrize("text", [
    # a line's or a bullet's first word is a common noun, not a name
    "Lessons from a hard winter on the ward.\n\nRumour is the enemy. When families don't hear from us, they imagine the worst about their mum's care.",
    "Lessons from a hard winter.\n\nFaith has always been part of how I care for patients on the ward, and I pray for every one of them.",
    "Three findings from the memory clinic audit:\n• Outreach is cheap. Late diagnosis of dementia isn't.\n• Letters were late.",
    # family named the way family is, and colleagues named by their role
    "Auntie Carol, I saw your message about your ankles swelling on the new blood pressure tablet, ring your GP about it, I see it all the time on the ward.",
    "And our newest tech, Josh, did the entire 9am ward round singing Mariah under his breath while checking every patient's meds.",
    "First proper shift with my practice supervisor Rosalind, who let me do the obs on bay 2 patients by myself. Cried in the car after, happy tears.",
    # a hospital known by its town and 'Royal'
    "Whatever you do, avoid Kingsholm Royal - their ICU is so badly run that patients die of neglect there, I wouldn't send my dog",
])
def test_common_words_family_and_colleagues_are_not_patients_named(checker, text: str) -> None:
    assert "identifiers.patient-name" not in {f.rule for f in checker(text).findings}


def test_a_name_at_the_start_of_a_line_after_care_words_is_still_a_patient(checker) -> None:
    """The rule drops a line's single first word, not a name with a surname or honorific there."""
    text = "Long night on the frailty unit.\n\nMrs Thornbury in side room 2 had her dementia meds refused again and her daughter was in tears."
    assert "identifiers.patient-name" in {f.rule for f in checker(text).findings}


def test_an_example_of_what_not_to_post_is_not_a_patient(checker) -> None:
    """A bed or a name inside double quotes that a forbidding or example word opens is an
    example of what not to write; a patient's own words in quotes do not hide the patient."""
    for text in (
        "Quick reminder for the group: the policy means not using initials, bed numbers or \"the lovely lady in bay 4\" when you post about work.",
        "In a small town, never write things like \"the man in bed 6 who fell off his scooter\" because everyone will know who you mean.",
    ):
        rules = {f.rule for f in checker(text).findings}  # the rules only: the classifier may still judge the whole
        assert not rules & {"identifiers.bed-location", "identifiers.patient-name", "narrative.identified-patient", "narrative.patient-case"}, text
    quoted = "She said \"I'm not going back to bay 4\" and the gentleman in bed 3 cheered, he's been confused since his op"
    assert "patient-identifier" in categories(checker(quoted))
    closing = 'Our play lead said: "We built it for kids, not adults, and I think we did it."\n\nOne of our first patients was Maisie, 7, pictured in her bay after breaking her arm at school.'
    assert "patient-identifier" in categories(checker(closing))
