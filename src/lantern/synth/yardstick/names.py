"""Name tables for the yardstick: forenames and surnames by broad ethnic group, and the ways
one name is written differently in different records (nicknames, respellings, transliterations).

Every list is ordered from the most to the least common, and the frequencies are the
yardstick's own (a Zipf-like fall with rank): they are common names in the United Kingdom and
elsewhere, not anyone's record. Groups are broad and only steer names; they say nothing else.
"""

from __future__ import annotations

#: Share of the population by name group (a northern English town; the yardstick's judgement,
#: close to the 2021 Census picture of such towns).
GROUP_WEIGHTS: dict[str, float] = {
    "white_british": 0.71,
    "south_asian": 0.12,
    "eastern_european": 0.05,
    "somali_arabic": 0.035,
    "west_african": 0.035,
    "caribbean": 0.035,
    "chinese": 0.015,
}

# Forenames: (female, male). White British forenames differ by generation: "young" for people
# born from 1995, "older" before.
FORENAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "white_british_young": (
        ("Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe", "Ella",
         "Jessica", "Charlotte", "Isabella", "Mia", "Ellie", "Evie", "Poppy", "Holly", "Lacey",
         "Megan", "Caitlin", "Kayleigh", "Shannon", "Jade", "Courtney", "Abigail", "Rebecca",
         "Eleanor", "Freya", "Leah", "Zoe", "Paige", "Aaliyah", "Katie", "Amber", "Summer",
         "Ruby", "Daisy", "Millie", "Erin", "Phoebe", "Scarlett", "Evelyn", "Harriet", "Imogen",
         "Lola", "Maisie", "Niamh", "Rosie", "Skye", "Tilly", "Willow", "Bethany", "Brooke",
         "Demi", "Georgia", "Hannah", "Jasmine", "Kelsey", "Libby", "Molly", "Nicole", "Robyn",
         "Sienna", "Tegan", "Abbie", "Alice", "Darcy", "Esme", "Florence", "Gracie", "Ivy"),
        ("Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Thomas", "Oscar",
         "William", "James", "Joshua", "Alfie", "Leo", "Ethan", "Daniel", "Samuel", "Joseph",
         "Tyler", "Connor", "Jayden", "Kyle", "Ryan", "Liam", "Callum", "Lewis", "Mason",
         "Riley", "Dylan", "Matthew", "Alexander", "Benjamin", "Nathan", "Reece", "Kai",
         "Archie", "Freddie", "Henry", "Isaac", "Jenson", "Logan", "Max", "Oakley", "Rory",
         "Sonny", "Theo", "Toby", "Zachary", "Aiden", "Bradley", "Cameron", "Declan", "Ellis",
         "Finley", "Harvey", "Jamie", "Jordan", "Kieran", "Louis", "Luke", "Morgan", "Owen",
         "Robbie", "Sam", "Scott", "Taylor", "Adam", "Aaron", "Brandon", "Charlie", "Corey"),
    ),
    "white_british_older": (
        ("Sarah", "Claire", "Emma", "Nicola", "Lisa", "Karen", "Michelle", "Susan", "Julie",
         "Elizabeth", "Margaret", "Catherine", "Helen", "Joanne", "Rachel", "Louise", "Kelly",
         "Donna", "Tracey", "Samantha", "Victoria", "Jennifer", "Dawn", "Alison", "Patricia",
         "Linda", "Ann", "Christine", "Jacqueline", "Stephanie", "Amanda", "Gemma",
         "Angela", "Barbara", "Carol", "Deborah", "Denise", "Diane", "Gillian", "Hazel",
         "Janet", "Jean", "Joan", "Joyce", "Judith", "Kathleen", "Lesley", "Lorraine", "Maureen",
         "Pauline", "Sharon", "Sheila", "Sandra", "Valerie", "Wendy", "Yvonne", "Beverley",
         "Caroline", "Kirsty", "Natalie", "Hayley", "Leanne", "Laura", "Lindsay", "Vicky"),
        ("David", "Paul", "Mark", "Andrew", "John", "Michael", "Stephen", "Richard", "Peter",
         "Christopher", "Robert", "Ian", "Gary", "Darren", "Lee", "Craig", "Anthony", "Kevin",
         "Steven", "Neil", "Simon", "Jason", "Wayne", "Martin", "Philip", "Stuart", "Dean",
         "Shaun", "Jonathan", "Nicholas", "William", "James", "Thomas", "Daniel",
         "Alan", "Barry", "Brian", "Colin", "Derek", "Dennis", "Edward", "Frank", "Geoffrey",
         "Gordon", "Graham", "Keith", "Kenneth", "Malcolm", "Nigel", "Raymond", "Roger",
         "Ronald", "Terence", "Trevor", "Alistair", "Carl", "Glen", "Gavin", "Jamie", "Karl",
         "Matthew", "Russell", "Scott", "Adrian", "Duncan", "Gareth", "Graeme", "Robert"),
    ),
    "south_asian": (
        ("Fatima", "Aisha", "Maryam", "Zainab", "Amina", "Hafsa", "Khadija", "Sana", "Ayesha",
         "Noor", "Iqra", "Mehreen", "Nazia", "Shazia", "Samina", "Rubina", "Saima", "Priya",
         "Anjali", "Simran", "Hira", "Alisha", "Zara", "Inaya", "Safa"),
        ("Mohammed", "Muhammad", "Ali", "Ibrahim", "Yusuf", "Hamza", "Ahmed", "Adam", "Bilal",
         "Imran", "Zain", "Usman", "Omar", "Hassan", "Abdullah", "Arjun", "Aryan", "Harpreet",
         "Rizwan", "Tariq", "Asif", "Shahid", "Kamran", "Faisal", "Zubair", "Ayaan"),
    ),
    "eastern_european": (
        ("Aleksandra", "Katarzyna", "Agnieszka", "Małgorzata", "Anna", "Magdalena", "Joanna",
         "Natalia", "Zuzanna", "Julia", "Maria", "Ioana", "Andreea", "Elena", "Alina", "Gabriela",
         "Oliwia", "Wiktoria"),
        ("Jakub", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Łukasz", "Marcin",
         "Kacper", "Wojciech", "Aleksander", "Szymon", "Andrei", "Alexandru", "Ionuț", "Mihai",
         "Gheorghe", "Bogdan", "Dawid"),
    ),
    "somali_arabic": (
        ("Fatima", "Amina", "Hodan", "Sahra", "Ayan", "Hibo", "Khadija", "Ifrah", "Nimco",
         "Hawa", "Layla", "Mariam", "Yasmin", "Asha", "Deqa"),
        ("Mohamed", "Abdirahman", "Abdullahi", "Ahmed", "Hassan", "Ali", "Omar", "Yusuf",
         "Ibrahim", "Mustafa", "Abdi", "Khalid", "Osman", "Hamza", "Said", "Faisal"),
    ),
    "west_african": (
        ("Blessing", "Precious", "Chioma", "Oluwaseun", "Temitope", "Adaeze", "Ngozi", "Favour",
         "Esther", "Funmilayo", "Ifeoma", "Abimbola", "Grace", "Joy", "Oluwadamilola"),
        ("Emmanuel", "David", "Samuel", "Oluwaseun", "Chukwuemeka", "Adebayo", "Oluwatobi",
         "Daniel", "Tunde", "Chinedu", "Kwame", "Femi", "Joshua", "Ikechukwu", "Olumide"),
    ),
    "caribbean": (
        ("Shanice", "Keisha", "Tanisha", "Jasmine", "Aaliyah", "Chantelle", "Nia", "Kayla",
         "Jade", "Marcia", "Beverley", "Paulette", "Simone", "Tia", "Amari"),
        ("Tyrese", "Jermaine", "Marcus", "Andre", "Leon", "Dwayne", "Kai", "Jayden", "Malik",
         "Delroy", "Winston", "Trevor", "Nathaniel", "Isaiah", "Reuben"),
    ),
    "chinese": (
        ("Mei", "Xiu", "Li Na", "Ying", "Hui", "Jing", "Lan", "Xiaoling", "Yan", "Wen"),
        ("Wei", "Jun", "Hao", "Ming", "Jian", "Lei", "Tao", "Yong", "Bo", "Chen"),
    ),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    "white_british": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
        "Wood", "Jackson", "Clarke", "Harrison", "Hughes", "Cooper", "Turner", "Hill", "Ward",
        "Moore", "Lee", "Baker", "Harris", "Martin", "Morris", "Clark", "King", "Atkinson",
        "Dixon", "Heslop", "Armstrong", "Charlton", "Milburn", "Robson", "Forster", "Scott",
        "Graham", "Bell", "Fenwick", "Elliott", "Reid", "McDonald", "O'Neill", "Gray",
        "Phillips", "Macdonald", "Pattinson", "Hutchinson", "Ridley", "Stobbart", "Nesbitt",
    ),
    "south_asian": (
        "Khan", "Hussain", "Ahmed", "Ali", "Akhtar", "Iqbal", "Mahmood", "Shah", "Rahman",
        "Chaudhry", "Malik", "Butt", "Raja", "Mirza", "Aslam", "Sharma", "Patel", "Singh",
        "Qureshi", "Javed", "Anwar", "Uddin", "Miah", "Islam", "Bashir", "Rashid", "Nawaz",
        "Saleem", "Sadiq", "Siddiqui", "Zaman", "Gill", "Sandhu", "Mistry", "Kumar", "Rana",
    ),
    "eastern_european": (
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
        "Zieliński", "Szymański", "Dąbrowski", "Popescu", "Ionescu", "Popa", "Dumitru",
        "Stan", "Constantin", "Lazăr", "Mazur", "Krawczyk", "Piotrowski", "Grabowski",
        "Pawłowski", "Michalski", "Wróbel", "Jabłoński", "Nowakowski", "Stoica", "Moldovan",
        "Munteanu", "Rusu", "Gheorghe", "Matei", "Ciobanu", "Balan", "Marin",
    ),
    "somali_arabic": (
        "Mohamed", "Ahmed", "Hassan", "Ali", "Abdi", "Farah", "Warsame", "Osman", "Yusuf",
        "Ibrahim", "Nur", "Jama", "Omar", "Hussein", "Aden", "Salah",
    ),
    "west_african": (
        "Okafor", "Adeyemi", "Okonkwo", "Oluwole", "Adebayo", "Eze", "Nwosu", "Mensah",
        "Balogun", "Ogunleye", "Afolabi", "Okeke", "Boateng", "Owusu", "Adeleke",
    ),
    "caribbean": (
        "Campbell", "Williams", "Brown", "Francis", "Henry", "Grant", "Thomas", "Clarke",
        "Lewis", "Johnson", "Bailey", "Reid", "Gordon", "Stewart", "Morgan",
    ),
    "chinese": (
        "Wang", "Li", "Zhang", "Chen", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin",
        "Wong", "Chan", "Cheung",
    ),
}

#: The names each group's "very common name" clusters are made of: (female, male, surname).
COMMON_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "white_british": (("Olivia", "Emily", "Sophie"), ("Jack", "Oliver", "James"),
                      ("Smith", "Brown", "Taylor")),
    "south_asian": (("Fatima", "Aisha"), ("Mohammed", "Muhammad"), ("Khan", "Hussain", "Ali")),
    "somali_arabic": (("Amina",), ("Mohamed", "Abdirahman"), ("Mohamed", "Ahmed")),
}

#: Nicknames and short forms a record may use instead of the given name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"), "Margaret": ("Maggie", "Peggy", "Maggy"),
    "Catherine": ("Cath", "Kate", "Cathy"), "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"), "Victoria": ("Vicky", "Tori"), "Jessica": ("Jess",),
    "Samantha": ("Sam", "Sammy"), "Charlotte": ("Charlie", "Lottie"), "Abigail": ("Abbie",),
    "Olivia": ("Liv", "Livvy"), "Amelia": ("Millie",), "Isabella": ("Bella", "Izzy"),
    "Eleanor": ("Ellie", "Nell"), "Jacqueline": ("Jackie",), "Christine": ("Chris",),
    "Patricia": ("Pat", "Trish"), "Stephanie": ("Steph",), "Susan": ("Sue",),
    "Courtney": ("Court",), "Kayleigh": ("Kay",), "Gabriela": ("Gabi",),
    "William": ("Will", "Bill", "Billy"), "Robert": ("Rob", "Bob", "Robbie"),
    "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jimmy", "Jamie"), "Michael": ("Mike", "Mick"),
    "Daniel": ("Dan", "Danny"), "Samuel": ("Sam", "Sammy"), "Joseph": ("Joe", "Joey"),
    "Joshua": ("Josh",), "Matthew": ("Matt",), "Christopher": ("Chris", "Kit"),
    "Nicholas": ("Nick", "Nicky"), "Anthony": ("Tony", "Ant"), "Jonathan": ("Jon", "Jonny"),
    "Benjamin": ("Ben", "Benji"), "Oliver": ("Ollie",), "Alexander": ("Alex", "Sandy"),
    "Andrew": ("Andy", "Drew"), "Richard": ("Rich", "Rick", "Dick"), "Peter": ("Pete",),
    "Stephen": ("Steve",), "Steven": ("Steve",), "Philip": ("Phil",), "Kevin": ("Kev",),
    "Callum": ("Cal",), "Nathan": ("Nate",), "Alfie": ("Alf",), "Harry": ("Haz",),
    "Mohammed": ("Mo", "Mohd"), "Muhammad": ("Mo", "Muhd"), "Mohamed": ("Mo",),
    "Abdirahman": ("Abdi",), "Abdullahi": ("Abdi",), "Ibrahim": ("Ibby",),
    "Aleksandra": ("Ola", "Ala"), "Małgorzata": ("Gosia",), "Katarzyna": ("Kasia",),
    "Agnieszka": ("Aga",), "Aleksander": ("Olek",), "Wojciech": ("Wojtek",),
    "Krzysztof": ("Krzys",), "Alexandru": ("Alex",), "Gheorghe": ("George",),
    "Oluwaseun": ("Seun",), "Oluwatobi": ("Tobi",), "Chukwuemeka": ("Emeka",),
    "Adebayo": ("Bayo",), "Oluwadamilola": ("Dami", "Damilola"), "Temitope": ("Tope",),
    "Funmilayo": ("Funmi",), "Ikechukwu": ("Ike",), "Abimbola": ("Bimbo",),
    "Nathaniel": ("Nate", "Nat"), "Jermaine": ("Jay",), "Isaiah": ("Zay",),
}

#: Names that sound alike and are spelt differently (phonetic respellings).
RESPELLINGS: tuple[tuple[str, ...], ...] = (
    ("Catherine", "Kathryn", "Katherine", "Kathrine"), ("Stephen", "Steven"),
    ("Jayden", "Jaden", "Jaydon", "Jaiden"), ("Aaliyah", "Aliyah", "Aleah"),
    ("Philip", "Phillip"), ("Rachel", "Rachael"), ("Zoe", "Zoey"), ("Sean", "Shaun", "Shawn"),
    ("Caitlin", "Katelyn", "Kaitlyn"), ("Megan", "Meghan"), ("Ann", "Anne"),
    ("Connor", "Conor"), ("Kayleigh", "Kayley", "Kaylee"), ("Lacey", "Lacie"),
    ("Matthew", "Mathew"), ("Neil", "Neal"), ("Jon", "John"), ("Lee", "Leigh"),
    ("Tracey", "Tracy"), ("Shannon", "Shanon"), ("Courtney", "Kortney"), ("Reece", "Rhys"),
    ("Isla", "Ayla"), ("Ellie", "Elly"), ("Leah", "Lea"), ("Kyle", "Kile"), ("Mia", "Miah"),
    ("Alisha", "Alicia"), ("Tyrese", "Tyreece"), ("Jasmine", "Jazmin", "Yasmin"),
    ("Chantelle", "Shantelle"), ("Keisha", "Kiesha"),
    # surnames
    ("Smith", "Smyth"), ("Thompson", "Thomson"), ("Clarke", "Clark"), ("Reid", "Read", "Reed"),
    ("Gray", "Grey"), ("Phillips", "Philips"), ("Davies", "Davis"), ("Brown", "Browne"),
    ("Macdonald", "McDonald", "MacDonald"), ("Forster", "Foster"), ("Elliott", "Elliot"),
    ("Pattinson", "Pattison"), ("Atkinson", "Atkison"),
)

#: Spellings of one name from another script (transliteration variants).
TRANSLITERATIONS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad"),
    ("Ahmed", "Ahmad", "Ahmet"), ("Hussain", "Hussein", "Husain", "Hossain"),
    ("Fatima", "Fatimah", "Fatma"), ("Aisha", "Ayesha", "Aysha", "Aishah"),
    ("Yusuf", "Yousef", "Yusef", "Yousuf"), ("Abdullahi", "Abdulahi", "Cabdullahi"),
    ("Khadija", "Khadijah", "Khadeeja"), ("Mustafa", "Mustapha", "Mostafa"),
    ("Osman", "Othman", "Usman", "Uthman"), ("Abdirahman", "Abdurahman", "Cabdiraxmaan"),
    ("Zainab", "Zaynab", "Zaineb"), ("Ibrahim", "Ebrahim", "Ibraheem"), ("Hamza", "Hamzah"),
    ("Ayaan", "Ayan"), ("Chaudhry", "Choudhury", "Chowdhury", "Chaudhary"),
    ("Rahman", "Rehman"), ("Mahmood", "Mahmud", "Mehmood"), ("Akhtar", "Akhter"),
    ("Maryam", "Mariam", "Maryum"), ("Amina", "Aminah", "Ameena"), ("Said", "Saeed", "Sayid"),
    ("Hassan", "Hasan"), ("Omar", "Umar"), ("Nur", "Noor", "Nuur"), ("Warsame", "Warsama"),
    ("Sahra", "Sahara", "Zahra"), ("Hodan", "Hoodan"), ("Iqra", "Iqrah"),
    ("Zhang", "Chang", "Cheung"), ("Chen", "Chan"), ("Liu", "Lau"), ("Huang", "Wong"),
    ("Zhou", "Chow"), ("Wu", "Ng"), ("Li", "Lee"), ("Wei", "Way"),
    ("Oluwaseun", "Oluseun"), ("Chukwuemeka", "Chukwuma"), ("Adeyemi", "Adeyemy"),
)

#: Polish, Romanian and other letters that English systems often drop.
DIACRITIC_FOLDS = str.maketrans({
    "ł": "l", "Ł": "L", "ś": "s", "Ś": "S", "ó": "o", "ą": "a", "ę": "e", "ń": "n", "ć": "c",
    "ż": "z", "ź": "z", "Ż": "Z", "ă": "a", "ț": "t", "ș": "s", "î": "i", "â": "a",
})

#: Name groups that usually keep their own surname on marriage and whose children's surname
#: may follow the father's given name (Somali) or the father's family name (the others).
WIFE_KEEPS_SURNAME = frozenset({"somali_arabic", "chinese", "west_african"})
PATRONYMIC = frozenset({"somali_arabic"})
#: Groups whose name order is often confused by English systems (family name first).
ORDER_CONFUSED = frozenset({"chinese", "somali_arabic", "west_african"})


#: Surnames only women carry (Bangladeshi, Pakistani and Sikh naming), never a household's.
WOMENS_SURNAMES = ("Begum", "Bibi", "Khatun")

# English surnames from places (root and ending), a long tail after the common ones.
_ROOTS = (
    "Ash", "Black", "Brad", "Brom", "Cald", "Charl", "Cold", "Cran", "Dal", "Dun", "Eller",
    "Fair", "Fern", "Gar", "Green", "Hal", "Hard", "Hather", "Hey", "Holm", "Hors", "Kirk",
    "Lang", "Lid", "Mar", "Mid", "Moss", "Nether", "New", "Oak", "Pen", "Red", "Ridg",
    "Shel", "Stain", "Stan", "Thorn", "Tod", "Wal", "Whit", "Wint", "Wood",
)
_ENDINGS = ("ley", "ton", "worth", "field", "by", "well", "burn", "croft", "dale", "ham", "wick")


def _place_surnames() -> tuple[str, ...]:
    made = [root + ending for root in _ROOTS for ending in _ENDINGS]
    return tuple(dict.fromkeys(made))


SURNAMES = {**SURNAMES, "white_british": (*SURNAMES["white_british"], *_place_surnames())}


def variant_index(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """Map each name to the other spellings in its group."""
    index: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for name in group:
            others = tuple(other for other in group if other != name)
            index[name] = tuple(dict.fromkeys((*index.get(name, ()), *others)))
    return index


RESPELLING_OF = variant_index(RESPELLINGS)
TRANSLITERATION_OF = variant_index(TRANSLITERATIONS)


def feminine_surname(surname: str) -> str:
    """The feminine form of a Polish surname (Kowalski, Kowalska); others are unchanged."""
    for masculine, feminine in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine
    return surname


#: Parts of the fictional town's street names.
STREET_WORDS = (
    "Larkspur", "Kestrel", "Foundry", "Tanners", "Wyvern", "Chapel", "Ashgrove", "Millrace",
    "Bracken", "Heron", "Coldwell", "Ropery", "Saltmeadow", "Furnace", "Linnet", "Thornfield",
    "Gallowgate", "Keelman", "Staithes", "Hawthorn", "Alder", "Rowan", "Sycamore", "Pennywell",
    "Cinderhill", "Brackenbury", "Quarry", "Wagonway", "Colliery", "Lampton", "Brewers",
    "Netherby", "Harrowgate", "Bleachfield", "Clayworth", "Sandpiper", "Mariners", "Dunmore",
    "Fellside", "Glebe", "Orchard", "Priory", "Rectory", "Ferry", "Lockside", "Wharf",
    "Copperas", "Brickfield", "Weavers", "Tollgate", "Beacon", "Windmill", "Burnside",
    "Dene", "Haugh", "Moorside", "Whinfield", "Lowther", "Stanmore", "Kirkby",
)
STREET_KINDS = (
    ("Road", "Rd"), ("Street", "St"), ("Lane", "Ln"), ("Close", "Cl"), ("Avenue", "Ave"),
    ("Terrace", "Terr"), ("Way", "Way"), ("Court", "Ct"), ("Drive", "Dr"), ("Grove", "Gr"),
)
STREET_PREFIXES = ("", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "Old ", "New ")
