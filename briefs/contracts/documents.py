"""Contract documents as plain computation (no database): merge fields, the safe substitution that
fills a template, and the PDFs (the version as sent, and the final one with its signature certificate).

Templates are user text, so they never go through Django's template engine (which would evaluate
tags, filters and attribute lookups a template author should not reach). A placeholder is exactly
`{{ name }}` with `name` in MERGE_FIELDS; anything else that looks like one is an error when the
template is saved, and substitution is a single pass, so a value containing `{{ x }}` stays text.

PDFs embed the Unicode font vendored in core/fonts (names in any script it covers print as typed) and
are deterministic: the same text and the same timestamp give the same bytes (fixed producer, creation
date taken from the data, no random file id, fixed font file and subset tag), so a stored SHA-256 can be
recomputed."""

import datetime
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from core.pdf_fonts import printable, use_unicode_font

MERGE_FIELDS: dict[str, str] = {
    "workspace_name": "The brand (workspace) name",
    "brand_signer_name": "Who signs for the brand",
    "creator_name": "The creator's name",
    "creator_handle": "The creator's TikTok handle, with @",
    "campaign_name": "The campaign",
    "campaign_dates": "The campaign's start and end dates",
    "compensation": "The agreed compensation, as a sentence",
    "payment_terms": "When and how the creator is paid",
    "deliverables": "The deliverables with their due dates, one per line",
    "usage_rights": "Usage rights, as a sentence",
    "usage_platforms": "Platforms the brand may use the content on",
    "usage_duration_months": "How long the brand may use the content, in months",
    "usage_formats": "Formats the brand may use the content in",
    "paid_ads": "Whether paid ads are allowed (Yes/No)",
    "whitelisting": "Whether whitelisting is allowed (Yes/No)",
    "spark_ads": "Whether Spark Ads are allowed (Yes/No)",
    "brand_repost": "Whether the brand may repost on its channels (Yes/No)",
    "exclusivity": "Exclusivity, as a sentence",
    "disclosure": "Disclosure rules",
    "cancellation": "Cancellation terms",
    "version_number": "The contract version number",
    "sent_date": "The date the version was sent (UTC)",
}

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Template-engine syntax an author may have pasted: refused, so no one believes it is evaluated.
LOOKALIKE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

DEFAULT_TEMPLATE_NAME = "Standard creator agreement"
DEFAULT_TEMPLATE_BODY = """CREATOR COLLABORATION AGREEMENT (version {{ version_number }}, {{ sent_date }})

Between {{ workspace_name }} ("the Brand"), represented by {{ brand_signer_name }},
and {{ creator_name }} ({{ creator_handle }}) ("the Creator"),
for the campaign {{ campaign_name }} ({{ campaign_dates }}).

1. Deliverables
The Creator will produce and publish:
{{ deliverables }}

2. Compensation
{{ compensation }}
Payment terms: {{ payment_terms }}

3. Usage rights
{{ usage_rights }}
Paid ads: {{ paid_ads }}. Whitelisting: {{ whitelisting }}. Spark Ads: {{ spark_ads }}.
Repost on brand channels: {{ brand_repost }}.

4. Exclusivity
{{ exclusivity }}

5. Disclosure
{{ disclosure }}

6. Cancellation
{{ cancellation }}

7. Signatures
Both parties sign this version electronically, by typing their full name and giving explicit consent.
Any change to these terms makes a new version that must be signed again.
"""


def template_errors(body: str) -> list[str]:
    """What is wrong with a template's placeholders (empty when it can be saved)."""
    errors: list[str] = []
    unknown = sorted({name for name in PLACEHOLDER.findall(body) if name not in MERGE_FIELDS})
    if unknown:
        errors.append(f"Unknown merge field(s): {', '.join(unknown)}. Known: {', '.join(MERGE_FIELDS)}.")
    if LOOKALIKE.search(PLACEHOLDER.sub("", body)):
        errors.append("Only {{ field_name }} placeholders are allowed; other {{ }}, {% %} or {# #} syntax is not.")
    return errors


def render_text(body: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders in one pass. The caller has validated the template; a placeholder with no
    value here is a programming error, not user input, so it raises KeyError."""
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), body)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- PDF --------------------------------------------------------------------------------------------

PRODUCER = "CreatorDesk"


@dataclass(frozen=True)
class CertificateEntry:
    """One signature, as the certificate page lists it."""

    role: str
    typed_name: str
    signer_email: str
    signed_at: datetime.datetime
    ip: str
    user_agent: str
    document_sha256: str
    consent_text: str


def _new_pdf(*, title: str, created_at: datetime.datetime) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(created_at.astimezone(datetime.UTC))
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    pdf.set_title(printable(title))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    use_unicode_font(pdf)
    return pdf


def _write_body(pdf: FPDF, *, title: str, text: str) -> None:
    pdf.add_page()
    pdf.set_font(style="B", size=14)
    pdf.multi_cell(0, 8, printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(style="", size=10)
    pdf.multi_cell(0, 5, printable(text), new_x="LMARGIN", new_y="NEXT")


def render_contract_pdf(*, title: str, text: str, created_at: datetime.datetime) -> bytes:
    """The version as sent: what both parties read and sign (its SHA-256 is in every signature)."""
    pdf = _new_pdf(title=title, created_at=created_at)
    _write_body(pdf, title=title, text=text)
    return bytes(pdf.output())


def render_signed_pdf(
    *,
    title: str,
    text: str,
    created_at: datetime.datetime,
    document_sha256: str,
    signatures: Sequence[CertificateEntry],
) -> bytes:
    """The final document: the same text, then a signature certificate page listing every signature."""
    pdf = _new_pdf(title=title, created_at=created_at)
    _write_body(pdf, title=title, text=text)
    pdf.add_page()
    pdf.set_font(style="B", size=14)
    pdf.multi_cell(0, 8, "Signature certificate", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)
    pdf.multi_cell(
        0,
        5,
        printable(
            f"Document: {title}\nSHA-256 of the document as sent and signed: {document_sha256}\n"
            "Each party signed electronically by typing their full name and ticking an explicit consent."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for entry in signatures:
        pdf.ln(3)
        pdf.set_font(style="B", size=10)
        pdf.multi_cell(0, 6, printable(f"{entry.role}: {entry.typed_name}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="", size=9)
        lines = [
            f"Account: {entry.signer_email}",
            f"Signed at (UTC): {entry.signed_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S}",
            f"IP address: {entry.ip or 'unknown'}",
            f"User agent: {entry.user_agent or 'unknown'}",
            f"Document SHA-256: {entry.document_sha256}",
            f"Consent: {entry.consent_text}",
        ]
        pdf.multi_cell(0, 5, printable("\n".join(lines)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
