"""The single sign-on commands of the accounts tool (configure-sso, show-sso,
remove-sso) against a real OpenID Connect provider on 127.0.0.1, and their refusals."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cloudlink_app.accounts import main
from cloudlink_app.models import PartnerSso, SsoDomain
from cloudlink_app.services import sso_config
from tests.support.oidc_provider import oidc_provider

SECRET = "the-client-secret-Zq8"


@pytest.fixture
def provider():
    with oidc_provider() as running:
        yield running


@pytest.fixture
def partner(database, capsys):
    assert main(["create-partner", "Fabrikam Voice"]) == 0
    capsys.readouterr()
    return "Fabrikam Voice"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def configure(capsys, partner, issuer, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        "configure-sso",
        partner,
        "--issuer",
        issuer,
        "--client-id",
        "cloudlink-app",
        "--domain",
        "Fabrikam.Example",
        "--domain",
        "fabrikam-voice.example",
        *extra,
    )


def test_configure_show_and_remove(database, capsys, partner, provider, monkeypatch):
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, SECRET)
    code, out, err = configure(capsys, partner, provider.issuer, "--allow-new-users")
    assert (code, err) == (0, "")
    assert SECRET not in out
    with Session(database) as session:
        row = session.exec(select(PartnerSso)).one()
        assert SECRET not in row.client_secret_encrypted
        assert sso_config.decrypt_secret(row.client_secret_encrypted, row.partner_id) == SECRET
        domains = session.exec(select(SsoDomain.domain)).all()
        assert sorted(domains) == ["fabrikam-voice.example", "fabrikam.example"]
        assert (row.allow_new_users, row.require_sso) == (True, False)
    code, out, err = run(capsys, "show-sso", partner)
    assert code == 0 and SECRET not in out
    assert provider.issuer in out and "fabrikam.example" in out and "cloudlink-app" in out
    code, out, err = run(capsys, "remove-sso", partner)
    assert code == 0 and "removed" in out
    with Session(database) as session:
        assert session.exec(select(PartnerSso)).all() == []
        assert session.exec(select(SsoDomain)).all() == []


def test_the_secret_is_bound_to_its_partner(database, partner, provider, monkeypatch, capsys):
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, SECRET)
    assert configure(capsys, partner, provider.issuer)[0] == 0
    with Session(database) as session:
        row = session.exec(select(PartnerSso)).one()
    with pytest.raises(sso_config.SsoConfigError):
        sso_config.decrypt_secret(row.client_secret_encrypted, row.partner_id + 1)


def test_refused_without_the_secret_variable(database, capsys, partner, provider, monkeypatch):
    monkeypatch.delenv(sso_config.CLIENT_SECRET_ENV, raising=False)
    code, out, err = configure(capsys, partner, provider.issuer)
    assert code == 1
    assert "CLOUDLINK_SSO_CLIENT_SECRET" in err
    with Session(database) as session:
        assert session.exec(select(PartnerSso)).all() == []


def test_refused_an_http_issuer_on_another_host(database, capsys, partner, monkeypatch):
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, SECRET)
    code, out, err = configure(capsys, partner, "http://login.fabrikam.example")
    assert code == 1
    assert "must be an https:// address" in err
    with Session(database) as session:
        assert session.exec(select(PartnerSso)).all() == []


def test_refused_when_discovery_fails(database, capsys, partner, provider, monkeypatch):
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, SECRET)
    # Nothing listens there: the discovery document cannot be fetched.
    with oidc_provider() as stopped:
        gone = stopped.issuer
    code, out, err = configure(capsys, partner, gone)
    assert code == 1 and "could not be fetched" in err
    # No discovery document at that address (the provider answers 404).
    code, out, err = configure(capsys, partner, provider.issuer + "/tenant")
    assert code == 1 and "HTTP 404" in err
    with Session(database) as session:
        assert session.exec(select(PartnerSso)).all() == []


def test_check_discovery_wants_the_same_issuer_and_the_endpoints():
    issuer = "https://login.example.com"
    good = {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "jwks_uri": issuer + "/jwks",
    }
    assert sso_config.check_discovery(good, issuer) == good
    with pytest.raises(sso_config.SsoConfigError, match="names the issuer"):
        sso_config.check_discovery({**good, "issuer": "https://evil.example"}, issuer)
    with pytest.raises(sso_config.SsoConfigError, match="jwks_uri"):
        sso_config.check_discovery({**good, "jwks_uri": None}, issuer)


def test_a_domain_belongs_to_one_partner(database, capsys, partner, provider, monkeypatch):
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, SECRET)
    assert configure(capsys, partner, provider.issuer)[0] == 0
    run(capsys, "create-partner", "Contoso")
    code, out, err = configure(capsys, "Contoso", provider.issuer)
    assert code == 1 and "covers fabrikam-voice.example, fabrikam.example already" in err
