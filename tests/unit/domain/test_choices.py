"""The fixed lists: business types, default languages, roles and countries."""

from cloudlink_app.domain import choices, forms
from cloudlink_app.domain.i18n import t


def test_business_types_end_with_other():
    assert 15 <= len(choices.BUSINESS_TYPES) <= 20
    assert choices.BUSINESS_TYPES[0] == ("agriculture", "Agriculture")
    assert choices.BUSINESS_TYPES[-1] == ("other", "Other")
    keys = [key for key, _ in choices.BUSINESS_TYPES]
    assert len(set(keys)) == len(keys)


def test_business_type_labels_come_from_the_catalog():
    assert choices.business_type_options("en") == list(choices.BUSINESS_TYPES)
    dutch = dict(choices.business_type_options("nl"))
    # Every type in Dutch, never a bare key; "Other" last in either language.
    assert set(dutch) == {code for code, _ in choices.BUSINESS_TYPES}
    assert dutch["retail"] == t("business_type.retail", "nl") != t("business_type.retail")
    assert not any(label.startswith("business_type.") for label in dutch.values())
    assert choices.business_type_options("nl")[-1][0] == "other"


def test_default_languages():
    codes = [code for code, _ in choices.DEFAULT_LANGUAGES]
    assert codes[:2] == ["en", "nl"]
    assert len(set(codes)) == len(codes)
    assert ("nl", "Dutch") in choices.DEFAULT_LANGUAGES
    assert ("da", "Danish") in choices.DEFAULT_LANGUAGES
    assert choices.language_options("en") == list(choices.DEFAULT_LANGUAGES)


def test_role_labels():
    assert choices.role_options("en") == [
        (forms.ROLE_MAINTAINER, "Maintainer"),
        (forms.ROLE_ONSITE_ADMIN, "Onsite Admin"),
        (forms.ROLE_OTHER, "Other"),
    ]


def test_countries_are_every_iso_country_by_name():
    countries = choices.countries()
    assert len(countries) == 249
    assert ("NL", "Netherlands") in countries
    assert ("BE", "Belgium") in countries
    assert ("TW", "Taiwan") in countries  # the common name, not the official one
    assert choices.country_codes() == {code for code, _ in countries}


def test_countries_sort_accents_with_their_letter():
    names = [name for _, name in choices.countries()]
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert names.index("Côte d'Ivoire") < names.index("Croatia")


def test_countries_returns_a_copy():
    choices.countries().clear()
    assert len(choices.countries()) == 249
