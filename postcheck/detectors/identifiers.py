"""Patient identifiers: NHS numbers (mod-11), labelled patterns, names, locations and ages in care."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Token

from postcheck.detectors.base import (
    DetectorContext,
    acts_as_subject,
    cached,
    consent_recorded,
    describes_care,
    doc_has_term,
    has_term,
    hit,
    in_url,
    is_official,
    negated_before,
    quoted_example,
    sentence_span,
    text_of,
    window,
)
from postcheck.detectors.fold import fold, span_of
from postcheck.model import Hit
from postcheck.ruleset import Rule, lexicon_regex, lexicon_words

SEP = r"[ \-\u00a0\u202f.]"
NHS_CANDIDATE = re.compile(rf"(?<![\w/#=.@-])(\d{{3}})({SEP}?)(\d{{3}})\2(\d{{4}})(?![\w/@]|[.,-]\d)")


def nhs_checksum_ok(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def detect_nhs_number(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """NHS numbers, found in the folded text (zero-width, full-width and look-alike characters
    read as a person reads them); spans point at the characters as written."""
    text, origin = fold(text_of(doc))
    label = _compiled(rule.params["label"])
    not_id = _compiled(rule.params["not_identifier"])
    hits = []
    for match in NHS_CANDIDATE.finditer(text):
        start, end = match.span()
        where = span_of(origin, start, end)
        digits = match.group(1) + match.group(3) + match.group(4)
        before = text[max(0, start - 30) : start]
        labelled = label.search(before) is not None
        if in_url(text, start, end):
            continue
        valid = nhs_checksum_ok(digits)
        if not valid:
            if labelled:
                hits.append(hit(rule, *where, 0.3, "labelled as an NHS number but the check digit fails", cap="info"))
            continue
        if not labelled and not_id.search(before):
            continue
        around = window(text, start, end, rule.params.get("window", 200))
        care = has_term(around, "care-strong") or has_term(around, "care-weak")
        if labelled or care:
            why = "checksum valid; " + ("labelled as an NHS number" if labelled else "care context nearby")
            hits.append(hit(rule, *where, 0.97 if labelled else 0.9, why))
        else:
            hits.append(hit(rule, *where, 0.55, "checksum valid but no care context", cap="review"))
    return hits


# A question that owns up rather than asks: 'Anyone else's Spotify linked to their nhs.net?'
CONFESSION = re.compile(r"\s*(?:does\s+)?any\s*(?:one|body)\s+else\b|\s*is\s+it\s+just\s+me\b", re.IGNORECASE)


def detect_pattern(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """Generic regex rule: `patterns` always count; `weak_patterns` need a context lexicon.

    params: patterns, weak_patterns, extra (name of a DetectorContext field holding more
    patterns), needs (a regular expression every pattern's match contains: where the draft has
    no match of it, no pattern is tried), context (lexicon names), window, suppress (lexicon names),
    suppress_official (lexicon names that silence a match only on an official account), suppress_before
    (regex on the text just before), negation (drop when negated), questions (drop in a
    question), skip_official, case_sensitive, confidence.
    """
    p = rule.params
    text = text_of(doc)
    flags = 0 if p.get("case_sensitive") else re.IGNORECASE
    strong = list(p.get("patterns", []))
    if p.get("extra") == "hospital_number_patterns":
        strong += list(ctx.hospital_number_patterns)
    weak = list(p.get("weak_patterns", []))
    if p.get("skip_official") and is_official(doc):
        return []
    if p.get("needs") and not _compiled(p["needs"], flags).search(text):
        return []  # cheaper than trying patterns that scan from every word
    size = int(p.get("window", 150))
    hits = []
    seen: set[tuple[int, int]] = set()
    for needs_context, patterns in ((False, strong), (True, weak)):
        for pattern in patterns:
            for match in _compiled(pattern, flags).finditer(text):
                start, end = match.span("value") if "value" in match.re.groupindex else match.span()
                if start == end or (start, end) in seen or in_url(text, start, end):
                    continue
                whole_start, whole_end = match.span()
                around = window(text, whole_start, whole_end, size)
                if any(has_term(around, name) for name in p.get("suppress", [])):
                    continue
                if is_official(doc) and any(has_term(around, name) for name in p.get("suppress_official", [])):
                    continue
                before = p.get("suppress_before")
                if before and _compiled(before).search(text[max(0, whole_start - 40) : whole_start]):
                    continue
                if p.get("negation") and negated_before(text, whole_start):
                    continue
                if p.get("questions"):
                    s_start, s_end = sentence_span(doc, whole_start, whole_end)
                    asked = text[s_start:s_end]
                    if asked.rstrip().endswith("?") and not CONFESSION.match(asked):
                        continue
                context = [name for name in p.get("context", []) if has_term(around, name)]
                if needs_context and not context:
                    continue
                why = rule.params.get("why", "pattern matched")
                if context:
                    why += "; context: " + ", ".join(context)
                seen.add((start, end))
                hits.append(hit(rule, start, end, float(p.get("confidence", 0.9)), why))
    return hits


# 'Mrs Okafor', 'Mr D.K. Holloway', and 'Mr T,' (an initial alone still points to one person).
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Master")
HONORIFIC = re.compile(r"\b(?:" + "|".join(TITLES) + r")\.?\s+(?:[A-Z]\.\s*){0,3}[A-Z](?:[a-zA-Z'\-]+|\.?(?!\w))")
STAFF_BEFORE = re.compile(
    r"\b(?:Dr|Doctor|Nurse|Sister|Matron|Prof|Professor|consultant|colleague|HCA|physio|"
    r"porter|midwife|registrar|reg|FY1|SHO|manager|student|our|my friend|team ?mate)\.?\s*$",
    re.IGNORECASE,
)
STAFF_TITLE = re.compile(r"\b(?:Dr|Doctor|Nurse|Sister|Matron|Prof|Professor)\b", re.IGNORECASE)  # 'Ward Sister' too
# "Hi Pete, it's Rachel from the hospice": the writer giving their own name.
SELF_INTRO = re.compile(r"\b(?:it's|it is|this is|I'm|I am|my name's|my name is)\s*$", re.IGNORECASE)
# "(I'll call him Mr B)", 'let's call her Jean': a name the writer made up to hide the real one.
PSEUDONYM_BEFORE = re.compile(r"\b(?:call(?:ed|ing)?|name)\s+(?:him|her|them|this\s+\w+)\s*$", re.IGNORECASE)
PATIENT_TIED = re.compile(r"\b(?:patient|pt|bed\s*\d+|bay\s*\d+|side\s*room)\b[^.!?\n]{0,12}$", re.IGNORECASE)


UNIT = (
    r"(?:(?:bed|bay|side[ -]?room|cubicle|cube|ward|room)s?\s*(?:no\.?\s*)?\d{1,3}[a-z]?\b|(?:PICU|NICU|SCBU|ICU|ITU|HDU|resus|AMU|majors|the ward|the unit)\b"
    r"|[A-Z][a-z]+\s+[Ww]ard\b)"  # 'Willow Ward', 'Larch ward': wards named, not numbered
)
# A capitalised word in a slot where only a person fits: 'little Alfie', 'Terence in bay 4',
# 'Sheila, 64,', "'Big Dave' from cubicle 7". The English model often tags these ORG or GPE.
NUMBER_WORD = (
    r"(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
SLOT_NAME = re.compile(
    r"(?:\b(?i:little|tiny|baby|wee|young|old|lovely|poor)\s+(?:(?i:warrior|fighter|superstar|star|man|lady|miracle|prince|princess|trooper|soldier)\s+)?(?P<a>[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\b"
    r"|(?P<b>\b[A-Z][a-z]{2,}(?:\s[A-Z][a-z]{2,})?)(?=\s+(?:in|on|from|at)\s+" + UNIT + r")"
    r"|(?P<c>(?<![\w-])[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?),\s*(?:\d{1,3}|(?i:aged)\s+(?:\d{1,3}|" + NUMBER_WORD + r"))\s*,"
    r"|(?P<e>\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\s*\(\s*(?:aged\s*)?\d{1,2}\s*(?:yo|y/o|yrs|months|mo|weeks)?\s*\)"
    r"|['\u2018\u201c\"](?P<d>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['\u2019\u201d\"]\s+(?:from|in|on)\s+" + UNIT
    + r"|\b(?i:(?:his|her|their)\s+name(?:'s|\s+is|\s+was)|(?:he|she)(?:'s|\s+is)\s+called)\s+(?P<f>[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\b)"
)


def _not_name(word: str) -> bool:
    """Capitalised words that are not names: units, shorthand, days, months, parties, apps."""
    return word.lower() in lexicon_words("not-names") or word.lower() in lexicon_words("family-words")


def may_hold_person(doc: Doc) -> bool:
    """Whether the entity recogniser could give _person_candidates a PERSON it keeps (the gate
    of factories.GatedNER, which runs the recogniser only where this is true). A kept entity's
    alphabetic words are all capitalised and one is not a not-name; if that word starts a
    sentence, the entity goes on to another capitalised word (one that starts a sentence alone
    is dropped). So a Doc needs a capitalised non-initial word that is not a not-name, or a
    capitalised sentence start that is not one followed, with no lower-case word between, by a
    capitalised word ('Sarah Ward was on')."""
    after_name = False  # in a run of capitalised words that began with a name starting a sentence
    for token in doc:
        text = token.text
        if not token.is_alpha:
            continue
        if not text[:1].isupper():
            after_name = False
        elif token.is_sent_start:
            after_name = not _not_name(text)
        elif after_name or not _not_name(text):
            return True
    return False


def _slot_names(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, sure): sure when the slot is one only a person fills ('little Alfie',
    'Jayden (10)'), which then counts like an honorific."""
    spans = []
    for match in SLOT_NAME.finditer(text_of(doc)):
        group = next(g for g in "abcdef" if match.group(g))
        start, end = match.span(group)
        if _not_name(match.group(group)) or (group == "f" and match.group(group).split("-")[0].lower() not in _given_name_words()):
            continue  # "he's called Crash" (a cactus)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and span[0].is_sent_start and group not in "cef" and span[0].pos_ != "PROPN":
            continue
        if group == "a" and match.group(0)[0].isupper() and PLACE_BEFORE.search(text_of(doc)[max(0, match.start() - 8) : match.start()]):
            continue  # 'a walk in Little Hadley', 'out at Old Marston': a village, not a child
        if group == "a" and span is not None and _noun_follows_plainly(doc, span.end):
            continue  # 'Baby Friendly accreditation', 'the Little Feet charity': a name of a thing
        words = match.group(0).lower().split()
        childlike = group == "a" and (words[0] in ("little", "tiny", "baby", "wee") or len(words) > 2)
        spans.append((start, end, group == "e" or childlike))  # not 'lovely Sarah', 'poor Leanne'
    return spans


PLACE_BEFORE = re.compile(r"\b(?:in|at|near|to|around|through)\s+$", re.IGNORECASE)
ABBREVIATIONS = {"dr.", "mr.", "mrs.", "ms.", "st.", "prof.", "sr.", "no."}
PERSON_AFTER = {"family", "household", "twins", "boys", "girls", "kids", "children", "sisters", "brothers"}


def _opens_sentence(token: Token) -> bool:
    """A sentence start, also where the sentence splitter missed one after a full stop ('in
    room 2. Agenda includes')."""
    i = token.i - 1
    while i >= 0 and token.doc[i].text in LIST_MARKS:  # '• Outreach is cheap.': a bullet opens it
        i -= 1
    if token.is_sent_start or i < 0:
        return True
    before = token.doc[i].text
    return (
        before in ("!", "?")
        or (before.endswith(".") and before.lower() not in ABBREVIATIONS)
        or (before.isspace() and "\n" in before)  # a line's first word ('Rumour is the enemy.' after a blank line)
    )


LIST_MARKS = {"•", "-", "*", "–", "—", ">", "·", "◦", "▪"}


def _emoji(text: str) -> bool:
    """An emoji or pictograph: an entity that begins with one ('🏆 Dance filmed after hours') is
    the recogniser reading the emoji as a full stop's neighbour, not a name's."""
    return not any(c.isalnum() for c in text) and any(ord(c) >= 0x2190 for c in text)


def _noun_follows(doc: Doc, i: int) -> bool:
    return i < len(doc) and doc[i].pos_ in ("NOUN", "PROPN")


def _noun_follows_plainly(doc: Doc, i: int) -> bool:
    """A common noun at `i` that names the kind of what comes before ('Clubcard points'), not a
    family ('Jones family') or a time ('Discharged Doris today')."""
    following = doc[i] if i < len(doc) else None
    return (
        following is not None
        and following.pos_ == "NOUN"
        and following.is_alpha  # an emoji after a name is often tagged NOUN ('with Barbara ☀️')
        and following.lower_ not in PERSON_AFTER
        and following.ent_type_ not in ("DATE", "TIME")
    )


def _names_a_thing(doc: Doc, start: int, end: int) -> bool:
    """A one-word entity that is a service, a thing or a place: after 'on', 'via', 'using', 'in'
    or 'at' ('on Messenger', 'via Insta', 'in Hadley'), after 'the' with no noun following ('the
    Chronicle', 'the Royal'; 'the Jones family' is kept), in capitals ('RICE it'), or naming the
    kind of a common noun that follows ('Clubcard points', 'the Gazette story'; not 'Jones family')."""
    before = doc[start - 1].lower_ if start > 0 else ""
    word = doc[start].text
    if before in ("on", "via", "using", "in", "at") or (before == "the" and not _noun_follows(doc, end)):
        return True
    if len(word) > 1 and word.isupper():
        return True
    return _noun_follows_plainly(doc, end)


# Capitalised words after a given name that make it the name of a place or a thing ('Holly Ward').
NAMED_THING = {
    "ward", "wards", "unit", "house", "suite", "centre", "center", "lodge", "court", "road", "street", "st", "lane",
    "close", "avenue", "drive", "hospital", "hospice", "surgery", "clinic", "school", "academy", "college", "park",
    "garden", "gardens", "cottage", "way", "hall", "building", "block", "wing", "theatre", "trust", "foundation",
    "fund", "appeal", "charity", "group", "team", "award", "awards", "day", "week", "month", "room", "bay",
}


VOCATIVE = re.compile(r"(?:^|\b(?:hi|hey|hiya|dear|morning|thanks|cheers|sorry)\s+|@)$", re.IGNORECASE)
APPOSITIVE_ROLE = re.compile(r",\s+(?:our|my|your)\s+", re.IGNORECASE)


def _given_names(doc: Doc) -> list[tuple[int, int]]:
    """Token spans (start, end) of common given names the English model did not tag PERSON:
    capitalised, not opening a sentence, not naming a place or thing, with a following
    capitalised surname when there is one ('Darren Pollitt')."""
    names = _given_name_words()
    text = text_of(doc)
    found = []
    for token in doc:
        if not (token.is_alpha and token.text[0].isupper() and not token.text.isupper() and token.lower_ in names):
            continue
        if token.ent_type_ == "PERSON" or _opens_sentence(token):
            continue
        end = token.i + 1
        following = doc[end] if end < len(doc) else None
        if following is not None and following.is_alpha and following.text[0].isupper():
            if following.lower_ in NAMED_THING or _not_name(following.text):
                continue  # 'Holly Ward', 'Rose Cottage', 'Olivia Tuesday'
            end += 1
        if VOCATIVE.search(text[max(0, token.idx - 12) : token.idx]) or APPOSITIVE_ROLE.match(text, doc[end - 1].idx + len(doc[end - 1].text)):
            continue  # 'Hi Priya,' (the reader), 'Priya, our new Guardian' (a colleague)
        if _names_a_thing(doc, token.i, end) or (token.i > 1 and doc[token.i - 1].lower_ == "of" and doc[token.i - 2].text[:1].isupper()):
            continue  # 'the Gospel of John', 'Duke of Edinburgh'
        found.append((token.i, end))
    return found


@lru_cache(maxsize=1)
def _given_name_words() -> frozenset[str]:
    return lexicon_words("given-names")


def person_candidates(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, has_honorific) for names: NER PERSON, honorific + capitalised word, and
    capitalised words in a slot only a person fills. None in a draft about a training manikin."""
    return cached(doc, "people", lambda: _person_candidates(doc))


def _person_candidates(doc: Doc) -> list[tuple[int, int, bool]]:
    found: dict[tuple[int, int], bool] = {}
    for match in HONORIFIC.finditer(text_of(doc)):
        found[match.span()] = True
    simulation = doc_has_term(doc, "simulation-cues")
    for start, end, sure in _slot_names(doc):
        if not any(s <= start and end <= e for s, e in found):
            found[(start, end)] = sure
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        words = [t for t in ent if t.is_alpha]
        if not words or not all(t.text[0].isupper() for t in words):
            continue
        if len(words) == 1 and (_opens_sentence(words[0]) or _emoji(ent[0].text) or words[0].lower_ in lexicon_words("family-words") or simulation):
            continue
        if all(_not_name(t.text) for t in words):
            continue
        if len(words) == 1 and _names_a_thing(doc, ent.start, ent.end):
            continue
        span = (ent.start_char, ent.end_char)
        if not any(s <= span[0] and span[1] <= e for s, e in found):
            inside = [key for key in found if span[0] <= key[0] and key[1] <= span[1]]  # 'Marsh, 13,' in 'Kayden Marsh'
            found[span] = any(found.pop(key) for key in inside)
    return [(s, e, h) for (s, e), h in sorted(found.items()) if _may_be_person(text_of(doc), s, e, h)]


def listed_names(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of given names that person_candidates does not hold (the English model
    missed them): weaker evidence of a person, so the patient-name rule needs more than a care
    word beside them. None in a draft about a training manikin."""

    def compute() -> list[tuple[int, int]]:
        if doc_has_term(doc, "simulation-cues"):
            return []
        people = person_candidates(doc)
        found = []
        for start, end in _given_names(doc):
            span = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
            if not any(s < span[1] and span[0] < e for s, e, _ in people) and _may_be_person(text_of(doc), *span, False):
                found.append(span)
        return found

    return cached(doc, "listed-names", compute)


def _may_be_person(text: str, s: int, e: int, h: bool) -> bool:
    """A candidate name at text[s:e] (h: with an honorific or in a sure slot) that is not a
    colleague by title, a pseudonym, a hashtag, a place, an event or a named department's staff."""
    return bool(
        not STAFF_BEFORE.search(text[max(0, s - 25) : s])
        and not STAFF_TITLE.search(text[s:e])
        and not PSEUDONYM_BEFORE.search(text[max(0, s - 25) : s])
        and not HASHTAG_OR_HEADING.search(text[max(0, s - 40) : s])
        and not (not h and (PLACE_AFTER.match(text, e) or PLACE_NAME.search(text[s:e])))
        and not EVENT_AFTER.match(text, e)
        and not EVENT_NAME.search(text[s:e])
        and not STAFF_AFTER.match(text, e)
        and not ROLE_AFTER.match(text, e)
        and not VOTE_BEFORE.search(text[max(0, s - 20) : s])
        and not PARTY.fullmatch(text[s:e].strip())
        and not (not h and MOVED_TO.search(text, max(0, s - 30), s))
        and not GREETED.search(text, max(0, s - 30), s)
        and not GREETING.match(text, s)
        and not FAMILY_TITLE.search(text[max(0, s - 12) : s])
        and not FAMILY_TITLE.match(text, s)
    )


# 'Auntie Carol', 'my nan Pat', 'Grandad Jim': the writer's own family, named the way family is.
FAMILY_TITLE = re.compile(r"(?:\b|^)(?:auntie|aunty|aunt|uncle|nan|nana|nanna|nanny|gran|granny|grandma|grandad|granddad|grandpa|cousin)\s+(?=[A-Z]|$)", re.IGNORECASE)


# 'Hello Mr Foster, thank you for...', 'Sorry Mandy, I can't advise...': the reader addressed, not
# someone written about (the English model sometimes takes the greeting into the name).
GREETED = re.compile(r"(?:^|[\n.!?]\s*|@\w+\s+)(?:hi|hey|hiya|hello|dear|(?:good\s+)?(?:morning|afternoon|evening)|sorry)[ \t]*$", re.IGNORECASE)
GREETING = re.compile(r"(?:hi|hey|hiya|hello|dear|sorry)\s", re.IGNORECASE)


# 'two women in labour were diverted to Kingsmere', 'transferred to Hollins': where a patient went.
MOVED_TO = re.compile(
    r"\b(?:diverted|transferred|transferring|transfer|moved|redirected|conveyed|blue[- ]?lighted|blued|admitted|sent|taken)\s+(?:straight\s+|over\s+|back\s+)?to\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# 'Labour, Lib Dem, anyone but this shower': a party, wherever it stands in the sentence.
PARTY = re.compile(
    r"(?:Lib(?:eral)?\s*Dems?|Liberal\s+Democrats?|Labour|Tor(?:y|ies)|Conservatives?|Reform(?:\s+UK)?|Greens?|SNP|Plaid(?:\s+Cymru)?|UKIP|Sinn\s+F[eé]in|DUP|Alliance)",
    re.IGNORECASE,
)
# 'vote Lib Dem', 'voting Green on Thursday': a party or a candidate on the ballot, not a patient.
VOTE_BEFORE = re.compile(r"\b(?:vote|votes|voting|voted)\s+(?:for\s+)?$", re.IGNORECASE)
# '#ChooseWell', '# Nights': a hashtag or a markdown heading, not a name.
HASHTAG_OR_HEADING = re.compile(r"(?:#|(?:^|\n)[ \t]*#+[ \t]*)$")
# 'Royal Brookfield A&E', 'Hollybrook Hospital': a place named after someone or something.
PLACE_AFTER = re.compile(
    r"(?:'s|’s)?\s+(?:A&E|ED|Hospital|Hospitals|Infirmary|Trust|Surgery|Practice|Clinic|Centre|Center|"
    r"Hospice|Medical|NHS|Primary|Academy|School|College)\b"
)
CARE_PLACE_AFTER = re.compile(
    r"\s+from\s+(?:the\s+)?(?:(?!(?:our|my|your|their)\b)[\w'’-]+\s+){0,2}?(?:ward|unit|clinic|day\s+centre|dialysis|chemo|"
    r"oncology|outpatients|hospice|care\s+home|caseload|memory\s+clinic)\b",
    re.IGNORECASE,
)
# 'Baby Loss Awareness Week', 'Dementia Action Month': a campaign or an event, not a person.
EVENT_NAME = re.compile(r"\s(?:Night|Eve|Day|Week|Month|Party|Festival|Awards?)$")  # 'Burns Night on the ward'
EVENT_AFTER = re.compile(r"(?:\s+[A-Z][a-z]+){0,2}\s+(?:Week|Month|Day|Appeal|Campaign|Awards?|Festival)\b")
# 'Colin from estates', 'Priya in HR': a colleague named by their department.
STAFF_AFTER = re.compile(
    r"\s+(?:from|in|on)\s+(?:IT|HR|IG|(?i:(?:the\s+)?(?:estates|pharmacy|catering|payroll|facilities|switchboard|portering|"
    r"finance|comms|procurement|housekeeping|security|admin|occ(?:upational)?\s+health|canteen|kitchens?|radiology|pathology|"
    r"labs?|physio|education|recruitment|rostering|bank\s+office|medical\s+records|sterile\s+services|infection\s+control|"
    r"governance)\b))"
)
# 'Dan the para', 'Tom the porter': a name with the person's job.
ROLE_AFTER = re.compile(
    r"\s+the\s+(?:para(?:medic)?|porter|nurse|HCA|midwife|physio|doc(?:tor)?|reg|cleaner|receptionist|chaplain|volunteer|pharmacist|paramedic|sister|matron)\b",
    re.IGNORECASE,
)
STREET_WORDS = "Road|Rd|Street|St|Close|Lane|Avenue|Ave|Drive|Court|Crescent|Way|Place|Gardens|Terrace|Grove|Row|Walk|Estate|Mews"
STREET = rf"(?:{STREET_WORDS})\b"
# 'Riverside Surgery', "St Aldric's", 'Mill Lane', 'Hallam Royal', 'Kestrel Retail Park': the entity itself names a place.
PLACE_NAME = re.compile(
    r"^(?:St|St\.|Saint)\s|\s(?:Hospital|Infirmary|Surgery|Practice|Clinic|Centre|Hospice|Trust|School|Academy|Royal|General|"
    r"(?:Retail|Business|Industrial|Leisure|Country|Science|Holiday|Trading)\s+Park|" + STREET_WORDS + r")$"
)
# 'Mrs Okafor from Elm Close', 'Brenda, 14 Mill St': a name with where the person lives.
HOME_AFTER = re.compile(r",?\s+(?:(?:from|of|on|at|in|who\s+lives\s+(?:on|at|in))\s+)?(?:\d{1,4}\s+)?(?:[A-Z][a-z]+\s+){1,2}" + STREET)
FOLLOW_ON = re.compile(r"\s*(?:She|He|They)(?:'s|\s)", re.UNICODE)
# 'Tyler, 14,', 'Becky, she's 31', 'Alfie (4)': an age given beside a name (not
# 'Marcia, 30 years today' or 'for Mind, 24 hours of silence').
AGE_BESIDE = re.compile(r"\s*(?:,\s*(?:(?:he|she)(?:'s|\s+is)\s+|aged\s+)?|\(\s*(?:aged\s*)?)(?P<age>\d{1,3})(?=\s*(?:[,;)!?\n-]|\.(?!\d)|$|(?:years?|yrs?)\s+old\b|y/?o\b|(?:months?|weeks?)\b(?!\s+(?:ago|later))|(?:and|who|with|is|was|has|had|from|in|on|at|today|now)\b))", re.IGNORECASE)
# 'we met when I was her nurse', 'who I look after on the community round': the writer cares for the person.
WRITERS_PATIENT = re.compile(
    r"\b(?:I|we)\s+(?:was|were)\s+(?:her|his|their)\s+(?:nurse|midwife|carer|HCA|physio|paramedic|doctor|OT|support\s+worker)\b"
    r"|\b(?:I|we)\s+(?:nursed|looked\s+after|cared\s+for|treated|delivered|specialled)\s+(?:her|him|them)\b"
    r"|\b(?:who|whom)\s+(?:I|we)\s+(?:nurse|nursed|look\s+after|looked\s+after|care\s+for|cared\s+for|support|supported|visit|treated|delivered)\b",
    re.IGNORECASE,
)
CHILD_BEFORE = re.compile(r"\b(?:little|tiny|baby|wee)\s*$", re.IGNORECASE)
# '11 year old Kayden', 'the 4yo, Ruby': an age given just before a name.
AGE_BEFORE = re.compile(r"\b(?P<age>\d{1,3})\s*[- ]?(?:years?|yrs?|y)[- ]?(?:old|o)\s*,?\s*$", re.IGNORECASE)
# 'Thinking about Dorothy tonight. She's 88, lives alone': the age in the next sentence.
AGE_FOLLOWS = re.compile(r"\s*(?:She|He)(?:'s|\s+is)\s+(?P<age>\d{1,3})\b(?!\s*(?:%|am|pm|[:.]\d|(?:minutes|mins|hours|hrs|days|weeks)\b))")
# Children who are not cared for: young volunteers, students, the writer's or a colleague's own.
CHILD_NOT_CARED_FOR = re.compile(
    r"\b(?:volunteers?|cadets?|apprentices?|work experience|mummy|daddy|(?:grand)?(?:daughter|son)s?|nieces?|nephews?|"
    r"my\s+(?:little\s+)?(?:girl|boy|lad|kids?|children))\b",
    re.IGNORECASE,
)
# 'her name's Joanne', 'this is Jodie', 'meet Arthur', 'baby Ellie-Mae': a person introduced.
INTRODUCED = re.compile(r"\b(?:(?:his|her|their)\s+name(?:'s|\s+is|\s+was)|(?:he|she)(?:'s|\s+is)\s+called|this\s+is|meet|little|tiny|baby|wee)\s*$", re.IGNORECASE)
AGE_APPOSITION = re.compile(r",\s*\d{1,3}\s*,|\s*\(\s*(?:aged\s*)?\d{1,2}[^)]{0,8}\)")


# Conditions: the lexicon the classifier also reads, and more that only these rules read.
CONDITIONS = ("conditions", "conditions-more")


def _condition(text: str) -> bool:
    return any(has_term(text, name) for name in CONDITIONS)


@lru_cache(maxsize=None)
def _owned(lexicon_name: str) -> re.Pattern[str]:
    """'his liver transplant', 'her discharge': a term of the lexicon (a condition, an episode of
    care) that belongs to someone."""
    return re.compile(r"\b(?:his|her|their)\s+(?:\w+\s+){0,2}?" + lexicon_regex(lexicon_name).pattern, re.IGNORECASE)


def _near(doc: Doc, text: str, start: int, end: int) -> str:
    """The sentence from `start` to `end` with the sentences either side."""
    before = sentence_span(doc, max(0, start - 2), max(0, start - 1))[0] if start > 0 else start
    after = sentence_span(doc, end + 1, end + 2)[1] if end + 1 < len(text) else end
    return text[before:after]


def _cared_for_near(doc: Doc, text: str, start: int, end: int, child: bool = False) -> bool:
    """Words of care, a condition or social care within the sentence from `start` to `end` and
    the sentences either side ('a vulnerable lady with a learning disability. Her name's
    Joanne'; not a bucket named Gerald two sentences after a leak over bay 2). A child there
    must not be a volunteer or someone's own ('Lily (6) drew what mummy does at work')."""
    near = _near(doc, text, start, end)
    if child and (CHILD_NOT_CARED_FOR.search(near) or has_term(near, "pi-own-family")):
        return False
    return any(has_term(near, name) for name in ("care-strong", "care-weak", *CONDITIONS, "pid-cared-for"))


# 'a very patient man called Dave', 'be patient with us': the adjective, not someone cared for
# (not after 's, which is as often 'the consultant's patient' as 'she's patient').
ADJECTIVE_PATIENT = re.compile(
    r"\b(?:very|so|really|more|less|most|too|incredibly|extremely|super|ever\s+so|be|been|being|stay|staying|remain|remaining|"
    r"was|were|is|are|am|'re|’re|'m|’m)\s+patient\b(?!\s+(?:in|on|at|from|who|was|is|had|has|came|went|died)\b)",
    re.IGNORECASE,
)


def _first_word(text: str, start: int, end: int) -> str:
    words = re.findall(r"[^\W\d_]+", text[start:end])
    return next((w.lower() for w in words if w.lower() not in HONORIFIC_WORDS), "")


HONORIFIC_WORDS = frozenset(title.lower() for title in TITLES)


def _names_staff(sentence: str) -> bool:
    """The sentence shows a named person is a colleague ('our colleague', 'retires tonight')."""
    return has_term(sentence, "staff-cues") or has_term(sentence, "staff-farewell")


def _colleagues(doc: Doc, text: str, candidates: list[tuple[int, int, bool]]) -> set[str]:
    """First names the draft shows elsewhere to be a colleague's ('our friend and colleague,
    Steve Marsh'), so that 'when my dad died, Steve was the first to hug me' stays his."""
    found = set()
    for start, end, honorific in candidates:
        s_start, s_end = sentence_span(doc, start, end)
        own = text[s_start:s_end]
        if not honorific and _names_staff(own) and not any(_owned(n).search(own) for n in CONDITIONS):
            found.add(_first_word(text, start, end))
    spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    spans += [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in _given_names(doc)]
    for start, end in spans:  # 'our colleague Desmond': no candidate, the staff word ruled him out
        if COLLEAGUE_BEFORE.search(text, max(0, start - 30), start):
            found.add(_first_word(text, start, end))
    found.discard("")
    return found


COLLEAGUE_BEFORE = re.compile(
    r"\b(?:colleague|colleagues|consultant|HCA|physio|porter|midwife|registrar|manager|Dr|Doctor|Nurse|Sister|Matron|"
    r"supervisor|mentor|preceptor|preceptee|tech|technician|pharmacist|educator|buddy|deputy|lead)\.?,?\s*$",
    re.IGNORECASE,
)


def detect_patient_name(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A name in a care context. On an official account whose draft records the person's
    consent ('Jo asked us to share her story') the name is reported for information only: a
    consented patient story is the comms team's job."""
    text = text_of(doc)
    consented = "info" if is_official(doc) and consent_recorded(doc) else None
    hits = []
    listed = listed_names(doc)
    candidates = person_candidates(doc) + [(s, e, False) for s, e in listed]
    colleagues = _colleagues(doc, text, candidates)
    for start, end, honorific in candidates:
        before = ADJECTIVE_PATIENT.sub("calm", text[max(0, start - 40) : start])[-25:]
        s_start, s_end = sentence_span(doc, start, end)
        if quoted_example(text, s_start, start):
            continue
        sentence = ADJECTIVE_PATIENT.sub("calm", text[s_start:s_end])
        own = sentence
        if honorific and s_start > 0:  # 'Mr Evans, you deserve a medal' after a sentence about his care
            sentence = text[sentence_span(doc, max(0, s_start - 2), s_start - 1)[0] : s_end]
        full_name = " " in text[start:end].strip()
        if s_end < len(text) and (full_name or FOLLOW_ON.match(text, s_end)):  # '...is X still in? She got admitted Tuesday'
            sentence += ADJECTIVE_PATIENT.sub("calm", text[s_end : sentence_span(doc, s_end + 1, s_end + 2)[1]])
        after = text[end : end + 30]
        owned_condition = any(_owned(name).search(sentence) is not None for name in CONDITIONS)
        strong = has_term(sentence, "care-strong") or owned_condition
        weak = has_term(sentence, "care-weak")
        staff = _names_staff(own) and not owned_condition
        staff = staff or (not honorific and _first_word(text, start, end) in colleagues)
        weakly_named = (start, end) in listed  # staff are 'Jade on AMU' and 'Kayleigh from the stroke unit' as often as patients
        age = AGE_BESIDE.match(text, end) or AGE_BEFORE.search(before) or AGE_FOLLOWS.match(text, s_end)
        # 'Tyler, 14,', 'baby Ellie-Mae': a child, whom no welcome or congratulations makes a colleague
        child = CHILD_BEFORE.search(before) is not None or (age is not None and int(age.group("age")) < 18)
        introduced = age is not None or INTRODUCED.search(before) is not None
        tied = (
            PATIENT_TIED.search(before) is not None
            or (re.match(r"\s+(?:in|on|from)\s+" + UNIT, after) is not None and not weakly_named)
            or (AGE_APPOSITION.match(after) is not None and (weak or strong) and (child or not staff))
            or (CARE_PLACE_AFTER.match(text, end) is not None and not staff and not weakly_named and not SELF_INTRO.search(before))  # 'Gary from the day centre', not 'from our ward' or "it's Rachel from the hospice"
            or (HOME_AFTER.match(text, end) is not None and not staff and describes_care(doc))
            or (introduced and (not staff or child) and _cared_for_near(doc, text, s_start, s_end, child))
            or WRITERS_PATIENT.search(sentence) is not None  # 'her nurse' is the writer, not a cue that she is staff
        )
        if tied or (strong and not staff and (not weakly_named or _owned("care-strong").search(sentence) is not None)):
            why = "name " + ("with an honorific " if honorific else "") + "in a care context"
            hits.append(hit(rule, start, end, 0.9 if honorific or tied else 0.8, why, cap=consented))
        elif honorific and weak and not staff:
            hits.append(hit(rule, start, end, 0.6, "name with an honorific near care words", cap="review"))
    return hits


LOCATION = re.compile(
    r"\b(?:beds?|bay|side[ -]?room|SR|cubicle|cube|ward|resus|room|chair|cot|trolley)\s*(?:no\.?\s*)?\d{1,3}[a-z]?\b",
    re.IGNORECASE,
)
VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")
PERSON_REF = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their)\b", re.IGNORECASE)


FUNDRAISING = re.compile(r"£\s?\d|\b(?:fund|funds|fundraiser|fundraising|appeal|donations?|sponsored)\b", re.IGNORECASE)


def detect_bed_location(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A ward, bed, bay or side room tied to a person in the same sentence."""
    text = text_of(doc)
    people = lexicon_regex("person-nouns")
    names = person_candidates(doc)
    hits = []
    for match in LOCATION.finditer(text):
        start, end = match.span()
        s_start, s_end = sentence_span(doc, start, end)
        if quoted_example(text, s_start, start):
            continue
        sentence = text[s_start:s_end]
        is_ward = match.group(0).lower().startswith("ward")
        near = text[max(s_start, start - 45) : min(s_end, end + 45)]
        noun = people.search(near) is not None
        named = any(s_start <= s and e <= s_end and abs(s - start) < 60 for s, e, _ in names)
        if is_ward and named and not noun and not (has_term(sentence, "care-strong") or _condition(sentence)):
            named = False  # 'the loudest laugh on Ward 6, Sandra': a ward and a name, but nothing of care
        person = noun or named
        pronoun = not is_ward and PERSON_REF.search(sentence) is not None
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and not is_ward and acts_as_subject(span, VERB_TAGS, lexicon_words("inanimate-verbs")):
            pronoun = True
        if has_term(sentence, "staff-cues") and (is_ward or not person):
            continue
        if is_ward and has_term(sentence, "pi-own-family"):
            continue  # 'the staff on Ward 12 were amazing with my grandad': a family's thanks
        if is_ward and FUNDRAISING.search(sentence):
            continue  # 'we raised £643 for the Ward 9 patient comfort fund': a ward as a cause
        if person or pronoun:
            hits.append(hit(rule, start, end, 0.85 if person else 0.7, "location tied to a person"))
    return hits


AGE = re.compile(
    r"\b(?:(?P<a>\d{1,3})\s*(?:-|\s)?\s*(?:yo|y\.o\.?|y/o|yrs?\s*old|years?[- ]old|year[- ]old|"
    r"(?=\s*(?:year[- ]old|yr)))|aged\s+(?P<b>\d{1,3})|(?P<c>\d{1,2})\s?(?:M|F)(?=\W)"
    r"|(?<=[A-Za-z])\s*,\s*(?P<d>\d{1,3})\s*,\s*(?=[a-z])"  # 'the lad from the crash last night, 19, open tib/fib'
    r"|(?<![\w'’])(?:[Ss]he|[Hh]e)\s+(?:was|is)\s+(?P<e>\d{1,3})(?=\s*[,.;:]\s))",  # 'She was 34, a reception teacher'
)


OWN_DIAGNOSIS = re.compile(
    r"\bI\s*(?:was|got|had\s+been|'d\s+been|’d\s+been|have\s+been|'ve\s+been|’ve\s+been|am|'m|’m)\s+(?:\w+\s+){0,2}?diagnosed\b"
    r"|\bmy\s+(?:own\s+)?(?:\w+\s+)?diagnosis\b",
    re.IGNORECASE,
)


def detect_age_condition(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    text = text_of(doc)
    hits = []
    for match in AGE.finditer(text):
        start, end = match.span()
        s_start, s_end = sentence_span(doc, start, end)
        around = text[max(0, s_start - 120) : s_end + 120]
        if not _condition(around):
            continue
        sentence = text[s_start:s_end]
        if OWN_DIAGNOSIS.search(sentence) and not PERSON_REF.search(sentence) and not has_term(sentence, "person-nouns"):
            continue  # 'since I was diagnosed with type 1, aged 29': the writer's own story
        if has_term(around, "time-place"):
            hits.append(hit(rule, start, end, 0.85, "exact age with a condition and a time or place"))
    return hits
