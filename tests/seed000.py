"""Published figures of seed 000 (Bilag 1, 1. budgetopfølgning 2024, Ballerup Kommune): the test oracle."""

# Seed 000, 1st budgetopfølgning 2024, Ballerup Kommune (1.000 kr.): oprindeligt, korrektioner, forslag,
# forventet forbrug, afvigelse. Some rows do not add up when the printed figures are summed (BSU).
TABEL_1 = {
    "I alt": ["3.292.768", "-1.554", "3.291.214", "3.247.568", "-43.646"],
    "Klima- og Miljøudvalget": ["105.916", "466", "106.382", "113.760", "7.378"],
    "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget": ["98.166", "4.427", "102.593", "101.593", "-1.000"],
    "Børne- og Skoleudvalget": ["1.249.782", "-28.360", "1.221.421", "1.211.060", "-10.362"],
    "Kultur- og Fritidsudvalget": ["138.846", "8.535", "147.381", "140.644", "-6.737"],
    "Socialudvalget": ["368.627", "-166", "368.461", "349.748", "-18.713"],
    "Sundheds- og Ældreudvalget": ["684.368", "9.155", "693.523", "699.094", "5.571"],
    "Økonomiudvalget": ["647.063", "4.389", "651.452", "631.669", "-19.783"],
}
TABEL_2 = {
    "I alt": ["1.094.191", "169", "1.094.360", "1.093.327", "-1.033"],
    "Klima- og Miljøudvalget": ["-1.742", "0", "-1.742", "-1.649", "93"],
    "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget": ["835.525", "0", "835.525", "835.525", "0"],
    "Børne- og Skoleudvalget": ["-15.075", "0", "-15.075", "-11.953", "3.122"],
    "Kultur- og Fritidsudvalget": ["0", "0", "0", "0", "0"],
    "Socialudvalget": ["37.825", "169", "37.994", "35.694", "-2.300"],
    "Sundheds- og Ældreudvalget": ["236.020", "0", "236.020", "234.072", "-1.948"],
    "Økonomiudvalget": ["1.638", "0", "1.638", "1.638", "0"],
}


def vist(tal: str) -> str:
    """A published figure as the app shows it on pages and in PDFs: negative with the minus sign U+2212 (issue #13),
    the same digits. The oracle above keeps the figures as the seed prints them."""
    return "\u2212" + tal[1:] if tal.startswith("-") else tal


TABEL_1_VIST = {navn: [vist(t) for t in tal] for navn, tal in TABEL_1.items()}
TABEL_2_VIST = {navn: [vist(t) for t in tal] for navn, tal in TABEL_2.items()}
