"""The browser suite's helpers (Playwright): the steps a person takes, by labels and
roles; the accessibility check; customers put straight into the app's database, and
sessions made through the real sign-in endpoint, for tests that start from them.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from reflex.config import get_config

from cloudlink_app import routes
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import Customer, EmailDomain
from cloudlink_app.services.database import get_session

# The WCAG levels axe checks: 2.0, 2.1 and 2.2, A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# A small phone and a tablet, upright (WCAG 1.4.10 reflows at 320 CSS pixels).
PHONE: ViewportSize = {"width": 320, "height": 640}
# Playwright's default, the size every other browser test runs at.
DESKTOP: ViewportSize = {"width": 1280, "height": 720}
TABLET: ViewportSize = {"width": 768, "height": 1024}
# WCAG 2.5.8: a target is at least 24 by 24 CSS pixels.
TARGET_MIN = 24
# When the first seeded customer was saved (the next ones a minute apart).
SEEDED_AT = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


# ----- steps a person takes -------------------------------------------------------------


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
    # The prerendered button is there before the page is hydrated: a click then is lost.
    ready(page)
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Customer", exact=True)).to_be_visible()
    ready(page)


def fill_valid_customer(
    page: Page,
    name: str = "Bakkerij Jansen",
    domain: str = "",
    admin_email: str = "sanne@bakkerij-jansen.nl",
) -> None:
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
    field(page, "Admin contact 1: Email address").fill(admin_email)
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


# ----- what the page shows ----------------------------------------------------------------


def data_rows(page: Page):
    """The table's rows of customers (not its header)."""
    return page.locator("tbody").get_by_role("row")


def axe_violations(page: Page) -> list[str]:
    """What axe finds against WCAG 2.2 A and AA on the page, one line each."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})"
        for v in results.response["violations"]
    ]


def overflow(page: Page) -> list[str]:
    """Whether the page scrolls sideways: its scroll width against the viewport's width,
    and then the elements that stick out on the right, one line each."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            const width = root.clientWidth;
            if (root.scrollWidth <= width) return [];
            const out = [`scroll width ${root.scrollWidth} > viewport ${width}`];
            for (const el of document.body.querySelectorAll("*")) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 0.5 && box.width > 0 && !el.closest(".visually-hidden"))
                    out.push(`${el.tagName.toLowerCase()}.${el.className} ` +
                             `${Math.round(box.left)}-${Math.round(box.right)}`);
            }
            return out.slice(0, 8);
        }"""
    )


def small_targets(page: Page) -> list[str]:
    """The visible buttons, links and form controls smaller than 24 x 24 pixels."""
    return page.evaluate(
        """(least) => {
            const out = [];
            const targets = "a[href], button, input:not([type=hidden]), select, textarea, " +
                            "[role=button], [role=link], [role=checkbox]";
            for (const el of document.querySelectorAll(targets)) {
                if (!el.checkVisibility({visibilityProperty: true})) continue;
                if (el.closest(".visually-hidden")) continue;
                const box = el.getBoundingClientRect();
                if (box.right <= 0 || box.bottom <= 0) continue;  // off screen (skip link)
                if (box.width < least - 0.01 || box.height < least - 0.01)
                    out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.id || "")
                        .trim().slice(0, 40)}" ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
            }
            return out;
        }""",
        TARGET_MIN,
    )


# ----- straight into the database --------------------------------------------------------


def seed(customers: list[tuple[str, str, str]]) -> list[str]:
    """Store (name, email domain, status) customers for the demo partner, the last one
    saved most recently; returns their account IDs in the same order."""
    account_ids = []
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
        for minutes, (name, domain, status) in enumerate(customers):
            customer = Customer(
                account_id=wizard_path.generate_account_id(),
                partner_id=partner_id,
                name=name,
                country="NL",
                status=status,
                onboarded=status == wizard_path.ONBOARDED,
                updated_at=SEEDED_AT + datetime.timedelta(minutes=minutes),
            )
            session.add(customer)
            session.flush()
            session.add(
                EmailDomain(customer_id=customer.id, position=0, domain=domain, normalized=domain)
            )
            account_ids.append(customer.account_id)
        session.commit()
    return account_ids


def sign_in_context(
    context: BrowserContext, base_url: str, email: str, api_url: str | None = None
) -> None:
    """Sign the browser context in as ``email`` (a demo user) through the real endpoint
    (POST /auth/sign-in, as the sign-in form posts it, without typing; the sign-in tests
    type): the browser context keeps the cookie the server set, with its flags.
    `api_url`: the backend's address (default: this process's app's)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    response = context.request.post(
        (api_url or get_config().api_url) + routes.AUTH_SIGN_IN,
        form={"email": email, "password": demo_accounts.DEMO_PASSWORD, "next": "/"},
        headers={"Origin": origin},
        max_redirects=0,
    )
    assert response.status == 303, response.status
    assert "error=" not in response.headers["location"], response.headers["location"]
    # The request shares the context's cookies: the browser kept what the server set.
    assert session_cookies(context), "the server set no session cookie"


def session_cookies(context: BrowserContext) -> list:
    """The browser's session cookies (either mode's name), as the browser has them."""
    return [c for c in context.cookies() if c["name"].endswith("cloudlink_session")]
