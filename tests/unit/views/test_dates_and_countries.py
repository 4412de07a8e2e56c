"""Dates, times and country names in the UI language (issue 10, part E).

Times are worded with Babel's month names ("27 nov 2026 14:02" in Dutch) while the
English output stays what the pages showed before; countries are named with
pycountry's own translations and sorted in each language's order, their ISO codes
unchanged; the Country select of the address fields carries both lists and shows the
one of the page's current language.
"""

from __future__ import annotations

import datetime
import gettext
import json
import time
import unicodedata

import pycountry
import pytest

from cloudlink_app.components.address_fields import address_fields, country_options
from cloudlink_app.domain import choices
from cloudlink_app.domain.times import format_time
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.session import SessionState

MOMENT = datetime.datetime(2026, 11, 27, 14, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture
def server_zone(monkeypatch):
    """Set the server's local time zone (what format_time converts to) for one test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


# -- dates and times ---------------------------------------------------------------


def test_english_times_are_as_before(server_zone):
    server_zone("UTC")
    assert format_time(MOMENT) == "27 Nov 2026 14:02"
    assert format_time(MOMENT, "en") == "27 Nov 2026 14:02"
    assert format_time(MOMENT, "en", seconds=True) == "27 Nov 2026 14:02:09"
    assert format_time(MOMENT, "en", zone=True) == "27 Nov 2026 14:02 UTC"
    assert format_time(MOMENT, "en", seconds=True, zone=True) == "27 Nov 2026 14:02:09 UTC"


def test_english_month_names_are_byte_identical_to_the_old_strftime(server_zone):
    # The old "%d %b %Y %H:%M": en_GB's "Sept" would break every stored expectation.
    server_zone("UTC")
    for month in range(1, 13):
        moment = datetime.datetime(2026, month, 3, 9, 5, tzinfo=datetime.UTC)
        assert format_time(moment, "en") == moment.strftime("%d %b %Y %H:%M")


def test_dutch_times(server_zone):
    server_zone("UTC")
    assert format_time(MOMENT, "nl") == "27 nov 2026 14:02"
    assert format_time(MOMENT, "nl", seconds=True) == "27 nov 2026 14:02:09"
    assert format_time(MOMENT, "nl", zone=True) == "27 nov 2026 14:02 UTC"
    march = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    may = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)
    october = datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC)
    assert format_time(march, "nl") == "01 mrt 2026 08:00"
    assert format_time(may, "nl") == "01 mei 2026 08:00"
    assert format_time(october, "nl") == "01 okt 2026 08:00"


def test_times_are_shown_in_the_servers_zone_with_its_name(server_zone):
    server_zone("Europe/Amsterdam")
    assert format_time(MOMENT, "nl", zone=True) == "27 nov 2026 15:02 CET"
    assert format_time(MOMENT, "en", zone=True) == "27 Nov 2026 15:02 CET"
    summer = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    assert format_time(summer, "nl", zone=True) == "01 jul 2026 14:00 CEST"


def test_a_naive_stored_time_is_utc(server_zone):
    # SQLite hands back naive datetimes, stored in UTC.
    server_zone("Europe/Amsterdam")
    naive = MOMENT.replace(tzinfo=None)
    assert format_time(naive, "nl") == "27 nov 2026 15:02"


def test_an_unknown_language_gets_english_times(server_zone):
    server_zone("UTC")
    assert format_time(MOMENT, "xx") == "27 Nov 2026 14:02"


# -- countries -----------------------------------------------------------------------


def _collation_key(name: str) -> str:
    # Unicode-normalised, accents and case ignored.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_iso_country_is_in_every_language(lang):
    options = choices.country_options(lang)
    codes = [code for code, _ in options]
    assert len(codes) == len(set(codes))
    assert set(codes) == {country.alpha_2 for country in pycountry.countries}
    assert set(codes) == choices.country_codes()
    assert all(name.strip() for _, name in options)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_countries_are_sorted_in_the_language_accents_and_case_ignored(lang):
    names = [name for _, name in choices.country_options(lang)]
    assert names == sorted(names, key=lambda name: (_collation_key(name), name))
    # Not sorted by code point: "Å" would come after "Z".
    assert names[0] == "Afghanistan"
    assert names[1] == {"en": "Åland Islands", "nl": "Ålandseilanden"}[lang]


def test_english_country_names():
    options = choices.country_options("en")
    assert ("NL", "Netherlands") in options
    assert ("TW", "Taiwan") in options  # the common name, not the official one
    assert ("KR", "South Korea") in options
    assert options == choices.countries()


def test_dutch_country_names_and_order():
    options = choices.country_options("nl")
    names = [name for _, name in options]
    assert ("NL", "Nederland") in options
    assert ("DE", "Duitsland") in options
    assert ("US", "Verenigde Staten") in options
    assert ("BE", "België") in options
    assert ("KR", "Zuid-Korea") in options  # the common name, translated
    assert names.index("Duitsland") < names.index("Nederland") < names.index("Verenigde Staten")
    assert names.index("Ivoorkust") < names.index("Jamaica")


def test_dutch_names_are_pycountrys_translations():
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    names = dict(choices.country_options("nl"))
    for country in pycountry.countries:
        shown = getattr(country, "common_name", country.name)
        assert names[country.alpha_2] == dutch.gettext(shown)


def test_the_dutch_list_differs_from_the_english_one():
    english = choices.country_options("en")
    dutch = choices.country_options("nl")
    assert dutch != english
    assert [code for code, _ in dutch] != [code for code, _ in english]  # order too
    differing = [code for code, name in dutch if dict(english)[code] != name]
    assert len(differing) > 100


def test_country_options_are_copies_and_unknown_languages_get_english():
    choices.country_options("nl").clear()
    assert len(choices.country_options("nl")) == len(pycountry.countries)
    assert choices.country_options("xx") == choices.country_options("en")


# -- other choice lists' order -------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_business_types_are_sorted_in_the_language_other_last(lang):
    options = choices.business_type_options(lang)
    assert options[-1][0] == "other"
    labels = [label for _, label in options[:-1]]
    assert labels == sorted(labels, key=lambda label: (_collation_key(label), label))
    assert {key for key, _ in options} == {key for key, _ in choices.BUSINESS_TYPES}


def test_english_business_types_keep_their_order():
    assert choices.business_type_options("en") == list(choices.BUSINESS_TYPES)


# -- the Country select --------------------------------------------------------------


def test_the_country_options_follow_the_pages_language():
    js = str(country_options())
    assert str(SessionState.lang) in js  # picked in the browser, on the UI language
    for lang in ("en", "nl"):
        for code, name in choices.country_options(lang):
            assert json.dumps([code, name]) in js  # as the page's JS writes it
    # Each language's list in its own order.
    assert js.index('"Duitsland"') < js.index('"Nederland"') < js.index('"Verenigde Staten"')
    assert js.index('"Germany"') < js.index('"Netherlands"') < js.index('"United States"')


def test_the_country_select_shows_the_language_list_and_keeps_the_chosen_country():
    js = str(address_fields(CustomerStepState)[0])
    options_js = str(country_options())
    assert options_js in js  # the select's options are the language-switched list
    # The chosen country is the state's code, whatever the language shows.
    assert f"value:{CustomerStepState.country!s}" in js.replace(" ", "")
    # The English names appear once (in the switched list), not as fixed options.
    assert js.count('"Netherlands"') == 1


def test_a_time_kept_in_a_text_is_worded_in_the_language_it_is_shown_in():
    """A save's time in a notice or a check result stays a time (domain/times.When) in
    the Text the state keeps, so a language switch re-words it too."""
    from cloudlink_app.domain.i18n import Text, render
    from cloudlink_app.domain.times import When

    moment = datetime.datetime(2026, 11, 27, 14, 2, 9, tzinfo=datetime.UTC)
    text = Text("sync.started_at", {"time": When(moment)})
    assert format_time(moment, "en") in render(text, "en")
    assert format_time(moment, "nl") in render(text, "nl")
    assert render(text, "en") != render(text, "nl")
