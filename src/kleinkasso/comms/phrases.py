"""The fixed wording of the first demand in German and English.

Placeholders in braces are filled by ``content.build_content`` with
``str.format``. The tone is mediative: the debtor is a customer whom the
creditor wants to keep, so the text explains, offers help and does not
threaten.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    subject: str
    salutation: str
    salutation_business: str
    intro_one: str
    intro_many: str
    claims_heading: str
    column_item: str
    column_due: str
    column_principal: str
    column_interest: str
    column_costs: str
    column_total: str
    claim_detail: str
    claim_detail_no_contract: str
    claims_total: str
    fees_heading: str
    option_by: str
    option_later: str
    row_open: str
    row_fee: str
    row_expenses: str
    row_vat: str
    row_total: str
    pay_early: str
    pay_later: str
    pay_later_by: str
    pay_reason: str
    payment_heading: str
    payee: str
    iban: str
    bic: str
    amount: str
    amount_value: str
    reference: str
    reference_hint: str
    qr_caption: str
    dispute_heading: str
    dispute_text: str
    contact_portal: str
    contact_email: str
    closing: str
    details_heading: str
    creditor_title: str
    basis_title: str
    basis_line: str
    basis_line_no_contract: str
    interest_title: str
    interest_line: str
    no_interest: str
    costs_title: str
    fee_line_early: str
    fee_line_later: str
    vat_part: str
    costs_line: str
    vat_title: str
    vat_text: str
    address_title: str
    address_text: str
    authority_title: str
    authority_text: str
    register_text: str
    label_case: str
    label_reference: str
    label_creditor: str
    label_email: str
    label_date: str
    page: str
    continuation: str
    # Numbers up to twelve are written as words, as DIN 5008 recommends.
    number_words: tuple[str, ...]


GERMAN = Phrases(
    subject="Ihre offene Zahlung bei {creditor} – Aktenzeichen {case_ref}",
    salutation="Guten Tag {name},",
    salutation_business="Sehr geehrte Damen und Herren,",
    intro_one=(
        "{creditor} hat uns beauftragt, einen offenen Betrag aus Ihrem "
        "Kundenkonto einzuziehen. Vielleicht ist die Zahlung einfach "
        "untergegangen, das kann passieren. Mit einer Überweisung ist die Sache "
        "erledigt, und {creditor} möchte Sie gern als Kundin oder Kunden "
        "behalten."
    ),
    intro_many=(
        "{creditor} hat uns beauftragt, {count} offene Beträge aus Ihrem "
        "Kundenkonto einzuziehen. Wir haben sie in einem Vorgang "
        "zusammengefasst, damit die Inkassokosten nur einmal anfallen. "
        "Vielleicht sind die Zahlungen einfach untergegangen, das kann "
        "passieren. Mit einer Überweisung ist die Sache erledigt, und "
        "{creditor} möchte Sie gern als Kundin oder Kunden behalten."
    ),
    claims_heading="Was offen ist",
    column_item="Leistung",
    column_due="fällig am",
    column_principal="Forderung",
    column_interest="Zinsen",
    column_costs="Kosten",
    column_total="Summe",
    claim_detail="Vertrag vom {contract_date} · Nr. {item_ref}",
    claim_detail_no_contract="Nr. {item_ref}",
    claims_total="Summe",
    fees_heading="Inkassokosten und Gesamtbetrag",
    option_by="bei Zahlung bis {date}",
    option_later="bei späterer Zahlung",
    row_open="Offene Beträge (Forderung, Zinsen, Kosten)",
    row_fee="Inkassovergütung (Gebührensatz {early_rate} bzw. {regular_rate})",
    row_expenses="Auslagenpauschale",
    row_vat="Umsatzsteuer",
    row_total="Gesamtbetrag",
    pay_early="Wenn Sie bis zum {date} zahlen: {amount}",
    pay_later="Wenn Sie danach zahlen: {amount}",
    pay_later_by="Wenn Sie danach bis zum {date} zahlen: {amount}",
    pay_reason=(
        "Bei Zahlung bis zum {date} berechnen wir nur die niedrigere Inkassovergütung."
    ),
    payment_heading="So zahlen Sie",
    payee="Empfänger",
    iban="IBAN",
    bic="BIC",
    amount="Betrag",
    amount_value="{amount} bei Zahlung bis zum {date}",
    reference="Verwendungszweck",
    reference_hint=(
        "Bitte geben Sie als Verwendungszweck nur diese Referenz an. Dann wird "
        "Ihre Zahlung automatisch zugeordnet."
    ),
    qr_caption="GiroCode: mit der Banking-App scannen",
    dispute_heading="Fragen, Ratenzahlung oder Einwände?",
    dispute_text=(
        "Wenn Sie meinen, dass die Forderung nicht oder nicht in dieser Höhe "
        "besteht, sagen Sie es uns bitte. Ein Widerspruch ist jederzeit möglich. "
        "Bis wir ihn geprüft haben, unternehmen wir in dieser Sache nichts "
        "weiter. Auch wenn Sie in Raten zahlen möchten oder sich Ihre Anschrift "
        "geändert hat, genügt eine kurze Nachricht."
    ),
    contact_portal="Online: {url} · E-Mail: {email}",
    contact_email="E-Mail: {email}",
    closing="Freundliche Grüße",
    details_heading=(
        "Angaben zur Forderung nach § 13a Abs. 1 Rechtsdienstleistungsgesetz (RDG)"
    ),
    creditor_title="Auftraggeber (Gläubiger)",
    basis_title="Grund der Forderung",
    basis_line=(
        "{item_ref}: {subject}, Vertrag geschlossen am {contract_date}, "
        "fällig am {due_date}"
    ),
    basis_line_no_contract="{item_ref}: {subject}, fällig am {due_date}",
    interest_title="Zinsberechnung",
    interest_line=(
        "{item_ref}: {rate} Zinsen pro Jahr aus {principal} "
        "vom {start} bis {end}: {interest}"
    ),
    no_interest="Zinsen verlangen wir nicht.",
    costs_title="Inkassokosten und weitere Kosten",
    fee_line_early=(
        "Bei Zahlung bis zum {date}: Gebührensatz {rate} aus einem "
        "Gegenstandswert von {value} = {fee}, Auslagenpauschale {expenses}"
        "{vat}, zusammen {sum}"
    ),
    fee_line_later=(
        "Bei späterer Zahlung: Gebührensatz {rate} aus einem Gegenstandswert "
        "von {value} = {fee}, Auslagenpauschale {expenses}{vat}, zusammen {sum}"
    ),
    vat_part=", Umsatzsteuer {vat}",
    costs_line="{item_ref}: {reason}: {amount}",
    vat_title="Umsatzsteuer",
    vat_text=(
        "{creditor} kann die Umsatzsteuer auf die Inkassokosten nicht als "
        "Vorsteuer abziehen. Deshalb ist sie in den Inkassokosten enthalten."
    ),
    address_title="Ihre Anschrift",
    address_text=(
        "Ihre Anschrift haben wir nicht von {creditor} erhalten, sondern selbst "
        "ermittelt. Wenn sie falsch ist oder Sie nicht die gesuchte Person sind, "
        "teilen Sie uns das bitte mit. {contact}"
    ),
    authority_title="Aufsichtsbehörde",
    authority_text="Zuständige Aufsichtsbehörde: {name}, {address}, E-Mail: {email}",
    register_text="Registrierung: {register}",
    label_case="Aktenzeichen",
    label_reference="Zahlungsreferenz",
    label_creditor="Auftraggeber",
    label_email="E-Mail",
    label_date="Datum",
    page="Seite {page} von {pages}",
    continuation="Aktenzeichen {case_ref} · {date}",
    number_words=(
        "null",
        "ein",
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
    ),
)

ENGLISH = Phrases(
    subject="Your open payment to {creditor} – case {case_ref}",
    salutation="Dear {name},",
    salutation_business="Dear Sir or Madam,",
    intro_one=(
        "{creditor} has asked us to collect an open amount from your customer "
        "account. Perhaps the payment was simply overlooked, which happens. One "
        "bank transfer settles the matter, and {creditor} would like to keep "
        "you as a customer."
    ),
    intro_many=(
        "{creditor} has asked us to collect {count} open amounts from your "
        "customer account. We have combined them into one case so that "
        "collection costs arise only once. Perhaps the payments were simply "
        "overlooked, which happens. One bank transfer settles the matter, and "
        "{creditor} would like to keep you as a customer."
    ),
    claims_heading="What is open",
    column_item="Item",
    column_due="due on",
    column_principal="Amount",
    column_interest="Interest",
    column_costs="Costs",
    column_total="Total",
    claim_detail="Contract of {contract_date} · No. {item_ref}",
    claim_detail_no_contract="No. {item_ref}",
    claims_total="Total",
    fees_heading="Collection costs and total",
    option_by="if paid by {date}",
    option_later="if paid later",
    row_open="Open amounts (amount, interest, costs)",
    row_fee="Collection fee (rate {early_rate} or {regular_rate})",
    row_expenses="Flat-rate expenses",
    row_vat="VAT",
    row_total="Total",
    pay_early="If you pay by {date}: {amount}",
    pay_later="If you pay after that: {amount}",
    pay_later_by="If you pay after that, by {date}: {amount}",
    pay_reason="If you pay by {date}, we charge only the lower collection fee.",
    payment_heading="How to pay",
    payee="Payee",
    iban="IBAN",
    bic="BIC",
    amount="Amount",
    amount_value="{amount} if paid by {date}",
    reference="Reference",
    reference_hint=(
        "Please enter only this reference as the payment reference. Your "
        "payment is then matched automatically."
    ),
    qr_caption="GiroCode: scan with your banking app",
    dispute_heading="Questions, instalments or objections?",
    dispute_text=(
        "If you believe that the claim does not exist or not in this amount, "
        "please tell us. You can object at any time. Until we have reviewed "
        "your objection, we take no further steps in this matter. A short "
        "message is also enough if you would like to pay in instalments or "
        "your address has changed."
    ),
    contact_portal="Online: {url} · E-mail: {email}",
    contact_email="E-mail: {email}",
    closing="Kind regards",
    details_heading=(
        "Information on the claim under § 13a(1) of the German Legal Services Act (RDG)"
    ),
    creditor_title="Client (creditor)",
    basis_title="Basis of the claim",
    basis_line=(
        "{item_ref}: {subject}, contract concluded on {contract_date}, "
        "due on {due_date}"
    ),
    basis_line_no_contract="{item_ref}: {subject}, due on {due_date}",
    interest_title="Interest calculation",
    interest_line=(
        "{item_ref}: {rate} per year on {principal} from {start} to {end}: {interest}"
    ),
    no_interest="We do not charge interest.",
    costs_title="Collection costs and other costs",
    fee_line_early=(
        "If paid by {date}: rate {rate} on a value of {value} = {fee}, "
        "flat-rate expenses {expenses}{vat}, together {sum}"
    ),
    fee_line_later=(
        "If paid later: rate {rate} on a value of {value} = {fee}, "
        "flat-rate expenses {expenses}{vat}, together {sum}"
    ),
    vat_part=", VAT {vat}",
    costs_line="{item_ref}: {reason}: {amount}",
    vat_title="VAT",
    vat_text=(
        "{creditor} cannot deduct the VAT on the collection costs as input "
        "tax. The VAT is therefore included in the collection costs."
    ),
    address_title="Your address",
    address_text=(
        "We did not receive your address from {creditor} but found it "
        "ourselves. If it is wrong or you are not the person we are looking "
        "for, please tell us. {contact}"
    ),
    authority_title="Supervisory authority",
    authority_text=(
        "Competent supervisory authority: {name}, {address}, E-mail: {email}"
    ),
    register_text="Registration: {register}",
    label_case="Case number",
    label_reference="Payment reference",
    label_creditor="Client",
    label_email="E-mail",
    label_date="Date",
    page="Page {page} of {pages}",
    continuation="Case {case_ref} · {date}",
    number_words=(
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ),
)

PHRASES = {"de": GERMAN, "en": ENGLISH}
