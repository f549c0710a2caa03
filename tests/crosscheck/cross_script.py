"""Cross-script name test set: Arabic-script names with the Latin renderings met in practice.

Each person has one Arabic-script name (2-4 tokens; Arabic, Kurdish, a few Persian and Syriac
Christian names) and 2-4 Latin renderings in English, French, German and Levantine/Gulf/Egyptian
habits, with and without particles, some family name first. Persons listed in ``LOOKALIKES``
share one or two tokens with another person but are different people (same given and father's
name with another family name, father and son, Mohamed/Mahmoud, Hassan/Hussein...).

pairs() labels every pair of renderings of one person as the same, every pair between
look-alikes as different, and a fixed sample of pairs between unrelated persons as different.
"""

from __future__ import annotations

import random
from itertools import combinations

PEOPLE: dict[str, tuple[str, list[str]]] = {
    "p01": ("محمد علي حسين", ["Mohamed Ali Hussein", "Muhammad Ali Husayn",
                              "Mohammed Ali Hossein"]),
    "p02": ("محمود علي حسين", ["Mahmoud Ali Hussein", "Mahmud Ali Husayn", "Mahmood Ali Husein"]),
    "p03": ("محمد علي حسن", ["Mohamed Ali Hassan", "Muhammad Ali Hasan", "Mohammad Aly Hassan"]),
    "p04": ("عبد الرحمن يوسف الجبوري",
            ["Abdul Rahman Youssef al-Jubouri", "Abdurrahman Yusuf Al Jaburi",
             "AL-JUBOORI Abdelrahman Yousef", "Abderrahmane Youssef Jbouri"]),
    "p05": ("عبد الرحيم يوسف الجبوري", ["Abdul Rahim Youssef al-Jubouri",
                                        "Abdurrahim Yusuf Jaburi"]),
    "p06": ("خالد عبد الله العمر", ["Khaled Abdallah al-Omar", "Khalid Abdullah Al Umar",
                                    "Chaled Abdulla El Omar"]),
    "p07": ("أسامة جعفر الحلبي", ["Osama Jaafar al-Halabi", "Oussama Djafar El Halabi",
                                  "Usama Ja'far Halaby"]),
    "p08": ("قاسم فاضل الدليمي", ["Qasim Fadel al-Dulaimi", "Kassem Fadil Dulaimi",
                                  "Gasim Fadhil Al-Dulaymi", "Qassim Fazil el Duleimi"]),
    "p09": ("ضياء سعد التكريتي", ["Dhiya Saad al-Tikriti", "Diaa Sa'd Tikriti",
                                  "Ziya Saad at-Tikriti"]),
    "p10": ("أيمن عمر الزرقاوي", ["Ayman Omar al-Zarqawi", "Aiman Umar Zarkaoui",
                                  "Eyman Omar Az-Zarqawi"]),
    "p11": ("هشام مصطفى الشامي", ["Hisham Mustafa al-Shami", "Hicham Moustapha Chami",
                                  "Hesham Mostafa El-Shamy"]),
    "p12": ("فاطمة محمد النوري", ["Fatima Mohamed al-Nouri", "Fatma Muhammad Nuri",
                                  "Fatimah Mohammed An-Nuri"]),
    "p13": ("يوسف إبراهيم الخطيب", ["Youssef Ibrahim al-Khatib", "Yusuf Ebrahim Khateeb",
                                     "Yousef Brahim El Khatib"]),
    "p14": ("صلاح الدين أحمد البرزنجي", ["Salah ad-Din Ahmed al-Barzanji",
                                         "Salaheddine Ahmad Barzinji",
                                         "Salahuddin Ahmed Barzanjy"]),
    "p15": ("نور الدين حسن القاضي", ["Nour Eddine Hassan el-Kadi", "Nureddin Hasan al-Qadi",
                                     "Noureddine Hassan Qadhi"]),
    "p16": ("أبو بكر عمر البغدادي", ["Abu Bakr Omar al-Baghdadi", "Aboubakr Umar Baghdadi",
                                     "Abou Bakr Omar El Baghdady"]),
    "p17": ("ئەحمەد مەحموود بارزانی", ["Ahmed Mahmoud Barzani", "Ahmad Mahmud Barzany",
                                        "Ehmed Mehmud Barzani"]),
    "p18": ("هێمن عوسمان تاڵەبانی", ["Hemin Osman Talabani", "Himen Othman Talabany",
                                      "Hemin Uthman Talebani"]),
    "p19": ("شێرکۆ کەریم ڕەشید", ["Sherko Karim Rashid", "Shirko Kareem Rasheed",
                                  "Chirko Karim Rachid"]),
    "p20": ("ژیان ئازاد مەحمود", ["Zhiyan Azad Mahmoud", "Jiyan Azad Mahmud", "Zhian Azad Mehmud"]),
    "p21": ("ڤیان دلشاد حەسەن", ["Vian Dilshad Hasan", "Viyan Dilshad Hassan",
                                 "Vian Delshad Hasan"]),
    "p22": ("گوڵاڵە کاوە ئەمین", ["Gulala Kawa Amin", "Golala Kawa Amine", "Gulale Kawe Ameen"]),
    "p23": ("حسین رضایی", ["Hossein Rezaei", "Hussein Rezaee", "Hosein Rezai"]),
    "p24": ("علی اکبر موسوی", ["Ali Akbar Mousavi", "Ali Akbar Musawi", "Aliakbar Moussavi"]),
    "p25": ("وليد أحمد السامرائي", ["Walid Ahmed al-Samarrai", "Oualid Ahmad Samarraie",
                                    "Waleed Ahmed As-Samarra'i"]),
    "p26": ("زياد حامد العبيدي", ["Ziad Hamed al-Obeidi", "Ziyad Hamid Al-Ubaydi",
                                  "Ziad Hamed El Obaidi"]),
    "p27": ("زياد حمد العبيدي", ["Ziad Hamad al-Obeidi", "Ziyad Hamad Ubaydi"]),
    "p28": ("مروان سليمان الأسعد", ["Marwan Sulaiman al-Asaad", "Marouane Slimane El Assad",
                                    "Marwan Suleiman Al-As'ad"]),
    "p29": ("حيدر جواد الموسوي", ["Haidar Jawad al-Moussawi", "Hayder Jawad Musawi",
                                  "Haider Jawad Al-Mousawi"]),
    "p30": ("رياض نزار الحكيم", ["Riyadh Nizar al-Hakim", "Riad Nizar el-Hakeem",
                                 "Riyad Nezar Hakim"]),
    "p31": ("ناظم منذر الراوي", ["Nadhim Munther al-Rawi", "Nazim Mundhir Rawi",
                                 "Nathim Munzer Al-Rawi"]),
    "p32": ("عائشة عبد القادر بن علي", ["Aicha Abdelkader Ben Ali", "Aisha Abd al-Qadir bin Ali",
                                        "Aysha Abdulkader Benali"]),
    "p33": ("مصطفى عبد العزيز الفارس", ["Mustafa Abdulaziz al-Faris", "Moustafa Abdelaziz Fares",
                                        "Mostafa Abd el-Aziz El-Fares"]),
    "p34": ("إسماعيل هادي الجنابي", ["Ismail Hadi al-Janabi", "Ismael Hady Janabi",
                                     "Esmail Hadi Al-Jannabi"]),
    "p35": ("جمال عبد الناصر حسين", ["Gamal Abdel Nasser Hussein", "Jamal Abd al-Nasir Husayn",
                                     "Gamal Abdelnasser Hussien"]),
    "p36": ("رجب نجيب المصري", ["Ragab Naguib el-Masry", "Rajab Najib al-Masri",
                                "Ragab Nagib Masri"]),
    "p37": ("ياسين عبد الكريم الهاشمي", ["Yassine Abdelkrim El Hachemi",
                                         "Yasin Abdul Karim al-Hashimi",
                                         "Yaseen Abdulkarim Hashemi"]),
    "p38": ("أمين بشير الطرابلسي", ["Amine Bachir Trabelsi", "Amin Bashir al-Tarabulsi",
                                    "Ameen Basheer Al-Trabulsi"]),
    "p39": ("سميرة عادل الحسيني", ["Samira Adel al-Husseini", "Samirah Adil Husayni",
                                   "Sameera Adel El Husseiny"]),
    "p40": ("سمير عادل الحسيني", ["Samir Adel al-Husseini", "Sameer Adil Husayni"]),
    "p41": ("حمزة طارق الشمري", ["Hamza Tariq al-Shammari", "Hamzah Tarek Shammary",
                                 "Hamza Tareq Al-Chammari"]),
    "p42": ("عثمان غسان الحديثي", ["Othman Ghassan al-Hadithi", "Uthman Ghasan Hadithy",
                                   "Osman Ghassan El Haditi"]),
    "p43": ("بلال إدريس الصومالي", ["Bilal Idris al-Somali", "Bilel Driss Soumali",
                                    "Bilal Idriss Al-Sumali"]),
    "p44": ("مريم خليل الدباغ", ["Maryam Khalil al-Dabbagh", "Mariam Khaleel Dabbag",
                                 "Meryem Khalil Al-Dabagh"]),
    "p45": ("زينب جاسم الكعبي", ["Zainab Jassim al-Kaabi", "Zeinab Jasem Kaabi",
                                 "Zaynab Jasim Al-Ka'bi"]),
    "p46": ("عمار ياسر العاني", ["Ammar Yasser al-Ani", "Amar Yasir Aani", "Ammar Yaser El-Ani"]),
    "p47": ("منصور سالم الكبيسي", ["Mansour Salem al-Kubaisi", "Mansur Salim Kubaysi",
                                   "Mansour Saleem Al-Koubaissi"]),
    "p48": ("وائل شريف العلي", ["Wael Sharif al-Ali", "Wail Cherif El Ali", "Wa'il Shareef Ali"]),
    "p49": ("أنور فيصل العتيبي", ["Anwar Faisal al-Otaibi", "Anouar Faycal Otaibi",
                                  "Anwar Faysal Al-Utaybi"]),
    "p50": ("طلال رشيد الخزرجي", ["Talal Rashid al-Khazraji", "Talal Rachid Khazraji",
                                  "Talal Rasheed Al-Khazragy"]),
    "p51": ("سوزان عمر أحمد", ["Suzan Omar Ahmed", "Souzane Omar Ahmad", "Suzan Umar Ahmed"]),
    "p52": ("ريناس كمال حمه", ["Renas Kamal Hama", "Rênas Kemal Hame", "Renas Kamal Hamah"]),
    "p53": ("دلوڤان شێخ موس", ["Dilovan Sheikh Mous", "Delovan Sheikh Mouss",
                                 "Dilowan Shekh Mus"]),
    "p54": ("نەوزاد عەلی قادر", ["Nawzad Ali Qadir", "Newzad Eli Kadir", "Nauzad Ali Qader"]),
    "p55": ("يوحنا جرجيس بطرس", ["Youhanna Jirjis Boutros", "Yohanna Girgis Butrus",
                                 "Yuhanna Jerjis Potros"]),
    "p56": ("إلياس حنا داود", ["Elias Hanna Daoud", "Ilyas Hanna Dawood", "Elias Hana Daud"]),
    "p57": ("نصر الله حسن", ["Nasrallah Hassan", "Nasr Allah Hasan", "Nasrullah Hassan"]),
    "p58": ("عبد الله أحمد الحسن", ["Abdallah Ahmed al-Hassan", "Abdullah Ahmad Hasan",
                                    "Abdellah Ahmed El Hassan"]),
    "p59": ("عبد الله أحمد الحسين", ["Abdallah Ahmed al-Hussein", "Abdullah Ahmad Husayn"]),
    "p60": ("رامي عصام البيطار", ["Rami Issam al-Bitar", "Rami Essam Bitar",
                                  "Ramy Isam El-Beitar"]),
    "p61": ("هادي محسن الفتلاوي", ["Hadi Mohsen al-Fatlawi", "Hadi Muhsin Fatlaoui",
                                   "Hady Mohsin Al-Fatlawi"]),
    "p62": ("كوثر عبد الستار", ["Kawthar Abdul Sattar", "Kawsar Abdelsattar",
                                "Kaouthar Abd al-Sattar"]),
    "p64": ("علي محمد حسين", ["Ali Mohamed Hussein", "Ali Muhammad Husayn"]),
    "p65": ("سعيد فارس العنزي", ["Said Fares al-Anazi", "Saeed Faris Enezi", "Saïd Fares Al-Anzi"]),
    "p66": ("سعد فارس العنزي", ["Saad Fares al-Anazi", "Sa'ad Faris Anezi"]),
}

# Different persons who share tokens with one another.
LOOKALIKES: list[tuple[str, str]] = [
    ("p01", "p02"), ("p01", "p03"), ("p02", "p03"), ("p04", "p05"), ("p26", "p27"),
    ("p39", "p40"), ("p58", "p59"), ("p01", "p64"), ("p03", "p64"), ("p65", "p66"),
    ("p17", "p20"), ("p15", "p58"), ("p35", "p01"), ("p57", "p58"), ("p12", "p01"),
]


def renderings(person: str, people: dict[str, tuple[str, list[str]]] = PEOPLE) -> list[str]:
    arabic, latin = people[person]
    return [arabic, *latin]


def labelled_pairs(
    people: dict[str, tuple[str, list[str]]],
    lookalikes: list[tuple[str, str]],
    unrelated: int = 400,
    seed: int = 5,
) -> list[tuple[str, str, bool]]:
    """(name, name, same person) for every labelled pair of a set: all renderings of each
    person, every rendering of each look-alike pair, and ``unrelated`` random strangers."""
    out: list[tuple[str, str, bool]] = []
    for person in people:
        out += [(a, b, True) for a, b in combinations(renderings(person, people), 2)]
    for x, y in lookalikes:
        out += [(a, b, False) for a in renderings(x, people) for b in renderings(y, people)]
    rng = random.Random(seed)
    ids = sorted(people)
    for _ in range(unrelated):
        x, y = rng.sample(ids, 2)
        out.append((rng.choice(renderings(x, people)), rng.choice(renderings(y, people)), False))
    return out


def pairs(unrelated: int = 400, seed: int = 5) -> list[tuple[str, str, bool]]:
    return labelled_pairs(PEOPLE, LOOKALIKES, unrelated, seed)
