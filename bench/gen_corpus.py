#!/usr/bin/env python3
"""Deterministic synthetic archive corpus for archivegen benchmarks.

Writes an archive folder in the archivegen format (spec/contract.md):

    OUT/archive.yaml
    OUT/documents/<id>.md      YAML front matter + Markdown transcription

Usage:  python gen_corpus.py N OUT [--seed 1956] [--shard]

Same N + seed -> byte-identical output (stdlib only; no PyYAML needed).
Record i of a corpus of size N is the same record as record i of a
larger corpus with the same seed (each record has its own RNG), so
N=1000 is a prefix of N=10000 (except `related`, which may point at ids
that only exist in bigger corpora; generated ids are < N, so it does not).

Distributions (checked by --stats):
  body bytes  lognormal, median ~4 KB, p90 ~12 KB, clipped to [300 B, 60 KB]
  ~200 people, ~80 places, ~40 subjects, ~20 collections, 12 types
  dates 1945-1991 (peaks around 1956, 1961-62, 1968, 1980-81, 1989), EDTF
  forms: ~70% day, ~12% month, ~8% year, ~5% day range, ~5% ~ or ?
"""
import argparse
import json
import math
import os
import random
import statistics
import sys

# --------------------------------------------------------------------------
# vocabularies (fixed; order matters for determinism)

SURNAMES = ["Nagy", "Kádár", "Tildy", "Rákosi", "Gerő", "Andropov", "Mikoyan", "Suslov", "Khrushchev", "Brezhnev", "Gromyko", "Kosygin", "Molotov", "Zhukov", "Malenkov", "Bulganin", "Ustinov", "Ulbricht", "Honecker", "Gomułka", "Gierek", "Jaruzelski", "Wałęsa", "Novotný", "Dubček", "Husák", "Svoboda", "Tito", "Kardelj", "Ceaușescu", "Gheorghiu-Dej", "Zhivkov", "Hoxha", "Dulles", "Eisenhower", "Kennedy", "Johnson", "Nixon", "Kissinger", "Rusk", "McNamara", "Brzezinski", "Vance", "Carter", "Reagan", "Shultz", "Weinberger", "Adenauer", "Brandt", "Schmidt", "Kohl", "Genscher", "Bahr", "Macmillan", "Eden", "Wilson", "Heath", "Thatcher", "Carrington", "Mendès-France", "Mollet", "Debré", "Pompidou", "Couve", "Mao", "Zhou", "Liu", "Deng", "Lin", "Kim", "Castro", "Guevara", "Dorticós", "Nasser", "Nehru", "Sukarno", "Ho", "Giap", "Le", "Thieu", "Diem", "Sihanouk", "Hammarskjöld", "Thant", "Waldheim", "Kreisky", "Kekkonen", "Palme", "Erlander", "Lange", "Spaak", "Luns", "Kohout", "Hájek", "Mlynář", "Šik", "Rapacki", "Cyrankiewicz", "Ochab", "Kania", "Rakowski", "Mazowiecki", "Geremek", "Kuroń", "Michnik", "Havel", "Dienstbier", "Horn", "Grósz", "Pozsgay", "Németh", "Antall", "Maléter", "Donáth", "Losonczy", "Lukács", "Mindszenty", "Bibó", "Déry", "Illyés", "Kopácsi", "Király", "Apró", "Münnich", "Marosán", "Kiss", "Kállai", "Fock", "Biszku", "Aczél", "Gorbachev", "Shevardnadze", "Yakovlev", "Ryzhkov", "Ligachev", "Chernenko", "Kryuchkov", "Yazov", "Akhromeyev", "Dobrynin", "Kornienko", "Falin", "Zagladin", "Chernyaev", "Semenov", "Pervukhin", "Serov", "Sokolovsky", "Konev", "Grechko", "Malinovsky", "Kulikov", "Ogarkov"]

GIVEN = ["Imre", "János", "Zoltán", "Mátyás", "Ernő", "Yuri", "Anastas", "Mikhail", "Nikita", "Leonid", "Andrei", "Alexei", "Vyacheslav", "Georgy", "Nikolai", "Dmitri", "Walter", "Erich", "Władysław", "Edward", "Wojciech", "Lech", "Antonín", "Alexander", "Gustáv", "Ludvík", "Josip", "Edvard", "Nicolae", "Gheorghe", "Todor", "Enver", "John", "Dwight", "Lyndon", "Richard", "Henry", "Dean", "Robert", "Zbigniew", "Cyrus", "James", "Ronald", "George", "Caspar", "Konrad", "Willy", "Helmut", "Hans-Dietrich", "Egon", "Harold", "Anthony", "Margaret", "Peter", "Pierre", "Guy", "Michel", "Georges", "Maurice", "Zedong", "Enlai", "Shaoqi", "Xiaoping", "Biao", "Il-sung", "Fidel", "Ernesto", "Osvaldo", "Gamal", "Jawaharlal", "Ahmed", "Chi", "Vo", "Duan", "Van", "Dinh", "Norodom", "Dag", "Kurt", "Bruno", "Urho", "Olof", "Tage", "Halvard", "Paul-Henri", "Joseph", "Pavel", "Jiří", "Zdeněk", "Ota", "Adam", "Józef", "Stanisław", "Mieczysław", "Tadeusz", "Bronisław", "Jacek", "Václav", "Gyula", "Károly", "Károly", "Pál", "Géza", "Ferenc", "Árpád", "István", "Béla", "Lajos", "Sándor", "Antal", "Jenő", "Valentin", "Vladimir", "Sergei", "Ivan", "Konstantin", "Rodion", "Andrei", "Aleksandr", "Oleg", "Eduard", "Yegor", "Vadim", "Anatoly", "Valentin", "Ivan", "Lavrenty"]

PATRONYMICS = ["Vladimirovich", "Ivanovich", "Sergeyevich", "Andreyevich", "Nikolayevich", "Petrovich", "Fyodorovich", "Mikhailovich", "Alexandrovich", "Dmitrievich"]

ORGS = """Central Committee of the CPSU|Politburo of the CPSU|Presidium of the
Hungarian Working People's Party|Ministry of Foreign Affairs of the USSR|
KGB|Stasi|Polish United Workers' Party|Communist Party of Czechoslovakia|
US Department of State|National Security Council|Central Intelligence
Agency|North Atlantic Council|Warsaw Pact Political Consultative
Committee|United Nations Security Council|International Committee of the
Red Cross|Radio Free Europe|Solidarity|Charter 77|Hungarian Socialist
Workers' Party|Socialist Unity Party of Germany""".replace("\n", " ").split("|")

PLACES = """Budapest|Hungary|Moscow|USSR|Warsaw|Poland|Prague|Czechoslovakia|
Berlin|East Berlin|West Berlin|German Democratic Republic|Federal Republic of
Germany|Bonn|Bucharest|Romania|Sofia|Bulgaria|Belgrade|Yugoslavia|Tirana|
Albania|Vienna|Austria|Helsinki|Finland|Stockholm|Sweden|Geneva|Switzerland|
Paris|France|London|United Kingdom|Washington, D.C.|United States|New York|
Havana|Cuba|Beijing|China|Pyongyang|North Korea|Seoul|South Korea|Hanoi|
North Vietnam|Saigon|South Vietnam|Phnom Penh|Cambodia|Vientiane|Laos|
New Delhi|India|Jakarta|Indonesia|Cairo|Egypt|Suez|Damascus|Syria|
Baghdad|Iraq|Tehran|Iran|Kabul|Afghanistan|Luanda|Angola|Addis Ababa|
Ethiopia|Gdańsk|Kraków|Debrecen|Győr|Bratislava|Leipzig|Dresden|Tokyo|
Japan|Ottawa""".replace("\n", "").split("|")

SUBJECTS = """Warsaw Treaty Organization|Neutrality|Hungarian Revolution|
Prague Spring|Berlin Crisis|Cuban Missile Crisis|Nuclear weapons|Arms
control|Détente|Human rights|Helsinki Final Act|Intelligence|Propaganda|
Economic relations|Comecon|Agriculture|Industry|Energy|Trade|Espionage|
Military planning|Border incidents|Refugees|Emigration|Religion|Dissent|
Censorship|Elections|Party congresses|Sino-Soviet split|Decolonization|
Korean War|Vietnam War|Afghanistan War|Martial law|Solidarity movement|
Perestroika|German reunification|Space race|Student movements""".replace("\n", " ").replace("  ", " ").split("|")

COLLECTIONS = """Hungarian Revolution, 1956|Prague Spring, 1968|Berlin Crisis,
1958-1962|Cuban Missile Crisis|Polish Crises, 1980-1981|End of the Cold
War|Soviet Foreign Policy|Warsaw Pact Records|Nuclear History|Sino-Soviet
Relations|Korean War|Vietnam War|Détente and the CSCE|Soviet Invasion of
Afghanistan|Intelligence Records|Human Rights and Dissent|Euromissiles
Crisis|Yugoslavia and the Non-Aligned Movement|German Question|Cold War in
the Middle East""".replace("\n", " ").split("|")

TYPES = ["Report", "Letter", "Telegram", "Memorandum", "Minutes", "Cable",
         "Diary", "Speech", "Memorandum of Conversation", "Note",
         "Transcript", "Resolution"]
TYPE_W = [20, 12, 12, 14, 10, 10, 3, 4, 8, 4, 2, 1]

LANGUAGES = ["Russian", "Hungarian", "Polish", "German", "Czech", "English",
             "French", "Chinese", "Romanian", "Bulgarian", "Serbo-Croatian",
             "Vietnamese", "Korean", "Spanish"]
LANG_W = [30, 12, 8, 10, 6, 18, 4, 3, 2, 2, 2, 1, 1, 1]

CLASSIFICATIONS = ["Top Secret", "Secret", "Confidential", "Strictly Secret",
                   "For Official Use Only", "Unclassified", "Top Secret, Special File"]
CLASS_W = [25, 25, 15, 10, 8, 12, 5]

ARCHIVES = [
    "Archive of Foreign Policy of the Russian Federation (AVP RF)",
    "Russian State Archive of Contemporary History (RGANI)",
    "Hungarian National Archives (MNL OL)",
    "Archive of Modern Records, Warsaw (AAN)",
    "National Archives of the Czech Republic",
    "Federal Archives, Berlin (SAPMO-BArch)",
    "Political Archive of the Foreign Office, Berlin (PA AA)",
    "US National Archives and Records Administration (NARA)",
    "John F. Kennedy Presidential Library",
    "The National Archives, Kew (TNA)",
    "Chinese Foreign Ministry Archive",
    "Romanian National Archives (ANIC)",
    "Central State Archive, Sofia (TsDA)",
    "Archives of Yugoslavia, Belgrade",
    "Archive of the President of the Russian Federation (APRF)",
]

RIGHTS = ["hppp-reuse", "InC-EDU", "NoC-US", "CC-BY-4.0", "InC", "CC-BY-NC-4.0"]
RIGHTS_W = [40, 20, 15, 10, 10, 5]

# Function words and domain words take the top Zipf ranks; a seeded
# pseudo-word tail makes the vocabulary large (a real 60 MB English corpus
# has 100k+ distinct tokens, which matters for search-index size).
COMMON = ["the", "of", "and", "to", "in", "a", "that", "is", "was", "for", "on", "with", "by", "as", "it", "be", "at", "from", "this", "which", "not", "are", "have", "has", "had", "were", "will", "would", "his", "their", "they", "he", "its", "or", "an", "but", "been", "all", "also", "there", "should", "our", "we", "who", "these", "other", "such", "any", "may", "more", "one", "into", "than", "them", "only", "must", "about", "so", "what", "can", "no", "two", "first", "after", "over", "between", "same", "new", "under", "those", "could", "very", "further", "upon", "made", "well", "out", "government", "party", "comrade", "soviet", "meeting", "question", "situation", "delegation", "minister", "committee", "state", "foreign", "political", "military", "forces", "comrades", "people", "policy", "relations", "leadership", "united", "national", "central", "affairs", "secretary", "present", "position", "international", "western", "ambassador", "embassy", "socialist", "countries", "country", "security", "proposal", "conversation", "information", "cooperation", "development", "measures", "discussion", "troops", "border", "negotiations", "agreement", "problem", "problems", "interests", "views", "support", "decision", "view", "member", "members", "president", "representatives", "conference", "economic", "chairman", "report", "opinion", "general", "session", "time", "year", "years", "army", "opposition", "leaders", "leader", "stated", "declared", "noted", "emphasized", "expressed", "agreed", "requested", "informed", "considered", "regarding", "concerning", "accordance", "necessary", "important", "possible", "present", "whole", "current", "further", "following", "certain", "great", "large", "small", "regard", "matter", "matters", "side", "sides", "part", "parts", "order", "number", "point", "points", "attention", "work", "action", "actions", "course", "basis", "result", "results", "reason", "question", "questions", "power", "powers", "peace", "war", "nuclear", "weapons", "treaty", "pact", "alliance", "bloc", "capitalist", "imperialist", "revolutionary", "counterrevolutionary", "workers", "worker", "working", "class", "masses", "public", "press", "radio", "newspaper", "statement", "statements", "letter", "telegram", "cable", "memorandum", "minutes", "document", "documents", "copy", "text", "draft", "plan", "plans", "program", "programme", "period", "days", "day", "week", "month", "morning", "evening", "night", "today", "yesterday", "tomorrow", "hours"]

SYLL_ON = ["b", "br", "c", "ch", "cr", "d", "dr", "f", "fr", "g", "gr", "h",
           "j", "k", "kr", "l", "m", "n", "p", "pr", "pl", "r", "s", "sh",
           "st", "str", "t", "tr", "v", "w", "z", "zh", ""]
SYLL_NU = ["a", "e", "i", "o", "u", "ia", "io", "ea", "ou", "ai", "y"]
SYLL_CO = ["", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "st", "rk", "ck", "ng"]
SUFFIXES = ["", "", "", "s", "ed", "ing", "ion", "ment", "ity", "al", "ly", "ive"]


def _vocabulary(rng, size=400000):
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        n = rng.choice((1, 2, 2, 2, 3, 3))
        w = "".join(rng.choice(SYLL_ON) + rng.choice(SYLL_NU) + rng.choice(SYLL_CO)
                    for _ in range(n)) + rng.choice(SUFFIXES)
        if 2 <= len(w) <= 16 and w not in seen:
            seen.add(w)
            words.append(w)
    # Two-regime Zipf (rank^-1 up to rank 8000, rank^-2 beyond), which gives
    # Heaps-law growth like real text: ~47k distinct words per 1M tokens
    # (~1k records), ~80k per 3M, ~135k per 10M (~10k records).
    cum, acc, b = [], 0.0, 8000
    for r in range(1, len(words) + 1):
        acc += 1.0 / r if r <= b else (1.0 / b) * (b / r) ** 2
        cum.append(acc)
    return words, cum


def _people(rng, n=200):
    out, seen = [], set()
    while len(out) < n:
        s = rng.choice(SURNAMES)
        g = rng.choice(GIVEN)
        name = f"{s}, {g}"
        if rng.random() < 0.15:
            name += " " + rng.choice(PATRONYMICS)
        if name not in seen:
            seen.add(name)
            out.append(name)
    out[n - len(ORGS):] = ORGS       # organizations count as "people & organizations"
    return out


def _zipf_weights(n, s=0.9):
    return [1.0 / (r ** s) for r in range(1, n + 1)]


# --------------------------------------------------------------------------

YEAR_PEAKS = {1956: 6, 1961: 4, 1962: 5, 1968: 5, 1980: 3, 1981: 4, 1989: 6, 1990: 3}
YEARS = list(range(1945, 1992))
YEAR_W = [1.0 + YEAR_PEAKS.get(y, 0) for y in YEARS]
DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _edtf(rng):
    y = rng.choices(YEARS, YEAR_W)[0]
    m = rng.randint(1, 12)
    d = rng.randint(1, DAYS_IN[m - 1])
    r = rng.random()
    if r < 0.70:
        return f"{y:04d}-{m:02d}-{d:02d}", (y, m, d)
    if r < 0.82:
        return f"{y:04d}-{m:02d}", (y, m, 1)
    if r < 0.90:
        return f"{y:04d}", (y, 1, 1)
    if r < 0.95:
        d2 = min(d + rng.randint(1, 5), DAYS_IN[m - 1])
        return f"{y:04d}-{m:02d}-{d:02d}/{y:04d}-{m:02d}-{d2:02d}", (y, m, d)
    if r < 0.975:
        return (f"{y:04d}~" if rng.random() < 0.5 else f"{y:04d}-{m:02d}~"), (y, m, 1)
    return f"{y:04d}-{m:02d}?", (y, m, 1)


MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def _human_date(edtf, ymd):
    y, m, d = ymd
    if len(edtf) >= 10 and edtf[4] == "-" and edtf[7] == "-":
        return f"{d} {MONTHS[m - 1]} {y}"
    if edtf[:7].count("-") == 1 and len(edtf) >= 7 and edtf[5].isdigit():
        return f"{MONTHS[m - 1]} {y}"
    return str(y)


def _body_len(rng):
    # lognormal: median 4096, p90 = 3x median -> sigma = ln3/1.2816
    v = rng.lognormvariate(math.log(4096), math.log(3) / 1.2816)
    return int(min(max(v, 300), 60000))


class Gen:
    def __init__(self, seed):
        self.seed = seed
        g = random.Random(f"{seed}:vocab")
        self.words, self.cum = _vocabulary(g)
        self.people = _people(g)
        self.people_w = _zipf_weights(len(self.people), 0.8)
        self.places_w = _zipf_weights(len(PLACES), 0.9)
        self.subj_w = _zipf_weights(len(SUBJECTS), 0.7)
        self.coll_w = _zipf_weights(len(COLLECTIONS), 0.6)

    def _sentence(self, rng, n, names):
        ws = rng.choices(self.words, cum_weights=self.cum, k=n)
        if names and rng.random() < 0.35:
            nm = rng.choice(names)
            if ", " in nm:               # "Surname, Given" -> "Given Surname"
                s, g = nm.split(", ", 1)
                nm = f"{g.split()[0]} {s}"
            ws.insert(rng.randrange(len(ws)), nm)
        s = " ".join(ws)
        if rng.random() < 0.15:
            k = s.find(" ", len(s) // 2)
            if k > 0:
                s = s[:k] + "," + s[k:]
        return s[0].upper() + s[1:] + rng.choice("........!?")

    def _body(self, rng, target, meta):
        names = meta["people"] + meta["places"]
        out = []
        size = 0
        if rng.random() < 0.5:
            out.append(meta["classification"])
            if rng.random() < 0.5:
                out[-1] += "  \nCopy No. " + str(rng.randint(1, 12))
        if rng.random() < 0.3:
            out.append(f"**{meta['type'].upper()}**")
        size = sum(len(p) + 2 for p in out)
        while size < target:
            r = rng.random()
            if r < 0.04 and size > 500:
                p = "## " + " ".join(rng.choices(self.words[:400], k=rng.randint(2, 5))).title()
            elif r < 0.08:
                items = [f"{i}. " + self._sentence(rng, rng.randint(6, 20), names)
                         for i in range(1, rng.randint(3, 7))]
                p = "\n".join(items)
            elif r < 0.10:
                p = "> " + self._sentence(rng, rng.randint(10, 30), names)
            else:
                sents = [self._sentence(rng, rng.randint(8, 32), names)
                         for _ in range(rng.randint(2, 8))]
                if rng.random() < 0.1:
                    i = rng.randrange(len(sents))
                    sents[i] = "*" + sents[i] + "*"
                if rng.random() < 0.05:
                    sents.append(f"[{rng.randint(1, 9)}]")
                p = " ".join(sents)
            out.append(p)
            size += len(p.encode("utf-8")) + 2
        if rng.random() < 0.6 and meta["creators"]:
            c = meta["creators"][0]
            out.append("[signature] " + c.split(", ")[0].upper())
        return "\n\n".join(out) + "\n"

    def record(self, i, n_total):
        rng = random.Random(f"{self.seed}:rec:{i}")
        rid = str(100000 + i)
        edtf, ymd = _edtf(rng)
        typ = rng.choices(TYPES, TYPE_W)[0]
        people = list(dict.fromkeys(rng.choices(self.people, self.people_w, k=rng.randint(0, 8))))
        creators = list(dict.fromkeys(rng.choices(self.people, self.people_w, k=rng.choice((0, 1, 1, 1, 1, 2)))))
        places = list(dict.fromkeys(rng.choices(PLACES, self.places_w, k=rng.randint(0, 4))))
        subjects = list(dict.fromkeys(rng.choices(SUBJECTS, self.subj_w, k=rng.randint(1, 4))))
        colls = list(dict.fromkeys(rng.choices(COLLECTIONS, self.coll_w, k=rng.choice((1, 1, 1, 1, 2)))))
        langs = list(dict.fromkeys(rng.choices(LANGUAGES, LANG_W, k=rng.choice((1, 1, 1, 1, 2)))))
        who = creators[0].split(", ")[0] if creators else rng.choice(ORGS)
        title = f"{who} {typ} on {' '.join(rng.choices(self.words[40:300], k=rng.randint(1, 4))).title()}, {_human_date(edtf, ymd)}"
        meta = dict(type=typ, people=people, places=places, creators=creators,
                    classification=rng.choices(CLASSIFICATIONS, CLASS_W)[0])
        summary = " ".join(self._sentence(rng, rng.randint(12, 30), people + places)
                           for _ in range(rng.randint(1, 3)))
        archive = rng.choice(ARCHIVES)
        source = (f"{archive.split('(')[-1].rstrip(')') if '(' in archive else archive}, "
                  f"f. {rng.randint(1, 120)}{rng.choice(['', 'a', 'b'])}, op. {rng.randint(1, 60)}, "
                  f"p. {rng.randint(1, 40)}, d. {rng.randint(1, 400)}, ll. {rng.randint(1, 200)}-"
                  f"{rng.randint(201, 260)}. Translated by {rng.choice(GIVEN)} {rng.choice(SURNAMES)}.")
        up_y = rng.randint(2005, 2024)
        uploaded = f"{up_y:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        related = sorted({str(100000 + rng.randrange(n_total)) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))} - {rid})
        body = self._body(rng, int(_body_len(rng) * 0.9), meta)

        def J(v: object) -> str:
            return json.dumps(v, ensure_ascii=False)

        fm = ["---",
              f"title: {J(title)}",
              f"date: {edtf}",
              f"type: {typ}",
              "summary: >-",
              *("  " + line for line in _wrap(summary, 76)),
              f"languages: {J(langs)}"]
        if creators:
            fm.append(f"creators: {J(creators)}")
        if people:
            fm.append(f"people: {J(people)}")
        if places:
            fm.append(f"places: {J(places)}")
        fm += [f"subjects: {J(subjects)}",
               f"collections: {J(colls)}",
               f"classification: {meta['classification']}",
               f"archive: {archive}",
               f"source: {J(source)}",
               f"rights: {rng.choices(RIGHTS, RIGHTS_W)[0]}",
               f"uploaded: {uploaded}"]
        if related:
            fm.append(f"related: {J(related)}")
        fm.append("---")
        return rid, "\n".join(fm) + "\n" + body


def _wrap(text, width):
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


ARCHIVE_YAML = """\
title: Synthetic Cold War Documents Archive
base_url: https://archive.example.org/archive/
publisher: Benchmark Historical Project
language: en
rights:
  hppp-reuse:
    label: "Reuse permitted for non-commercial educational purposes with attribution."
    uri: https://archive.example.org/rights/reuse
collections:
"""


def write_archive(n, out, seed=1956, shard=False):
    gen = Gen(seed)
    docs = os.path.join(out, "documents")
    os.makedirs(docs, exist_ok=True)
    with open(os.path.join(out, "archive.yaml"), "w", encoding="utf-8") as f:
        f.write(ARCHIVE_YAML)
        for c in COLLECTIONS:
            slug = "".join(ch if ch.isalnum() else "-" for ch in c.lower()).strip("-")
            while "--" in slug:
                slug = slug.replace("--", "-")
            # archivegen's archive.yaml: collection name -> {description} (slugs are derived).
            f.write(f"  {json.dumps(c, ensure_ascii=False)}:\n"
                    f"    description: Documents on {json.dumps(c, ensure_ascii=False)[1:-1]}.\n")
    sizes = []
    for i in range(n):
        rid, text = gen.record(i, n)
        d = os.path.join(docs, rid[:4]) if shard else docs
        if shard:
            os.makedirs(d, exist_ok=True)
        data = text.encode("utf-8")
        with open(os.path.join(d, rid + ".md"), "wb") as f:
            f.write(data)
        sizes.append(len(data) - text.index("\n---\n") - 5)
    return sizes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1956)
    ap.add_argument("--shard", action="store_true", help="documents/<first 4 id chars>/<id>.md")
    ap.add_argument("--stats", action="store_true", help="print body size stats")
    a = ap.parse_args(argv)
    sizes = write_archive(a.n, a.out, a.seed, a.shard)
    if a.stats:
        s = sorted(sizes)
        def q(p: float) -> int:
            return s[min(len(s) - 1, int(p * len(s)))]

        print(f"records={len(s)} body bytes: median={q(0.5)} p10={q(0.1)} p90={q(0.9)} "
              f"p99={q(0.99)} max={s[-1]} total={sum(s)/1e6:.1f} MB mean={statistics.mean(s):.0f}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
