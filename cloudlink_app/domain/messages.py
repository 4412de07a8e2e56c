"""Messages of the rules in domain/ and the labels of their fixed choices.

Messages say what to do, never "invalid" or "please". Placeholders: {n} is a row's
1-based position in its list, {first} the position of the row it repeats, {max} a
length or row limit, {domain} and {example} come from the data sets.
"""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        # Customer details
        "customer_name.required": "Enter the customer name",
        "customer_name.too_long": "Customer name must be {max} characters or fewer",
        "country.required": "Select the country",
        "country.unknown": "Select the country",
        "street_address.required": "Enter the street address",
        "street_address.too_long": "Street address must be {max} characters or fewer",
        "address_line2.too_long": "Address line 2 must be {max} characters or fewer",
        "city.required": "Enter the city",
        "city.too_long": "City must be {max} characters or fewer",
        "state_province.required": "Enter the state or province",
        "state_province.select": "Select the state or province",
        "state_province.too_long": (
            "State or province must be {max} characters or fewer"
        ),
        "postal_code.required": "Enter the postal code",
        "postal_code.format": "Postal code must be in the format {example}",
        "postal_code.too_long": "Postal code must be {max} characters or fewer",
        "business_type.required": "Select the business type",
        "business_type.unknown": "Select the business type",
        "default_language.required": "Select the default language",
        "default_language.unknown": "Select the default language",
        # Email domains
        "email_domain.required": "Enter an email domain, or remove the row",
        "email_domain.format": (
            "Enter an email domain in the correct format, like example.com"
        ),
        "email_domain.too_long": "Email domain must be {max} characters or fewer",
        "email_domain.public": (
            "{domain} is a public email provider: enter a domain the organisation owns"
        ),
        "email_domain.duplicate": "This email domain is already in the list",
        "email_domain.claimed": (
            "This email domain is already used by another customer account"
        ),
        "email_domains.too_many": "Remove email domains until there are {max} or fewer",
        # Any email address
        "email.required": "Enter an email address",
        "email.format": (
            "Enter an email address in the correct format, like name@example.com"
        ),
        "email.too_long": "Email address must be {max} characters or fewer",
        # Admin contacts
        "admin_contacts.required": "Add at least one admin contact",
        "admin_contacts.too_many": (
            "Remove admin contacts until there are {max} or fewer"
        ),
        "admin.first_name.required": "Enter the first name of admin contact {n}",
        "admin.first_name.too_long": (
            "First name of admin contact {n} must be {max} characters or fewer"
        ),
        "admin.last_name.required": "Enter the last name of admin contact {n}",
        "admin.last_name.too_long": (
            "Last name of admin contact {n} must be {max} characters or fewer"
        ),
        "admin.email.required": "Enter the email address of admin contact {n}",
        "admin.email.too_long": (
            "Email address of admin contact {n} must be {max} characters or fewer"
        ),
        "admin.email.duplicate": (
            "Admin contact {n} has the same email address as admin contact {first}"
        ),
        # Support contacts
        "support_contacts.too_many": (
            "Remove support contacts until there are {max} or fewer"
        ),
        "support_contacts.missing_maintainer": (
            "Add a support contact with the role Maintainer"
        ),
        "support_contacts.missing_onsite_admin": (
            "Add a support contact with the role Onsite Admin"
        ),
        "support.role.required": "Select the role of support contact {n}",
        "support.role.unknown": "Select the role of support contact {n}",
        "support.name.required": "Enter the name of support contact {n}",
        "support.name.too_long": (
            "Name of support contact {n} must be {max} characters or fewer"
        ),
        "support.email.required": "Enter the email address of support contact {n}",
        "support.email.too_long": (
            "Email address of support contact {n} must be {max} characters or fewer"
        ),
        "support.email.duplicate": (
            "Support contact {n} has the same email address as support contact {first}"
        ),
        # Any typed text
        "text.unstorable": (
            "Retype this field: it contains hidden characters that cannot be saved"
        ),
        # Labels of the fixed choices (choices.py lists their keys in order)
        "business_type.agriculture": "Agriculture",
        "business_type.construction": "Construction",
        "business_type.education": "Education",
        "business_type.energy": "Energy and utilities",
        "business_type.finance": "Finance and insurance",
        "business_type.government": "Government and public sector",
        "business_type.healthcare": "Healthcare",
        "business_type.hospitality": "Hospitality and tourism",
        "business_type.information_technology": "Information technology",
        "business_type.manufacturing": "Manufacturing",
        "business_type.media": "Media and entertainment",
        "business_type.non_profit": "Non-profit",
        "business_type.professional_services": "Professional services",
        "business_type.real_estate": "Real estate",
        "business_type.retail": "Retail and wholesale",
        "business_type.transport": "Transport and logistics",
        "business_type.other": "Other",
        "language.en": "English",
        "language.nl": "Dutch",
        "language.fr": "French",
        "language.de": "German",
        "language.es": "Spanish",
        "language.it": "Italian",
        "language.pt": "Portuguese",
        "language.pl": "Polish",
        "language.sv": "Swedish",
        "language.da": "Danish",
        "role.maintainer": "Maintainer",
        "role.onsite_admin": "Onsite Admin",
        "role.other": "Other",
    }
}
