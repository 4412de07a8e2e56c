"""What the tests share that is neither a test nor a fixture.

Test modules import helpers from here, never from one another; fixtures live in the
conftest.py files (tests/unit, tests/production, tests/e2e) and reach the tests by name.

tabs       a browser tab (`Tab`) that sends events through Reflex's event processing
refusals   `assert_refused`: the event was refused, nothing changed but the notice
database   rows in the test database: partners, users, customers at any wizard step
builders   forms that pass every rule (`valid_form` for the Customer step), check results
fakes      stand-ins for the network and for a race between two saves
postgres   the production tests' PostgreSQL server and the project's Alembic migrations
browser    the browser suite's steps a person takes, by labels and roles (Playwright)
"""
