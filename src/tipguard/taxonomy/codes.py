"""Indicator codes: the one vocabulary every detector, scorer, report and store speaks.

Codes are fixed here once and never reused for a different meaning: stored findings,
exported indicators and evaluation reports refer to them by string. A code is
``FAMILY_NAME`` in upper snake case; its family prefix is also its family.

Each indicator maps to the elements of the Palermo Protocol's definition (Article 3:
act, means, purpose) and to the AI capability of the OSCE/RSO policy brief that makes
it cheaper or harder to see. The lists of control methods follow the IOM Human
Trafficking Case Data Standard and ILO's forced-labour indicators (see DOMAIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Indicator families (DESIGN.md)."""

    RECRUITMENT = "recruitment"
    OFF_PLATFORM = "off_platform"
    CONTROL = "control"
    ADVERT = "advert"
    AI = "ai"
    GUARD = "guard"


class Act(StrEnum):
    """Palermo Protocol, Article 3: the act."""

    RECRUITMENT = "recruitment"
    TRANSPORTATION = "transportation"
    TRANSFER = "transfer"
    HARBOURING = "harbouring"
    RECEIPT = "receipt"


class Means(StrEnum):
    """Palermo Protocol, Article 3: the means."""

    THREAT = "threat_or_force"
    COERCION = "coercion"
    ABDUCTION = "abduction"
    FRAUD = "fraud"
    DECEPTION = "deception"
    ABUSE_OF_VULNERABILITY = "abuse_of_power_or_vulnerability"
    PAYMENTS_TO_CONTROLLER = "payments_to_controller"


class Purpose(StrEnum):
    """Palermo Protocol, Article 3: the purpose (forms of exploitation)."""

    SEXUAL_EXPLOITATION = "sexual_exploitation"
    FORCED_LABOUR = "forced_labour"
    SLAVERY_SERVITUDE = "slavery_or_servitude"
    ORGAN_REMOVAL = "organ_removal"
    FORCED_CRIMINALITY = "forced_criminality"


class AICapability(StrEnum):
    """The AI capability of the policy brief that makes an indicator cheaper or harder to see."""

    TRANSLATION = "translation"
    GENERATED_CONTENT = "generated_content"
    SYNTHETIC_MEDIA = "synthetic_media"
    AUTOMATION = "automation"


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """What one indicator means and where it sits in the legal and AI frames."""

    code: str
    family: Family
    description: str
    acts: tuple[Act, ...] = ()
    means: tuple[Means, ...] = ()
    purposes: tuple[Purpose, ...] = ()
    ai_capabilities: tuple[AICapability, ...] = ()
    htcds: str = ""
    """The closest HTCDS 2.0 picklist value, where the standard has one."""


A, M, P, C = Act, Means, Purpose, AICapability
_GEN, _TR, _SYN, _AUTO = C.GENERATED_CONTENT, C.TRANSLATION, C.SYNTHETIC_MEDIA, C.AUTOMATION

_INDICATORS: tuple[IndicatorInfo, ...] = (
    # recruitment lures
    IndicatorInfo(
        "REC_LURE",
        Family.RECRUITMENT,
        "Reads as a deceptive recruitment lure as a whole (learned model, no single phrase)",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN, _TR),
        "false promises",
    ),
    IndicatorInfo(
        "REC_GROOMING_ARC",
        Family.RECRUITMENT,
        "A conversation follows the arc of grooming or recruitment (trust, offer, secrecy, "
        "off-platform, documents or photos, debt, threats)",
        (A.RECRUITMENT,),
        (M.DECEPTION, M.ABUSE_OF_VULNERABILITY),
        (),
        (_GEN, _AUTO),
        "psychological abuse",
    ),
    IndicatorInfo(
        "REC_HIGH_PAY",
        Family.RECRUITMENT,
        "Pay or benefits too good to be true for the work offered",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (P.FORCED_LABOUR,),
        (_GEN, _TR),
        "false promises",
    ),
    IndicatorInfo(
        "REC_NO_EXPERIENCE",
        Family.RECRUITMENT,
        "No experience, skills or qualifications needed for a well-paid job",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (P.FORCED_LABOUR,),
        (_GEN,),
        "false promises",
    ),
    IndicatorInfo(
        "REC_VAGUE_EMPLOYER",
        Family.RECRUITMENT,
        "Employer, workplace or job duties kept vague or undisclosed",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN,),
        "false promises",
    ),
    IndicatorInfo(
        "REC_FEE",
        Family.RECRUITMENT,
        "Recruitment fee, deposit or payment demanded from the worker",
        (A.RECRUITMENT,),
        (M.FRAUD, M.ABUSE_OF_VULNERABILITY),
        (P.FORCED_LABOUR,),
        (_GEN,),
        "debt bondage",
    ),
    IndicatorInfo(
        "REC_TRAVEL_PAID",
        Family.RECRUITMENT,
        "Travel, visa or housing paid by the recruiter, often deducted later",
        (A.RECRUITMENT, A.TRANSPORTATION),
        (M.DECEPTION, M.ABUSE_OF_VULNERABILITY),
        (P.FORCED_LABOUR,),
        (_GEN,),
        "debt bondage",
    ),
    IndicatorInfo(
        "REC_URGENCY",
        Family.RECRUITMENT,
        "Pressure to decide or leave immediately",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN, _AUTO),
    ),
    IndicatorInfo(
        "REC_SECRECY",
        Family.RECRUITMENT,
        "Asks to keep the offer or the contact secret",
        (A.RECRUITMENT,),
        (M.DECEPTION, M.ABUSE_OF_VULNERABILITY),
        (),
        (_GEN,),
        "psychological abuse",
    ),
    IndicatorInfo(
        "REC_DOCUMENT_REQUEST",
        Family.RECRUITMENT,
        "Asks for passport or identity document copies early or off-process",
        (A.RECRUITMENT,),
        (M.FRAUD,),
        (),
        (_SYN, _AUTO),
    ),
    IndicatorInfo(
        "REC_BODY_PHOTO",
        Family.RECRUITMENT,
        "Asks for full-body, swimsuit, underwear or intimate photos",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (P.SEXUAL_EXPLOITATION,),
        (_SYN,),
    ),
    IndicatorInfo(
        "REC_MODELING_HOSTESS",
        Family.RECRUITMENT,
        "Modelling, hostess, dancer, massage, companion or au-pair lure",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (P.SEXUAL_EXPLOITATION,),
        (_GEN, _SYN),
        "false promises",
    ),
    IndicatorInfo(
        "REC_ROMANCE",
        Family.RECRUITMENT,
        "Romance or marriage offer that turns into an invitation to travel or work",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (P.SEXUAL_EXPLOITATION, P.FORCED_LABOUR),
        (_TR, _GEN, _SYN),
        "false promises",
    ),
    IndicatorInfo(
        "REC_SCAM_COMPOUND",
        Family.RECRUITMENT,
        "Typing, customer-service, online-marketing or crypto job abroad (cyber-scam compound lure)",
        (A.RECRUITMENT, A.TRANSPORTATION),
        (M.DECEPTION,),
        (P.FORCED_CRIMINALITY,),
        (_GEN, _TR, _AUTO),
        "false promises",
    ),
    # off-platform migration
    IndicatorInfo(
        "OFF_PLATFORM_MOVE",
        Family.OFF_PLATFORM,
        "Pushes the conversation to another, often encrypted, app or channel",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_AUTO,),
    ),
    IndicatorInfo(
        "OFF_CONTACT",
        Family.OFF_PLATFORM,
        "Shares a phone number, messenger handle, link or e-mail address",
        (A.RECRUITMENT,),
        (),
        (),
        (_AUTO,),
    ),
    # control and coercion
    IndicatorInfo(
        "CTL_COERCION",
        Family.CONTROL,
        "Reads as coercion or control of a person as a whole (learned model, no single phrase)",
        (A.HARBOURING,),
        (M.COERCION,),
        (),
        (_TR,),
        "psychological abuse",
    ),
    IndicatorInfo(
        "CTL_THREAT_PERSON",
        Family.CONTROL,
        "Threat of violence or harm against the person",
        (A.HARBOURING,),
        (M.THREAT, M.COERCION),
        (),
        (_TR,),
        "physical threats",
    ),
    IndicatorInfo(
        "CTL_THREAT_FAMILY",
        Family.CONTROL,
        "Threat against the person's children or family",
        (A.HARBOURING,),
        (M.THREAT, M.COERCION),
        (),
        (_TR,),
        "threatens children or family",
    ),
    IndicatorInfo(
        "CTL_SEXTORTION",
        Family.CONTROL,
        "Threat to share intimate images (real or generated) unless demands are met",
        (A.HARBOURING,),
        (M.COERCION, M.THREAT),
        (P.SEXUAL_EXPLOITATION,),
        (_SYN, _TR),
        "psychological abuse",
    ),
    IndicatorInfo(
        "CTL_DEBT_BONDAGE",
        Family.CONTROL,
        "A debt the person must work off (travel, fees, fines, food, housing)",
        (A.HARBOURING,),
        (M.COERCION, M.ABUSE_OF_VULNERABILITY),
        (P.FORCED_LABOUR, P.SLAVERY_SERVITUDE),
        (),
        "debt bondage",
    ),
    IndicatorInfo(
        "CTL_DOCUMENT_CONFISCATION",
        Family.CONTROL,
        "Passport or identity documents kept by the employer or recruiter",
        (A.HARBOURING,),
        (M.COERCION,),
        (P.FORCED_LABOUR, P.SLAVERY_SERVITUDE),
        (),
        "withholds documents",
    ),
    IndicatorInfo(
        "CTL_ISOLATION",
        Family.CONTROL,
        "Isolation: no phone, no going out, do not tell family or friends",
        (A.HARBOURING,),
        (M.COERCION, M.ABUSE_OF_VULNERABILITY),
        (),
        (),
        "psychological abuse",
    ),
    IndicatorInfo(
        "CTL_THREAT_AUTHORITIES",
        Family.CONTROL,
        "Threat of police, arrest, prison or deportation",
        (A.HARBOURING,),
        (M.THREAT, M.COERCION, M.ABUSE_OF_VULNERABILITY),
        (),
        (),
        "threats of law enforcement",
    ),
    IndicatorInfo(
        "CTL_WAGE_WITHHOLDING",
        Family.CONTROL,
        "Wages held back, paid later or taken by the employer",
        (A.HARBOURING,),
        (M.COERCION,),
        (P.FORCED_LABOUR,),
        (),
        "takes earnings",
    ),
    IndicatorInfo(
        "CTL_QUOTA_PUNISHMENT",
        Family.CONTROL,
        "Quotas, fines or punishment tied to work targets; excessive hours",
        (A.HARBOURING,),
        (M.COERCION, M.THREAT),
        (P.FORCED_LABOUR, P.FORCED_CRIMINALITY),
        (),
        "excessive working hours",
    ),
    IndicatorInfo(
        "CTL_SHAMING",
        Family.CONTROL,
        "Threat to shame or expose the person to family or community",
        (A.HARBOURING,),
        (M.COERCION,),
        (),
        (_SYN,),
        "psychological abuse",
    ),
    # exploitation adverts
    IndicatorInfo(
        "ADV_EXPLOITATION",
        Family.ADVERT,
        "Reads as an exploitation advert as a whole (learned model, no single phrase)",
        (A.HARBOURING,),
        (),
        (P.SEXUAL_EXPLOITATION,),
        (_GEN,),
    ),
    IndicatorInfo(
        "ADV_SEXUAL_SERVICE",
        Family.ADVERT,
        "Advert offering sexual services (incall/outcall, 'full service')",
        (A.HARBOURING, A.RECEIPT),
        (),
        (P.SEXUAL_EXPLOITATION,),
        (_GEN, _SYN),
    ),
    IndicatorInfo(
        "ADV_AGE_HINT",
        Family.ADVERT,
        "Hints that the person advertised is young or a minor",
        (A.HARBOURING,),
        (M.ABUSE_OF_VULNERABILITY,),
        (P.SEXUAL_EXPLOITATION,),
        (_GEN, _SYN),
    ),
    IndicatorInfo(
        "ADV_THIRD_PARTY",
        Family.ADVERT,
        "A third party controls bookings, money or the person advertised",
        (A.HARBOURING,),
        (M.PAYMENTS_TO_CONTROLLER,),
        (P.SEXUAL_EXPLOITATION,),
        (),
    ),
    IndicatorInfo(
        "ADV_MULTI_WORKER",
        Family.ADVERT,
        "Many workers offered behind one contact",
        (A.HARBOURING,),
        (M.PAYMENTS_TO_CONTROLLER,),
        (P.SEXUAL_EXPLOITATION,),
        (_AUTO,),
    ),
    IndicatorInfo(
        "ADV_MOVEMENT",
        Family.ADVERT,
        "Movement between towns: 'just arrived', 'new in town', 'few days only'",
        (A.TRANSPORTATION,),
        (),
        (P.SEXUAL_EXPLOITATION,),
        (),
    ),
    # AI and automation (emitted by corpus-level and model detectors of later releases)
    IndicatorInfo(
        "AI_GENERATED_TEXT",
        Family.AI,
        "Text likely written by a language model",
        (),
        (M.DECEPTION,),
        (),
        (_GEN,),
    ),
    IndicatorInfo(
        "AI_MACHINE_TRANSLATION", Family.AI, "Text likely machine-translated", (), (M.DECEPTION,), (), (_TR,)
    ),
    IndicatorInfo(
        "AI_TEMPLATE_REUSE",
        Family.AI,
        "One template posted by many accounts",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN, _AUTO),
    ),
    IndicatorInfo(
        "AI_INHUMAN_CADENCE",
        Family.AI,
        "Account activity with a machine-like rhythm",
        (A.RECRUITMENT,),
        (),
        (),
        (_AUTO,),
    ),
    IndicatorInfo(
        "AI_SYNTHETIC_MEDIA",
        Family.AI,
        "Image, voice or document generated or altered by AI",
        (),
        (M.DECEPTION,),
        (),
        (_SYN,),
    ),
    IndicatorInfo(
        "AI_KNOWN_IMAGE",
        Family.AI,
        "Image matching a known abusive or persona image hash",
        (),
        (),
        (),
        (_SYN,),
    ),
    # guard categories (requests to a language model)
    IndicatorInfo(
        "GRD_THREAT_TRANSLATION",
        Family.GUARD,
        "Asks a model to write, translate or adapt threats, coercion or sextortion",
        (),
        (M.THREAT, M.COERCION),
        (),
        (_TR, _GEN),
    ),
    IndicatorInfo(
        "GRD_DECEPTIVE_OFFER",
        Family.GUARD,
        "Asks a model to write a deceptive job, travel or study offer",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN,),
    ),
    IndicatorInfo(
        "GRD_PERSONA_SCRIPT",
        Family.GUARD,
        "Asks a model for a recruiter or romance persona or a grooming script",
        (A.RECRUITMENT,),
        (M.DECEPTION,),
        (),
        (_GEN, _TR),
    ),
    IndicatorInfo(
        "GRD_EXPLOITATION_ADVERT",
        Family.GUARD,
        "Asks a model to write an exploitation advert or evade ad moderation",
        (A.HARBOURING,),
        (),
        (P.SEXUAL_EXPLOITATION,),
        (_GEN,),
    ),
    IndicatorInfo(
        "GRD_DOCUMENT_FORGERY",
        Family.GUARD,
        "Asks a model to forge documents, identities or proof of age",
        (A.TRANSPORTATION,),
        (M.FRAUD,),
        (),
        (_SYN,),
    ),
    IndicatorInfo(
        "GRD_OUTREACH_AUTOMATION",
        Family.GUARD,
        "Asks a model to automate victim discovery or bulk outreach",
        (A.RECRUITMENT,),
        (),
        (),
        (_AUTO,),
    ),
    IndicatorInfo(
        "GRD_PROCEEDS",
        Family.GUARD,
        "Asks a model how to move or hide the proceeds",
        (),
        (M.PAYMENTS_TO_CONTROLLER,),
        (),
        (_GEN,),
    ),
    IndicatorInfo(
        "GRD_DETECTION_EVASION",
        Family.GUARD,
        "Asks a model how to evade detection by platforms or police",
        (),
        (),
        (),
        (_GEN, _AUTO),
    ),
)

INDICATORS: dict[str, IndicatorInfo] = {info.code: info for info in _INDICATORS}

WHOLE_TEXT_CODES: tuple[str, ...] = ("REC_LURE", "CTL_COERCION", "ADV_EXPLOITATION", "REC_GROOMING_ARC")
"""Judgements of a whole text or conversation by a learned model; no phrase lexicon emits them."""

_PREFIX_FAMILY = {
    "REC": Family.RECRUITMENT,
    "OFF": Family.OFF_PLATFORM,
    "CTL": Family.CONTROL,
    "ADV": Family.ADVERT,
    "AI": Family.AI,
    "GRD": Family.GUARD,
}


def _check_consistency() -> None:
    """Fail at import if a code's prefix disagrees with its family (cheap, runs once)."""
    for info in _INDICATORS:
        prefix = info.code.split("_", 1)[0]
        if _PREFIX_FAMILY.get(prefix) is not info.family:
            raise RuntimeError(f"indicator {info.code} has prefix {prefix} but family {info.family}")
    if len(INDICATORS) != len(_INDICATORS):
        raise RuntimeError("duplicate indicator code in taxonomy")


_check_consistency()


def indicator(code: str) -> IndicatorInfo:
    """Look up an indicator; unknown codes raise a ``KeyError`` that lists the known ones."""
    try:
        return INDICATORS[code]
    except KeyError:
        raise KeyError(f"unknown indicator code {code!r}; known: {', '.join(INDICATORS)}") from None


def family_of(code: str) -> Family:
    """The family of an indicator code."""
    return indicator(code).family


def codes_in(family: Family) -> tuple[str, ...]:
    """All indicator codes of one family, in taxonomy order."""
    return tuple(info.code for info in _INDICATORS if info.family is family)
