"""What the codes on the pages mean: product categories (WMO020, JZ020) and retourcodes (WJ001), in Dutch.

Category names are those of the 3.2 code lists; retourcode meanings are short paraphrases for a
reader of the client view, with the technische regel behind each 9xxx code. tests/web check that
every code of the 3.2 enumerations in schemas.spec has a text here.
"""

from __future__ import annotations

PRODUCT_CATEGORIES = {
    "01": "Hulp bij het huishouden",
    "02": "Begeleiding",
    "03": "Persoonlijke verzorging",
    "04": "Kortdurend verblijf",
    "05": "Woondiensten",
    "06": "Overige ondersteuning gericht op het individu of huishouden/gezin",
    "07": "Dagbesteding",
    "08": "Vervoerdiensten",
    "09": "Overige groepsgerichte ondersteuning",
    "10": "Overige maatwerkarrangementen",
    "11": "Rolstoelen",
    "12": "Vervoervoorzieningen",
    "13": "Woonvoorzieningen",
    "14": "Overige hulpmiddelen",
    "15": "Beschermd wonen",
    "16": "Opvang",
    "17": "Spoedopvang",
    "18": "Overige beschermd wonen en opvang",
    "31": "(2015) Zonder verblijf: wijk- of buurtteam",
    "32": "(2015) Zonder verblijf: ambulant bij de aanbieder",
    "33": "(2015) Zonder verblijf: daghulp bij de aanbieder",
    "34": "(2015) Zonder verblijf: in het netwerk",
    "35": "(2015) Met verblijf: pleegzorg",
    "36": "(2015) Met verblijf: gezinsgericht",
    "37": "(2015) Met verblijf: gesloten plaatsing",
    "38": "(2015) Met verblijf: overig residentieel",
    "40": "Persoonlijke verzorging",
    "41": "Dagbehandeling",
    "42": "Vervoerdiensten",
    "43": "Jeugdhulp verblijf (met behandeling)",
    "44": "Jeugdhulp verblijf (zonder behandeling)",
    "45": "Jeugdhulp ambulant",
    "46": "Jeugdhulp crisis",
    "47": "Jeugdreclassering",
    "48": "Jeugdbescherming",
    "49": "Preventief justitieel kader",
    "50": "Maatwerkarrangementen jeugd",
    "51": "Generalistische basis-ggz",
    "52": "Specialistische ggz",
    "53": "Kindergeneeskunde",
    "54": "Jeugd-ggz",
    "55": "Landelijk ingekochte zorg",
}

RETOURCODES = {
    "0001": "afgekeurd om technische redenen",
    "0200": "goedgekeurd (geen opmerking)",
    "0233": "niet beoordeeld",
    "0611": "tarief wijkt af van het contract (TR418)",
    "8001": "declaratie volledig toegekend",
    "8017": "creditregel zonder bekende debetregel (TR323)",
    "8021": "referentie van de prestatie al eerder aangeleverd (TR314)",
    "8187": "prestatie hoort niet bij deze cliënt (TR304)",
    "8214": "declaratieperiode sluit niet aan op de vorige (TR318)",
    "8848": "dagtekening ligt in de toekomst (TR135)",
    "9019": "geen toewijzing met dit nummer (TR019)",
    "9056": "berichtidentificatie niet uniek (TR056)",
    "9063": "geen eerder bericht om te verwijderen (TR063)",
    "9069": "geen actuele start met dezelfde sleutel (TR069)",
    "9071": "start niet te verwijderen: de levering is al gestopt (TR071)",
    "9074": "bericht met dezelfde sleutel al ontvangen (TR074)",
    "9307": "begindatum prestatie buiten de toewijzing (TR307)",
    "9308": "einddatum prestatie buiten de toewijzing (TR308)",
    "9319": "productperiode niet binnen een declaratieperiode (TR319)",
    "9321": "gedeclareerd volume groter dan toegewezen (TR321)",
    "9322": "samen gedeclareerd volume groter dan toegewezen (TR322)",
    "9326": "lopende levering nog niet gestopt (TR326)",
    "9332": "toewijzingnummer niet uniek (TR332)",
    "9333": "declaratienummer niet uniek (TR333)",
    "9338": "prestatie hoort bij geen toewijzing (TR338)",
    "9339": "productcategorie wijkt af van de toewijzing (TR339)",
    "9340": "productcode wijkt af van de toewijzing (TR340)",
    "9341": "eenheid past niet bij de toewijzing (TR341)",
    "9346": "bedrag is niet volume maal tarief (TR346)",
    "9347": "referentie aanbieder niet uniek (TR347)",
    "9349": "wijzigingsverzoek mist actuele toewijzingen (TR349)",
    "9350": "ongewijzigd product hoort bij geen actuele toewijzing (TR350)",
    "9351": "te wijzigen product hoort bij geen actuele toewijzing (TR351)",
    "9355": "antwoord op een onbekend verzoek (TR355)",
    "9357": "gewenste ingangsdatum in het verleden wijkt af (TR357)",
    "9359": "op dit verzoek is al een toewijzing gestuurd (TR359)",
    "9360": "tweede antwoord na 'in onderzoek' niet toegestaan (TR360)",
    "9361": "product meermaals met overlappende periodes (TR361)",
    "9365": "verzoek is al definitief beantwoord (TR365)",
    "9366": "prestatie niet in de declaratie (TR366)",
    "9367": "waarde wijkt af van de declaratie (TR367)",
    "9369": "gedeclareerd meer dan het budget (TR369)",
    "9373": "budgetwijziging met een andere ingangsdatum (TR373)",
    "9374": "er loopt al een verzoek (TR374)",
    "9375": "omvang bij een toewijzing zonder product (TR375)",
    "9379": "referentie aanbieder zonder verzoek (TR379)",
    "9384": "declaratie op een verwijderde toewijzing (TR384)",
    "9385": "toewijzing heeft goedgekeurde declaraties (TR385)",
    "9387": "productperiode begint niet op de eerste van de maand (TR387)",
    "9388": "productperiode eindigt niet op de laatste van de maand (TR388)",
    "9389": "debetregel zonder bijbehorende creditregel (TR389)",
    "9390": "creditregel al eerder ontvangen (TR390)",
    "9411": "omvang ontbreekt terwijl het product een code heeft (TR411)",
    "9412": "omvang gevuld terwijl het product geen code heeft (TR412)",
    "9413": "tijdelijke stop al gemeld voor deze levering (TR413)",
    "9414": "einddatum eerder dan die van de actuele stop (TR414)",
    "9415": "levering is al definitief gestopt (TR415)",
    "S300": "gemeentecode ongeldig (TR378)",
    "S329": "productcode hoort niet bij de categorie (TR381)",
}


def category_text(code: str | None) -> str:
    """'02 Begeleiding'; 'generiek' without a category (or '-', the lists' mark); unknown codes as is."""
    if not code or code == "-":
        return "generiek"
    name = PRODUCT_CATEGORIES.get(code)
    return f"{code} {name}" if name else code


def retourcode_text(code: str) -> str:
    meaning = RETOURCODES.get(code)
    return f"{code} {meaning}" if meaning else code
