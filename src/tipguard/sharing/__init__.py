"""Indicator sharing: what partners can learn from each other without sharing victims' data.

NGOs, hotlines and platforms each see a few of a trafficking network's contact points and advert
templates; together they see the network. This package lets them exchange *indicators* of those
contact points, as STIX 2.1 bundles, and match their own texts against what partners shared,
while no message, name, image or raw number ever leaves an organisation.

What is shared
    * contact points (phone numbers in E.164, messenger handles as ``platform:name``, web links
      as ``host/path``, e-mails), found by the same code as the ``off_platform`` detector and
      shared only as **keyed hashes**: HMAC-SHA256 under a key derived from the group secret;
    * advert **templates**, as keyed MinHash signatures of the normalized wording (contacts,
      links and digits removed), which match near-duplicates by estimated Jaccard similarity
      at or above a threshold (0.5 by default) and do not contain the text;
    * per indicator: its kind, the producer's Identity (an organisation), a TLP marking,
      confidence and validity. Nothing about the items the contact points came from.

Trust model
    Matching a partner's hashes requires hashing with the same key, so the secret is a
    **sharing-group key** that the partners agree on and distribute out of band; each member
    configures it (``TIPGUARD_SHARING_SECRET`` by default, at least 16 bytes). It is never
    written to a bundle, an index file or a log; bundles carry only its public ``key_id`` so a
    receiver can tell which key made them. Consequences, to be told to every partner:

    * anyone holding the key can test a guessed phone number or handle against a bundle (that
      is what matching is), so the key must be as well guarded as the data it protects, and
      bundles marked TLP:AMBER or RED stay inside the group; outsiders without the key learn
      only how many indicators of each kind a bundle has;
    * phone numbers are enumerable: a leaked key makes every bundle hashed with it reversible.
      Rotate the key when a member leaves, and re-export;
    * a MinHash signature reveals nothing readable, but, with the key, whether a guessed text is
      similar to a shared template;
    * a contact point in a message is not always the trafficker's: export from reviewed cases
      or flagged adverts, not from victims' own messages.

Library API::

    from tipguard.sharing import BundleBuilder, IndicatorIndex, SharingKey

    key = SharingKey.from_env()                        # TIPGUARD_SHARING_SECRET
    builder = BundleBuilder(key, organisation="NGO A", tlp="amber")
    builder.add_text(advert_text, template=True)
    bundle_json = builder.to_json()                    # send to partners

    index = IndicatorIndex(key)                        # a partner, with the same group key
    index.add_bundle(bundle_json)                      # BundleError when malformed
    for m in index.match(text):                        # IndicatorMatch: id, kind, span, partner, TLP
        print(m.indicator_id, m.kind, m.span, m.partner_name, m.tlp, m.similarity)

This package imports ``stix2`` only when a bundle is written or read (``pip install
'tipguard[sharing]'``); extraction, hashing and fingerprints need nothing beyond the core.
"""

from tipguard.sharing.fingerprint import DEFAULT_THRESHOLD, TemplateFingerprint, fingerprint, template_text
from tipguard.sharing.index import ImportSummary, IndicatorIndex, IndicatorMatch
from tipguard.sharing.keys import DEFAULT_SECRET_ENV, SharingKey
from tipguard.sharing.observables import (
    Observable,
    ObservableKind,
    contacts_from_findings,
    extract_contacts,
)
from tipguard.sharing.stix import BundleBuilder, PartnerBundle, SharedIndicator, parse_bundle, tlp_level

__all__ = [
    "DEFAULT_SECRET_ENV",
    "DEFAULT_THRESHOLD",
    "BundleBuilder",
    "ImportSummary",
    "IndicatorIndex",
    "IndicatorMatch",
    "Observable",
    "ObservableKind",
    "PartnerBundle",
    "SharedIndicator",
    "SharingKey",
    "TemplateFingerprint",
    "contacts_from_findings",
    "extract_contacts",
    "fingerprint",
    "parse_bundle",
    "template_text",
    "tlp_level",
]
