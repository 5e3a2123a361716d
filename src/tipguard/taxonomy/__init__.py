"""The taxonomy of indicators (see ``codes``)."""

from tipguard.taxonomy.codes import (
    INDICATORS,
    Act,
    AICapability,
    Family,
    IndicatorInfo,
    Means,
    Purpose,
    codes_in,
    family_of,
    indicator,
)

__all__ = [
    "INDICATORS",
    "AICapability",
    "Act",
    "Family",
    "IndicatorInfo",
    "Means",
    "Purpose",
    "codes_in",
    "family_of",
    "indicator",
]
