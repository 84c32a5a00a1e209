"""Rights statements: the archive's own (archive.yaml) plus the standard vocabularies built in.

A record's ``rights`` is a key of ``archive.yaml``'s ``rights``, a rightsstatements.org code
(``InC-EDU``, ``NoC-US``…) or a Creative Commons id (``CC-BY-4.0``, ``CC0-1.0``, ``PDM``…).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    """Whom to ask about a rights statement (archive.yaml ``rights.<key>.contact``)."""

    text: str
    """What to ask and whom ("To request permission for commercial use, contact …")."""
    email: str = ""
    url: str = ""
    """An http(s) page (a contact form), where there is one."""


@dataclass(frozen=True)
class Rights:
    """A rights statement as readers see it."""

    key: str
    """The id records use (``hppp-reuse``, ``NoC-US``, ``CC-BY-4.0``)."""
    label: str
    """Short name shown as the link text."""
    uri: str
    """Canonical URI of the statement or licence (may be empty for a local statement)."""
    text: str
    """Full text shown on the record page."""
    contact: Contact | None = None
    """Whom to contact about rights, shown under the text (archive.yaml statements only)."""


_RS = "http://rightsstatements.org/vocab/{}/1.0/"
RIGHTSSTATEMENTS: dict[str, tuple[str, str]] = {
    "InC": ("In Copyright", "This Item is protected by copyright and/or related rights. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use. For other uses you need to obtain permission from the rights-holder(s)."),
    "InC-OW-EU": ("In Copyright - EU Orphan Work", "This Item has been identified as an orphan work in the country of first publication and in line with Directive 2012/28/EU of the European Parliament and of the Council of 25 October 2012 on certain permitted uses of orphan works. For this Item, either (a) no rights-holder(s) have been identified or (b) one or more rights-holder(s) have been identified but none have been located even though a diligent search for the rights-holder(s) has been conducted."),
    "InC-EDU": ("In Copyright - Educational Use Permitted", "This Item is protected by copyright and/or related rights. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use. In addition, no permission is required from the rights-holder(s) for educational uses. For other uses, you need to obtain permission from the rights-holder(s)."),
    "InC-NC": ("In Copyright - Non-Commercial Use Permitted", "This Item is protected by copyright and/or related rights. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use. In addition, no permission is required from the rights-holder(s) for non-commercial uses. For other uses you need to obtain permission from the rights-holder(s)."),
    "InC-RUU": ("In Copyright - Rights-holder(s) Unlocatable or Unidentifiable", "This Item is protected by copyright and/or related rights. However, for this Item, either (a) no rights-holder(s) have been identified or (b) one or more rights-holder(s) have been identified but none have been located even though a reasonable inquiry has been conducted. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use."),
    "NoC-CR": ("No Copyright - Contractual Restrictions", "Use of this Item is not restricted by copyright and/or related rights. As part of the acquisition or digitization of this Item, the organization that has made the Item available is contractually required to limit the use of this Item. Limitations may include, but are not limited to, privacy issues, cultural protections, digitization agreements or donor agreements."),
    "NoC-NC": ("No Copyright - Non-Commercial Use Only", "This Work has been digitized in a public-private partnership. As part of this partnership, the partners have agreed to limit commercial uses of this digital representation of the Work by third parties."),
    "NoC-OKLR": ("No Copyright - Other Known Legal Restrictions", "Use of this Item is not restricted by copyright and/or related rights. In one or more jurisdictions, laws other than copyright are known to impose restrictions on the use of this Item."),
    "NoC-US": ("No Copyright - United States", "The organization that has made the Item available believes that the Item is in the Public Domain under the laws of the United States, but a determination was not made as to its copyright status under the copyright laws of other countries. The Item may not be in the Public Domain under the laws of other countries."),
    "CNE": ("Copyright Not Evaluated", "The copyright and related rights status of this Item has not been evaluated. Please refer to the organization that has made the Item available for more information. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use."),
    "UND": ("Copyright Undetermined", "The copyright and related rights status of this Item has been reviewed by the organization that has made the Item available, but the organization was unable to make a conclusive determination as to the copyright status of the Item. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use."),
    "NKC": ("No Known Copyright", "The organization that has made the Item available reasonably believes that the Item is not restricted by copyright or related rights, but a conclusive determination could not be made. You are free to use this Item in any way that is permitted by the copyright and related rights legislation that applies to your use."),
}

_CC_NAMES = {
    "BY": "Attribution", "BY-SA": "Attribution-ShareAlike", "BY-ND": "Attribution-NoDerivatives",
    "BY-NC": "Attribution-NonCommercial", "BY-NC-SA": "Attribution-NonCommercial-ShareAlike",
    "BY-NC-ND": "Attribution-NonCommercial-NoDerivatives",
}


def _creative_commons() -> dict[str, Rights]:
    out: dict[str, Rights] = {}
    for version in ("4.0", "3.0"):
        for code, name in _CC_NAMES.items():
            key = f"CC-{code}-{version}"
            noderiv = "NoDerivatives" if version == "4.0" else "NoDerivs"
            label = f"Creative Commons {name.replace('NoDerivatives', noderiv)} {version} International" \
                if version == "4.0" else f"Creative Commons {name.replace('NoDerivatives', noderiv)} {version} Unported"
            uri = f"https://creativecommons.org/licenses/{code.lower()}/{version}/"
            out[key] = Rights(key, label, uri,
                              f"This work is licensed under the {label} licence ({key}). See {uri} "
                              "for what it permits and the attribution it requires.")
    out["CC0-1.0"] = Rights("CC0-1.0", "CC0 1.0 Universal (Public Domain Dedication)",
                            "https://creativecommons.org/publicdomain/zero/1.0/",
                            "The person who associated a work with this deed has dedicated the work to the "
                            "public domain by waiving all of their rights to the work worldwide under copyright "
                            "law, including all related and neighboring rights, to the extent allowed by law.")
    out["PDM"] = Rights("PDM", "Public Domain Mark 1.0",
                        "https://creativecommons.org/publicdomain/mark/1.0/",
                        "This work has been identified as being free of known restrictions under copyright "
                        "law, including all related and neighboring rights.")
    return out


BUILTIN: dict[str, Rights] = {
    **{k: Rights(k, label, _RS.format(k), text) for k, (label, text) in RIGHTSSTATEMENTS.items()},
    **_creative_commons(),
}


def lookup(key: str, archive_rights: Mapping[str, Rights]) -> Rights | None:
    """The archive's own statements win over built-in ones of the same key; built-ins match any case."""
    if key in archive_rights:
        return archive_rights[key]
    if key in BUILTIN:
        return BUILTIN[key]
    folded = {k.casefold(): v for k, v in BUILTIN.items()}
    return folded.get(key.casefold())


def known_keys(archive_rights: Mapping[str, Rights]) -> list[str]:
    return sorted(set(archive_rights) | set(BUILTIN))
