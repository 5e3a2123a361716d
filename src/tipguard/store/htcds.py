"""HTCDS picklists and column names: the vocabulary cases are recorded and exported in.

IOM's Human Trafficking Case Data Standard (HTCDS 2.0) lets case data from different
organisations be compared; tipguard records its fields with the standard's value names so an
export can be merged with other HTCDS systems without a mapping step. What HTCDS lacks and the
policy brief asks front-line organisations to record - suspected AI use - is kept in ``aiu_``
fields, and tipguard's own process fields in ``tg_`` fields, so nobody mistakes them for
standard ones.

Persons are never named: HTCDS ``prs_FirstName``/``prs_SecondName`` and contact fields are left
out on purpose, and a person is a pseudonym plus a few non-identifying attributes.
"""

from __future__ import annotations

from tipguard.errors import InvalidRecordError

CASE_STATUS = ("Active", "FollowUp", "Closed", "ClosedReferred")
"""``cas_Status``."""

METHOD_OF_RECRUITMENT = (
    "Abduction",
    "EducationalFacility",
    "Familial",
    "OnlineSocialNetwork",
    "OnlineAdvertisement",
    "InternationalMarriageBroker",
    "IntimatePartnerOrMarriageProposition",
    "JobOfferOrAdvertisement",
    "PosingAsBenefactor",
    "PublicArea",
    "OfferOfAccommodation",
    "Shelter",
    "SmugglingRansom",
    "Work",
    "Other",
    "Unknown",
)
"""``vic_MethodOfRecruitment`` (online social networks and online adverts as separate values)."""

METHODS_OF_CONTROL = (
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "PhysicalThreats",
    "ThreatOfLawEnforcement",
    "ThreatensChildrenOrFamily",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
)
"""``vic_MethodsOfControl``."""

TYPE_OF_EXPLOITATION = (
    "ForcedLabour",
    "SexualExploitation",
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "ForcedMilitaryServiceByNonStateActors",
    "OrganRemoval",
    "ForcedBegging",
    "ForcedAdoption",
    "Surrogacy",
    "ForcedCriminality",
    "Other",
)
"""``vic_TypeOfExploitation``; ``ForcedCriminality`` (scam compounds) is tipguard's addition."""

TYPE_OF_LABOUR_EXPLOITATION = (
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
)
"""``vic_TypeOfLabourExploitation``."""

TYPE_OF_SEX_EXPLOITATION = (
    "Prostitution",
    "Pornography",
    "RemoteInteractiveServices",
    "PrivateSexualServices",
)
"""``vic_TypeOfSexExploitation``; remote interactive services covers webcam and online abuse."""

WEBSITES_AND_APPS = (
    "Facebook",
    "Instagram",
    "WhatsApp",
    "Telegram",
    "FacebookMessenger",
    "Viber",
    "SnapChat",
    "Line",
    "4Sale",
    "WeChat",
    "QQ",
    "QZone",
    "TikTok",
    "Twitter",
    "Other",
)
"""``vic_RecruitmentWebsitesAndApps`` and ``vic_ExploitationWebsitesAndApps``."""

GENDER = ("Male", "Female", "TransgenderNonConforming", "Unknown")
"""``prs_Gender``."""

PERSON_ROLE = ("victim", "perpetrator")
"""Which HTCDS context a pseudonymised person belongs to (``vic_`` or ``per_``)."""

ROLE_IN_PROCESS = (
    "TravellingPartner",
    "Transporter",
    "RecruiterOrIntermediary",
    "BrokerTravelAgent",
    "Smuggler",
    "Abuser",
    "Kidnapper",
    "Exploiter",
    "Other",
)
"""``per_RoleInProcess``."""

AI_CAPABILITY = (
    "Translation",
    "GeneratedAdvert",
    "GeneratedPersona",
    "SyntheticImage",
    "SyntheticVoice",
    "SyntheticDocument",
    "Automation",
    "Other",
)
"""``aiu_Capability``: the policy brief's AI capabilities at the grain a case worker can see."""

AI_CONFIDENCE = ("Low", "Medium", "High")
"""``aiu_Confidence``: how sure the analyst is that AI was used."""

CASE_PICKLISTS: dict[str, tuple[str, ...]] = {
    "method_of_recruitment": METHOD_OF_RECRUITMENT,
    "methods_of_control": METHODS_OF_CONTROL,
    "type_of_exploitation": TYPE_OF_EXPLOITATION,
    "type_of_labour_exploitation": TYPE_OF_LABOUR_EXPLOITATION,
    "type_of_sex_exploitation": TYPE_OF_SEX_EXPLOITATION,
    "recruitment_websites_and_apps": WEBSITES_AND_APPS,
    "exploitation_websites_and_apps": WEBSITES_AND_APPS,
}
"""The multi-select case fields and the values each accepts."""

CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "cas_Id"),
    ("status", "cas_Status"),
    ("opened_at", "cas_OpenedDate"),
    ("method_of_recruitment", "vic_MethodOfRecruitment"),
    ("methods_of_control", "vic_MethodsOfControl"),
    ("type_of_exploitation", "vic_TypeOfExploitation"),
    ("type_of_labour_exploitation", "vic_TypeOfLabourExploitation"),
    ("type_of_sex_exploitation", "vic_TypeOfSexExploitation"),
    ("recruitment_websites_and_apps", "vic_RecruitmentWebsitesAndApps"),
    ("exploitation_websites_and_apps", "vic_ExploitationWebsitesAndApps"),
    ("recruitment_country", "hte_RecruitmentCountry"),
    ("exploitation_country", "hte_ExploitationCountry"),
    ("victims", "vic_Pseudonyms"),
    ("perpetrators", "per_Pseudonyms"),
    ("ai_capabilities", "aiu_Capability"),
    ("ai_confidences", "aiu_Confidence"),
    ("ai_platforms", "aiu_Platform"),
    ("ai_languages", "aiu_Language"),
    ("ai_evidence", "aiu_Evidence"),
    ("title", "tg_Title"),
    ("summary", "tg_Summary"),
    ("review_item_ids", "tg_ReviewItemIds"),
    ("created_by", "tg_CreatedBy"),
    ("updated_at", "tg_UpdatedAt"),
)
"""(attribute, export column) in export order: HTCDS names first, then tipguard's extensions."""


def check_values(field: str, values: list[str] | tuple[str, ...], allowed: tuple[str, ...]) -> list[str]:
    """``values`` de-duplicated in order; raises ``InvalidRecordError`` giving the positions of
    the bad ones (not the values: they are whatever a caller typed)."""
    bad = [i for i, v in enumerate(values) if v not in allowed]
    if bad:
        raise InvalidRecordError(f"{field}: values at positions {bad} are not in the picklist {allowed}")
    return list(dict.fromkeys(values))


def check_value(field: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is in the picklist; raises ``InvalidRecordError`` otherwise."""
    if value not in allowed:
        raise InvalidRecordError(f"{field}: the value is not in the picklist {list(allowed)}")
    return value
