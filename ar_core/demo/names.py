"""Word lists for demo company and contact names, kept apart so the generator stays readable."""

from __future__ import annotations

# fmt: off
DE_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
    "Herrmann", "König", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Vogel", "Friedrich", "Keller",
    "Günther", "Frank",
)
AT_NAMES = (
    "Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner",
    "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler", "Weber", "Schwarz", "Maier", "Reiter",
    "Brunner", "Lang", "Wimmer", "Egger",
)
DE_TRADES = (
    "Logistik", "Maschinenbau", "Elektrotechnik", "Bau", "Handel", "Metallbau", "Kunststofftechnik",
    "Lebensmittel", "Holzverarbeitung", "Verpackung", "Antriebstechnik", "Medizintechnik", "Automation",
    "Haustechnik", "Druckerei", "Spedition", "Getränke", "Textil", "Chemie", "Anlagenbau",
    "Fördertechnik", "Landtechnik",
)
DE_FORMS = (
    ("GmbH", 0.5), ("GmbH & Co. KG", 0.2), ("AG", 0.1), ("KG", 0.15), ("e.K.", 0.05),
)
AT_FORMS = (
    ("GmbH", 0.65), ("AG", 0.1), ("KG", 0.15), ("OG", 0.1),
)
NL_NAMES = (
    "Jansen", "de Jong", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
    "van der Linden", "Vermeulen", "Schouten", "Willems",
)
NL_TRADES = (
    "Logistiek", "Techniek", "Bouw", "Groothandel", "Installatietechniek", "Transport", "Metaal",
    "Verpakkingen", "Voeding", "Machinebouw", "Elektro", "Kunststoffen", "Handelsonderneming",
    "Automatisering", "Drukkerij", "Tuinbouw", "Staalbouw",
)
NL_FORMS = (
    ("B.V.", 0.85), ("N.V.", 0.05), ("V.O.F.", 0.1),
)
BE_NL_NAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
    "De Smet", "Dubois", "Vermeulen", "Van Damme", "Hermans", "Desmet", "De Clercq", "Pauwels",
    "Verstraete", "Van de Velde", "Michiels",
)
BE_NL_FORMS = (
    ("NV", 0.45), ("BV", 0.4), ("NV/SA", 0.15),
)
FR_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Lambert", "Dupont", "Renard",
    "Leclercq", "Dumont", "Lejeune", "Deschamps",
)
FR_TRADES = (
    "Logistique", "Construction", "Distribution", "Métallurgie", "Transports", "Emballages",
    "Alimentation", "Électricité", "Industrie", "Services", "Mécanique", "Plasturgie", "Imprimerie",
    "Négoce", "Bâtiment",
)
FR_FORMS = (
    ("SARL", 0.4), ("SAS", 0.45), ("SA", 0.15),
)
BE_FR_FORMS = (
    ("SA", 0.45), ("SRL", 0.4), ("NV/SA", 0.15),
)
FIRST_NAMES = {
    "de": (
        "Anna", "Thomas", "Sabine", "Michael", "Julia", "Stefan", "Katrin", "Andreas", "Petra", "Markus",
        "Birgit", "Frank", "Heike", "Jürgen",
    ),
    "nl": (
        "Sanne", "Daan", "Lotte", "Joost", "Femke", "Bram", "Eva", "Thijs", "Anouk", "Pieter", "Marieke",
        "Wouter", "Inge", "Sven",
    ),
    "fr": (
        "Marie", "Pierre", "Camille", "Julien", "Sophie", "Nicolas", "Claire", "Antoine", "Isabelle",
        "Lucas", "Chloé", "Hélène",
    ),
    "en": (
        "James", "Emma", "Oliver", "Sarah", "Daniel", "Laura",
    ),
}
CITIES = {
    "DE": (
        "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Dortmund", "Essen",
        "Leipzig", "Bremen", "Dresden", "Hannover",
    ),
    "AT": (
        "Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels",
    ),
    "NL": (
        "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Tilburg", "Groningen", "Breda", "Zwolle",
    ),
    "BE": (
        "Antwerpen", "Gent", "Brugge", "Leuven", "Liège", "Namur", "Charleroi", "Bruxelles",
    ),
    "FR": (
        "Paris", "Lyon", "Lille", "Strasbourg", "Nantes", "Metz", "Reims", "Rouen",
    ),
}
PHONE_PREFIX = {"DE": "+49", "AT": "+43", "NL": "+31", "BE": "+32", "FR": "+33"}
# fmt: on
