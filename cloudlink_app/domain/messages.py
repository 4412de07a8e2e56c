"""Messages of the rules in domain/ and the labels of their fixed choices.

Messages say what to do, never "invalid" or "please". Placeholders: {n} is a row's
1-based position in its list, {first} the position of the row it repeats, {max} a
length or row limit, {domain} and {example} come from the data sets.

Keys ending in .too_long, .too_many, .unknown or .unstorable are hard limits that even a
draft must respect (limits.Problem.is_hard_limit); where the limit is only a storage
size the user never needs to know (a MAC address, a port), such a key shares the text
of the format rule.
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
        "state_province.too_long": ("State or province must be {max} characters or fewer"),
        "postal_code.required": "Enter the postal code",
        "postal_code.format": "Postal code must be in the format {example}",
        "postal_code.too_long": "Postal code must be {max} characters or fewer",
        "business_type.required": "Select the business type",
        "business_type.unknown": "Select the business type",
        "default_language.required": "Select the default language",
        "default_language.unknown": "Select the default language",
        # Email domains
        "email_domain.required": "Enter an email domain, or remove the row",
        "email_domain.format": ("Enter an email domain in the correct format, like example.com"),
        "email_domain.too_long": "Email domain must be {max} characters or fewer",
        "email_domain.public": (
            "{domain} is a public email provider: enter a domain the organisation owns"
        ),
        "email_domain.duplicate": "This email domain is already in the list",
        "email_domain.claimed": ("This email domain is already used by another customer account"),
        "email_domains.too_many": "Remove email domains until there are {max} or fewer",
        # Any email address
        "email.required": "Enter an email address",
        "email.format": ("Enter an email address in the correct format, like name@example.com"),
        "email.too_long": "Email address must be {max} characters or fewer",
        # Admin contacts
        "admin_contacts.required": "Add at least one admin contact",
        "admin_contacts.too_many": ("Remove admin contacts until there are {max} or fewer"),
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
        "support_contacts.too_many": ("Remove support contacts until there are {max} or fewer"),
        "support_contacts.missing_maintainer": ("Add a support contact with the role Maintainer"),
        "support_contacts.missing_onsite_admin": (
            "Add a support contact with the role Onsite Admin"
        ),
        "support.role.required": "Select the role of support contact {n}",
        "support.role.unknown": "Select the role of support contact {n}",
        "support.name.required": "Enter the name of support contact {n}",
        "support.name.too_long": ("Name of support contact {n} must be {max} characters or fewer"),
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
        # Gateway step
        "site_name.required": "Enter the site name",
        "site_name.too_long": "Site name must be {max} characters or fewer",
        "deployment_type.required": "Select the deployment type",
        "deployment_type.unknown": "Select the deployment type",
        "mac_address.required": "Enter the MAC address of the gateway appliance",
        "mac_address.format": (
            "Enter the MAC address in the correct format, like 00:1A:2B:3C:4D:5E"
        ),
        "mac_address.too_long": (
            "Enter the MAC address in the correct format, like 00:1A:2B:3C:4D:5E"
        ),
        "mac_address.not_unicast": (
            "Enter the MAC address from the label on the gateway appliance: "
            "this address does not belong to a single device"
        ),
        "mac_address.claimed": ("This MAC address is already used by another customer's gateway"),
        "system_id.required": "Enter the system ID",
        "system_id.format": (
            "System ID must be 4 to 64 letters, digits and dashes, "
            "starting and ending with a letter or digit"
        ),
        "system_id.too_long": "System ID must be {max} characters or fewer",
        # PBX step
        "pbx_type.required": "Select the PBX type",
        "pbx_type.unknown": "Select the PBX type",
        "pbx_address.required": "Enter the PBX address",
        "pbx_address.format": (
            "Enter the PBX address as an IP address or host name, "
            "like pbx.example.com or 192.0.2.10"
        ),
        "pbx_address.too_long": "PBX address must be {max} characters or fewer",
        # Sync step
        "sync_address.required": "Enter the system address",
        "sync_address.format": (
            "Enter the system address as an IP address or host name, "
            "like smbc.example.com or 192.0.2.20"
        ),
        "sync_address.too_long": "System address must be {max} characters or fewer",
        # Any port (PBX and Sync steps)
        "port.required": "Enter the port number",
        "port.range": "Enter a port number from 1 to 65535",
        "port.too_long": "Enter a port number from 1 to 65535",
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
        "deployment_type.appliance": "Gateway appliance",
        "deployment_type.smbc": "SMB Controller (SMBC)",
        "deployment_type.va": "Virtual Appliance (VA)",
        "pbx_type.mivoice_business": "MiVoice Business",
        "pbx_type.mivoice_office_400": "MiVoice Office 400",
        "pbx_type.mivoice_office_250": "MiVoice Office 250",
        "pbx_type.mivoice_connect": "MiVoice Connect",
        "pbx_type.mivoice_5000": "MiVoice 5000",
        "pbx_type.mivoice_mx_one": "MiVoice MX-ONE",
    }
}
