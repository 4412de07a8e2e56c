"""Steps a person takes in the Customer step, by labels and roles."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def field(page: Page, label: str):
    """The form control with exactly this label."""
    return page.get_by_label(label, exact=True)


def ready(page: Page) -> None:
    """Wait until the page's state has arrived (its on_load done) before typing."""
    expect(page.locator("main[data-ready='true']")).to_be_attached()


def open_new_customer(page: Page) -> None:
    """From the dashboard, Create customer."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)


def fill_valid_customer(page: Page, name: str = "Bakkerij Jansen", domain: str = "") -> None:
    """Fill every required field of the Customer step with valid Dutch data."""
    field(page, "Customer name").fill(name)
    field(page, "Country").select_option("NL")
    field(page, "Street address").fill("Kerkstraat 1")
    field(page, "City").fill("Utrecht")
    field(page, "Postal code").fill("3511 LK")
    field(page, "Business type").select_option("retail")
    field(page, "Default language").select_option("nl")
    if domain:
        page.get_by_role("button", name="Add email domain").click()
        field(page, "Email domain 1").fill(domain)
    field(page, "Admin contact 1: First name").fill("Sanne")
    field(page, "Admin contact 1: Last name").fill("Jansen")
    field(page, "Admin contact 1: Email address").fill("sanne@bakkerij-jansen.nl")
    field(page, "Support contact 1: Name").fill("Northwind Support")
    field(page, "Support contact 1: Email address").fill("support@northwind.example")
    field(page, "Support contact 2: Name").fill("Piet Jansen")
    field(page, "Support contact 2: Email address").fill("piet@bakkerij-jansen.nl")
    # Let the last typed value reach the server before a button is pressed.
    field(page, "Support contact 2: Email address").blur()


def create_customer(page: Page, name: str = "Bakkerij Jansen") -> str:
    """Create a customer through the Customer step; on the Gateway page, its account ID."""
    open_new_customer(page)
    fill_valid_customer(page, name=name)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Gateway")).to_be_visible()
    ready(page)
    return page.url.rsplit("/", 2)[-2]


def fill_gateway(page: Page, deployment: str = "appliance", identifier: str = "") -> None:
    """Fill the Gateway step: site name, deployment type and the gateway's identifier."""
    field(page, "Site name").fill("Head office")
    field(page, "Deployment type").select_option(deployment)
    if deployment == "appliance":
        box = field(page, "MAC address")
        box.fill(identifier or "00-1a-2b-3c-4d-5e")
    else:
        box = field(page, "System ID")
        box.fill(identifier or "SMBC-4711")
    box.blur()


def next_to(page: Page, heading: str) -> None:
    """Press Next and arrive at the step with this heading."""
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    ready(page)
