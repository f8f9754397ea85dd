"""Sentence templates for ``Explanation.render``, one entry per phrase key.

Placeholders take a spec that sets their local format: ``date`` for an ISO
date, ``eur`` for an amount shown with two decimals, ``num`` for a decimal
shown with all its digits. Every key needs a template in every language.
"""

from __future__ import annotations

LANGUAGES = ("de", "en")

PHRASES: dict[str, dict[str, str]] = {
    "basis": {
        "de": "Rechtsgrundlage der Berechnung ist {rule}.",
        "en": "The calculation follows {rule}.",
    },
    "table": {
        "de": "Verwendet wird der Tabellenstand „{table}“.",
        "en": "It uses the table version “{table}”.",
    },
    # Default interest, §§ 288, 289 BGB.
    "interest.none": {
        "de": (
            "Der Zahlungseingang am {payment_day:date} liegt nicht nach dem "
            "ersten Verzugstag {first_day:date}, daher fallen keine Zinsen an."
        ),
        "en": (
            "The payment arrived on {payment_day:date}, not after the first day "
            "of default {first_day:date}, so no interest is due."
        ),
    },
    "interest.claim": {
        "de": (
            "Die Hauptforderung von {principal:eur} EUR wird vom {first_day:date} "
            "bis einschließlich {last_day:date} verzinst; der Tag des "
            "Zahlungseingangs {payment_day:date} zählt nicht mit."
        ),
        "en": (
            "The principal of {principal:eur} EUR bears interest from "
            "{first_day:date} up to and including {last_day:date}; the day the "
            "payment arrives, {payment_day:date}, does not count."
        ),
    },
    "interest.rate.consumer": {
        "de": (
            "Der Zinssatz beträgt {points:num} Prozentpunkte über dem "
            "Basiszinssatz, weil ein Verbraucher beteiligt ist."
        ),
        "en": (
            "The rate is {points:num} percentage points above the base rate "
            "because a consumer is involved."
        ),
    },
    "interest.rate.business": {
        "de": (
            "Der Zinssatz beträgt {points:num} Prozentpunkte über dem "
            "Basiszinssatz, weil kein Verbraucher beteiligt ist."
        ),
        "en": (
            "The rate is {points:num} percentage points above the base rate "
            "because no consumer is involved."
        ),
    },
    "interest.rate.business_before_2014": {
        "de": (
            "Der Zinssatz beträgt {points:num} Prozentpunkte über dem "
            "Basiszinssatz, weil kein Verbraucher beteiligt ist und das "
            "Schuldverhältnis vor dem 29.07.2014 entstanden ist."
        ),
        "en": (
            "The rate is {points:num} percentage points above the base rate "
            "because no consumer is involved and the obligation arose before "
            "29 July 2014."
        ),
    },
    "interest.period": {
        "de": (
            "Vom {start:date} bis {end:date} ({days} Zinstage, Divisor "
            "{divisor}) gilt der Basiszinssatz {base_rate:num} %, also ein "
            "Zinssatz von {rate:num} %; das ergibt {interest:num} EUR."
        ),
        "en": (
            "From {start:date} to {end:date} ({days} interest days, divisor "
            "{divisor}) the base rate is {base_rate:num} %, so the rate is "
            "{rate:num} %, which gives {interest:num} EUR."
        ),
    },
    "interest.total": {
        "de": (
            "Die Summe von {exact:num} EUR wird einmal kaufmännisch auf "
            "{total:eur} EUR gerundet."
        ),
        "en": "The sum of {exact:num} EUR is rounded half up once, to {total:eur} EUR.",
    },
    # Collection and payment plan fees, RVG.
    "fee.uncontested": {
        "de": (
            "Die Forderung ist unbestritten, daher ist ein Gebührensatz von "
            "{low:num} bis {high:num} zulässig."
        ),
        "en": (
            "The claim is uncontested, so the rate may range from {low:num} to "
            "{high:num}."
        ),
    },
    "fee.disputed": {
        "de": (
            "Die Forderung ist bestritten, daher ist ein Gebührensatz von "
            "{low:num} bis {high:num} zulässig, über 1,3 nur bei umfangreicher "
            "oder schwieriger Tätigkeit."
        ),
        "en": (
            "The claim is disputed, so the rate may range from {low:num} to "
            "{high:num}, above 1.3 only for extensive or difficult work."
        ),
    },
    "fee.plan_value": {
        "de": (
            "Der Gegenstandswert der Zahlungsvereinbarung beträgt {share} % der "
            "Forderung von {value:eur} EUR, also {fee_value:eur} EUR."
        ),
        "en": (
            "The value of the payment agreement is {share} % of the claim of "
            "{value:eur} EUR, that is {fee_value:eur} EUR."
        ),
    },
    "fee.base": {
        "de": (
            "Die 1,0-Gebühr für einen Gegenstandswert von {value:eur} EUR "
            "beträgt nach „{table}“ {base:eur} EUR."
        ),
        "en": (
            "The 1.0 fee for a value of {value:eur} EUR is {base:eur} EUR "
            "under “{table}”."
        ),
    },
    "fee.rate": {
        "de": (
            "Der Gebührensatz {rate:num} ergibt {rate:num} × {base:eur} EUR = "
            "{fee:eur} EUR, kaufmännisch auf den Cent gerundet."
        ),
        "en": (
            "The rate {rate:num} gives {rate:num} × {base:eur} EUR = {fee:eur} EUR, "
            "rounded half up to the cent."
        ),
    },
    "fee.minimum": {
        "de": "Die Mindestgebühr nach {rule} hebt die Gebühr auf {fee:eur} EUR an.",
        "en": "The minimum fee under {rule} raises the fee to {fee:eur} EUR.",
    },
    "fee.expenses": {
        "de": (
            "Die Auslagenpauschale nach Nr. 7002 VV RVG beträgt 20 % von "
            "{fee:eur} EUR, also {expenses:eur} EUR."
        ),
        "en": (
            "The flat rate for expenses under Nr. 7002 VV RVG is 20 % of "
            "{fee:eur} EUR, that is {expenses:eur} EUR."
        ),
    },
    "fee.expenses_capped": {
        "de": (
            "Die Auslagenpauschale nach Nr. 7002 VV RVG beträgt 20 % von "
            "{fee:eur} EUR, höchstens aber {expenses:eur} EUR."
        ),
        "en": (
            "The flat rate for expenses under Nr. 7002 VV RVG is 20 % of "
            "{fee:eur} EUR but at most {expenses:eur} EUR."
        ),
    },
    "fee.vat": {
        "de": (
            "Die Umsatzsteuer nach Nr. 7008 VV RVG beträgt 19 % von {net:eur} EUR, "
            "also {vat:eur} EUR."
        ),
        "en": (
            "VAT under Nr. 7008 VV RVG is 19 % of {net:eur} EUR, that is {vat:eur} EUR."
        ),
    },
    "fee.no_vat": {
        "de": (
            "Umsatzsteuer wird nicht berechnet, weil der Gläubiger sie als "
            "Vorsteuer abziehen kann."
        ),
        "en": "No VAT is charged because the creditor can deduct it as input tax.",
    },
    "fee.total": {
        "de": "Insgesamt ergeben sich {total:eur} EUR.",
        "en": "The total is {total:eur} EUR.",
    },
    # Allocation of payments, §§ 366, 367 BGB.
    "allocation.amount": {
        "de": "Eine Zahlung von {amount:eur} EUR wird zum {as_of:date} verrechnet.",
        "en": "A payment of {amount:eur} EUR is allocated as of {as_of:date}.",
    },
    "allocation.designated": {
        "de": (
            "Der Schuldner hat die Zahlung für {keys} bestimmt; diese Forderungen "
            "werden zuerst getilgt, jeweils Kosten, Zinsen, Hauptforderung."
        ),
        "en": (
            "The debtor designated the payment for {keys}; these claims are paid "
            "first, each in the order costs, interest, principal."
        ),
    },
    "allocation.by_component": {
        "de": (
            "Zuerst werden alle Kosten, dann alle Zinsen, dann alle "
            "Hauptforderungen getilgt, jeweils in der Reihenfolge {order}."
        ),
        "en": (
            "All costs are paid first, then all interest, then all principal, "
            "each in the order {order}."
        ),
    },
    "allocation.by_claim": {
        "de": (
            "Die Forderungen werden in der Reihenfolge {order} getilgt, jede "
            "in der Folge Kosten, Zinsen, Hauptforderung."
        ),
        "en": (
            "The claims are paid in the order {order}, each in the order costs, "
            "interest, principal."
        ),
    },
    "allocation.line.costs": {
        "de": "Auf die Kosten von {key} entfallen {amount:eur} EUR.",
        "en": "{amount:eur} EUR go to the costs of {key}.",
    },
    "allocation.line.interest": {
        "de": "Auf die Zinsen von {key} entfallen {amount:eur} EUR.",
        "en": "{amount:eur} EUR go to the interest of {key}.",
    },
    "allocation.line.principal": {
        "de": "Auf die Hauptforderung von {key} entfallen {amount:eur} EUR.",
        "en": "{amount:eur} EUR go to the principal of {key}.",
    },
    "allocation.no_remainder": {
        "de": "Die Zahlung ist damit vollständig verrechnet.",
        "en": "This uses up the whole payment.",
    },
    "allocation.remainder": {
        "de": "Es verbleibt ein Überschuss von {remainder:eur} EUR.",
        "en": "{remainder:eur} EUR are left over.",
    },
    # Start of default, § 286 BGB.
    "default.calendar.none": {
        "de": "Ein kalendermäßig vereinbarter Zahlungstermin liegt nicht vor.",
        "en": "No payment date was agreed by the calendar.",
    },
    "default.calendar": {
        "de": (
            "Der vereinbarte Zahlungstermin {due:date} ist ein Werktag, daher "
            "besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The agreed payment date {due:date} is a working day, so default "
            "begins on {first_day:date}."
        ),
    },
    "default.calendar.moved": {
        "de": (
            "Der vereinbarte Zahlungstermin {due:date} fällt auf ein Wochenende "
            "oder einen Feiertag und verschiebt sich nach § 193 BGB auf den "
            "{moved:date}, daher besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The agreed payment date {due:date} falls on a weekend or public "
            "holiday and moves to {moved:date} under § 193 BGB, so default "
            "begins on {first_day:date}."
        ),
    },
    "default.reminder.none": {
        "de": "Eine Mahnung liegt nicht vor.",
        "en": "There is no reminder.",
    },
    "default.reminder.no_due_date": {
        "de": (
            "Die Mahnung vom {reminder:date} zählt nicht, weil weder "
            "Fälligkeit noch Rechnungsdatum bekannt sind."
        ),
        "en": (
            "The reminder of {reminder:date} does not count because neither the "
            "due date nor the invoice date is known."
        ),
    },
    "default.reminder.too_early": {
        "de": (
            "Die Mahnung vom {reminder:date} zählt nicht, weil sie nicht nach "
            "der Fälligkeit am {due:date} zuging."
        ),
        "en": (
            "The reminder of {reminder:date} does not count because it was not "
            "received after the due date {due:date}."
        ),
    },
    "default.reminder": {
        "de": (
            "Die Mahnung ging am {reminder:date} nach Fälligkeit zu, daher "
            "besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The reminder was received on {reminder:date}, after the due date, "
            "so default begins on {first_day:date}."
        ),
    },
    "default.thirty_days.no_invoice": {
        "de": "Die 30-Tage-Regel greift nicht, weil kein Rechnungszugang bekannt ist.",
        "en": "The 30-day rule does not apply because no invoice receipt is known.",
    },
    "default.thirty_days.no_notice": {
        "de": (
            "Die 30-Tage-Regel greift gegenüber dem Verbraucher nicht, weil die "
            "Rechnung nicht auf diese Folge hingewiesen hat."
        ),
        "en": (
            "The 30-day rule does not apply against the consumer because the "
            "invoice did not point out this consequence."
        ),
    },
    "default.thirty_days": {
        "de": (
            "Die 30-Tage-Frist beginnt nach dem {start:date} und endet am "
            "{end:date}, daher besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The 30-day period runs from the day after {start:date} to "
            "{end:date}, so default begins on {first_day:date}."
        ),
    },
    "default.thirty_days.moved": {
        "de": (
            "Die 30-Tage-Frist beginnt nach dem {start:date} und endet am "
            "{end:date}, einem Wochenende oder Feiertag, nach § 193 BGB also am "
            "{moved:date}, daher besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The 30-day period runs from the day after {start:date} to "
            "{end:date}, a weekend day or public holiday, so under § 193 BGB to "
            "{moved:date}, and default begins on {first_day:date}."
        ),
    },
    "default.refusal.none": {
        "de": "Eine ernsthafte und endgültige Leistungsverweigerung liegt nicht vor.",
        "en": "There is no serious and final refusal to pay.",
    },
    "default.refusal": {
        "de": (
            "Der Schuldner hat die Zahlung am {refusal:date} ernsthaft und "
            "endgültig verweigert, daher besteht Verzug ab {first_day:date}."
        ),
        "en": (
            "The debtor seriously and finally refused payment on {refusal:date}, "
            "so default begins on {first_day:date}."
        ),
    },
    "default.none": {
        "de": "Der Schuldner befindet sich nicht im Verzug.",
        "en": "The debtor is not in default.",
    },
    "default.result": {
        "de": "Erster Verzugstag ist der {first_day:date} nach {rule}.",
        "en": "The first day of default is {first_day:date} under {rule}.",
    },
    # Limitation, §§ 195-212 BGB.
    "limitation.regular": {
        "de": (
            "Die regelmäßige Verjährungsfrist von drei Jahren beginnt mit dem "
            "Schluss des Jahres, in dem der Anspruch am {trigger:date} entstand "
            "oder bekannt wurde, und endet am {end:date}."
        ),
        "en": (
            "The regular three-year period starts at the end of the year in "
            "which the claim arose or became known ({trigger:date}) and ends "
            "on {end:date}."
        ),
    },
    "limitation.cap": {
        "de": (
            "Die Höchstfrist von zehn Jahren ab Entstehung nach § 199 Abs. 4 BGB "
            "endet schon am {end:date}."
        ),
        "en": (
            "The ten-year maximum from the day the claim arose "
            "(§ 199 Abs. 4 BGB) already ends on {end:date}."
        ),
    },
    "limitation.too_late": {
        "de": (
            "Das Ereignis vom {day:date} liegt nach Ablauf der Frist und wirkt "
            "nicht mehr."
        ),
        "en": "The event of {day:date} lies after the period ended and has no effect.",
    },
    "limitation.suspension": {
        "de": (
            "Vom {first:date} bis {last:date} ist die Verjährung gehemmt; diese "
            "{days} Tage verlängern die Frist bis zum {end:date}."
        ),
        "en": (
            "Limitation is suspended from {first:date} to {last:date}; these "
            "{days} days extend the period to {end:date}."
        ),
    },
    "limitation.restart_shorter": {
        "de": (
            "Das Anerkenntnis vom {day:date} verlängert die laufende Frist "
            "nicht, weil diese später endet."
        ),
        "en": (
            "The acknowledgement of {day:date} does not extend the running "
            "period because that period ends later."
        ),
    },
    "limitation.restart": {
        "de": (
            "Mit dem Anerkenntnis vom {day:date} beginnt die Verjährung nach "
            "§ 212 BGB neu und endet am {end:date}."
        ),
        "en": (
            "The acknowledgement of {day:date} restarts limitation under "
            "§ 212 BGB, and the new period ends on {end:date}."
        ),
    },
    "limitation.result": {
        "de": "Der Anspruch ist bis einschließlich {end:date} durchsetzbar.",
        "en": "The claim is enforceable up to and including {end:date}.",
    },
    # Court dunning procedure.
    "court.court_fee": {
        "de": (
            "Die Gerichtsgebühr nach KV Nr. 1100 GKG beträgt 0,5 × "
            "{court_base:eur} EUR, mindestens {minimum:eur} EUR, also "
            "{court_fee:eur} EUR."
        ),
        "en": (
            "The court fee under GKG KV Nr. 1100 is 0.5 × {court_base:eur} EUR, "
            "at least {minimum:eur} EUR, that is {court_fee:eur} EUR."
        ),
    },
    "court.lawyer_fees": {
        "de": (
            "Für den Antrag auf Mahnbescheid fallen {procedure_fee:eur} EUR "
            "(Nr. 3305 VV RVG) und für den Vollstreckungsbescheid "
            "{enforcement_fee:eur} EUR (Nr. 3308 VV RVG) an, dazu eine "
            "Auslagenpauschale von {expenses:eur} EUR."
        ),
        "en": (
            "The application for the dunning order costs {procedure_fee:eur} EUR "
            "(Nr. 3305 VV RVG) and the enforcement order {enforcement_fee:eur} EUR "
            "(Nr. 3308 VV RVG), plus a flat rate for expenses of {expenses:eur} EUR."
        ),
    },
    "court.vat": {
        "de": "Auf die Vertretungskosten kommen {vat:eur} EUR Umsatzsteuer.",
        "en": "VAT of {vat:eur} EUR is added to the representative's costs.",
    },
    "court.no_vat": {
        "de": "Umsatzsteuer wird nicht berechnet.",
        "en": "No VAT is charged.",
    },
    "court.total": {
        "de": (
            "Die geschätzten Kosten betragen insgesamt {total:eur} EUR bei einer "
            "Hauptforderung von {value:eur} EUR."
        ),
        "en": (
            "The estimated costs total {total:eur} EUR for a principal of "
            "{value:eur} EUR."
        ),
    },
}
