#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/<target>/ (run from anywhere; python3 only).

Re-running rewrites the files named here and leaves others (inputs merged in by
`FUZZ_MERGE=1 make fuzz`) alone. The JWT seeds are signed with the fuzz target's fixed key
(tests/fuzz/fuzz_jwt.c) and expire in 2100, so the valid one stays valid.
"""
import base64
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")
SECRET = b"knutepunkt-fuzz-secret-0123456789abcdefghijklmno"
assert len(SECRET) == 48
UUID = "0b5f3c1e-9a2d-4c1b-8f00-123456789abc"
UUID2 = "5d1e2f3a-4b5c-4d6e-8f70-0a1b2c3d4e5f"


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def cursor(sort, desc, key, value):
    return b64url(f"v1\n{sort}\n{1 if desc else 0}\n{key}\n{value}".encode())


# ---- query ---------------------------------------------------------------------------------
Q = {
    "limit-sort": "limit=5&sort=-name",
    "near-radius": "near=63.4,10.3&radius_km=50",
    "region-tag": "region=midt,nord&tag=recovery",
    "fields-include": "fields=name,slug&include=parent",
    "include-networks": "include=networks,municipality&fields=name,networks,municipality",
    "date-season": "date_from=2019-23",
    "date-range": "date_from=2019-21&date_to=2020-02-29",
    "founded-range": "founded_from=2015&founded_to=2020-12-31",
    "cursor-name": "cursor=" + cursor("name", False, UUID, "Glimt Recoverysenter"),
    "cursor-date-desc": "limit=2&cursor=" + cursor("date", True, UUID, "2019-09-01"),
    "cursor-number": "cursor=" + cursor("number", False, "5001", "5001"),
    "cursor-distance": "near=59.91,10.75&cursor=" + cursor("distance", False, UUID, "1234.5"),
    "cursor-rank": "q=recovery&cursor=" + cursor("rank", True, UUID, "0.0607927"),
    "cursor-garbage": "cursor=djEKbmFtZQo",
    "q": "q=senter",
    "q-rank": "q=recovery+senter&sort=rank",
    "q-long": "q=" + "a" * 201,
    "repeated": "limit=5&limit=6",
    "pct00": "name=%00",
    "pctFF": "%FF=1",
    "pct-bad": "q=%E2%9C&region=%zz",
    "utf8": "q=%C3%A6%C3%B8%C3%A5+m%C3%B8teplass&tag=%E2%9C%93",
    "long-value": "q=" + "x" * 2100,
    "long-multibyte-item": "region=" + "a" + "%C3%A6" * 140,
    "long-field-name": "fields=" + "%C3%A6" * 40 + "b",
    "count-limit": "count=exact&limit=100",
    "updated-since": "updated_since=2026-01-31T12:00:00Z&include_deleted=true",
    "updated-since-bad": "updated_since=2026-02-30T12:00:00Z",
    "format-geojson": "format=geojson&near_municipality=trondheim&radius_km=20",
    "geo-accept-admin": "count=exact&sort=distance&near=59.9,10.7",
    "near-bad": "near=91,10&radius_km=0",
    "ints": "participant_count_from=10&participant_count_to=100&population_from=-2147483647",
    "refs": "municipality=5001,oslo&county=50&centre=glimt-recoverysenter&network=" + UUID,
    "kinds": "kind=regional,local&operating_status=open&parent=" + UUID2,
    "empty-items": "fields=&region=midt,,nord&tag=",
    "separators": "&&&=&a+b=c+d&",
    "many-params": "&".join(f"p{i}=v" for i in range(33)),
    "many-values": "tag=" + ",".join(f"t{i}" for i in range(51)),
    "all-filters": "kind=conference&centre=sagatun&network=knutepunkt-for-recovery"
    "&municipality=3403&date_from=2018&date_to=2024-24&tag=recovery&sort=-date&limit=100",
}
for name, q in Q.items():
    write("query", name, q)

# ---- cursor --------------------------------------------------------------------------------
C = {
    "name": cursor("name", False, UUID, "Glimt Recoverysenter"),
    "date-desc": cursor("date", True, UUID, "2019-09-01"),
    "value-newlines": cursor("name", False, UUID, "a\nb\nc"),
    "value-empty": cursor("updated_at", True, UUID, ""),
    "value-utf8": cursor("name", False, "glimt", "Møteplass æøå ✓"),
    "value-max": cursor("name", False, "k" * 127, "v" * 511),
    "value-too-long": cursor("name", False, UUID, "v" * 512),
    "key-empty": cursor("name", False, "", "x"),
    "version-2": b64url(b"v2\nname\n0\nk\nv"),
    "desc-2": b64url(b"v1\nname\n2\nk\nv"),
    "too-few-parts": b64url(b"v1\nname\n0\nk"),
    "nul": b64url(b"v1\nname\n0\nk\nv\x00w"),
    "padding": cursor("name", False, UUID, "ab") + "==",
    "std-alphabet": "djEKbmFtZQowCms+Cj8/",
    "len-mod-4-is-1": "djEKb",
    "empty": "",
}
for name, c in C.items():
    write("cursor", name, c)

# ---- body ----------------------------------------------------------------------------------
B = {
    "centre": {
        "name": "Glimt Recoverysenter", "short_name": "Glimt", "kind": "department",
        "parent": "kbt", "region": "midt", "town": "Heimdal (Trondheim)", "municipality": "5001",
        "location": {"lat": 63.35, "lon": 10.36}, "location_precision": "district",
        "description": "Høsten 2019 åpnet Glimt Recoverysenter på Heimdal i Trondheim.",
        "values": ["medmenneskelighet", "åpenhet", "likeverd"],
        "focus_areas": ["møteplass for mennesker over 18 år", "CHIME-modellen"],
        "founded": "2019-23", "opened": {"value": "2019-09"},
        "website": "https://www.kbt.no/glimt", "phone": "+47 72 00 00 00",
        "email": "post@kbt.no", "operating_status": "open",
        "opening_hours": [{"day": "mon", "opens": "09:00", "closes": "15:00"},
                          {"day": "fri", "opens": "10:00", "closes": "14:30"}],
        "hours_exceptions": [{"date": "2025-12-24", "closed": True},
                             {"date": "2025-12-31", "opens": "10:00", "closes": "12:00",
                              "note": "nyttårsaften"}],
        "service_area": {"counties": ["50"], "municipalities": ["5001", "trondheim"]},
        "languages": ["nob", "eng"], "accessibility": "Trinnfri inngang",
        "last_verified": "2025-01-31",
        "tags": ["recovery", "sosial-moteplass", "connectedness"], "status": "draft",
        "publish_at": "2026-01-31T12:00:00+01:00", "owner_centre": UUID,
        "slug": "glimt-recoverysenter",
    },
    "network": {
        "name": "Knutepunkt for Recovery", "kind": "national_collaboration",
        "description": "Knutepunkt for Recovery startet som et prosjekt mellom de Regionale "
                       "Brukerstyrte Sentrene (RBS-ene).",
        "region": "sor-ost", "founded": "2018", "meeting_frequency": "to ganger i året",
        "target_group": "brukerstyrte sentre",
        "organisers": [{"type": "centre", "slug": "sagatun-recovery"},
                       {"type": "organisation", "id": UUID2}],
        "members": ["sagatun-recovery", {"slug": "kbt"}, {"id": UUID}],
        "contact": {"name": "Kårhild Husom Løken", "role": "daglig leder",
                    "phone": "62 00 00 00", "email": "post@sagatun.no"},
        "website": "https://www.knutepunktforrecovery.no", "tags": ["recovery", "nettverk"],
    },
    "report": {
        "title": "Brukerstyring i praksis", "kind": "learning_network_report",
        "date": "2023-09-05", "place": "Hamar", "municipality": "3403",
        "network": "nettverkssamling-brukerstyrte-senter-innlandet",
        "organisers": [{"type": "centre", "slug": "sagatun-recovery"},
                       {"type": "organisation", "slug": "statsforvalteren-i-innlandet"}],
        "participant_count": 20, "centres_present": ["sagatun-brukerstyrt-senter"],
        "summary": "Den årlige nettverkssamlingen for brukerstyrte senter i Innlandet.",
        "body": "«Kraftsentre for medskapelse»\n\nSamlingen handlet om brukerstyring.",
        "group_work": [{"round": 1, "question": "Hva er brukerstyring?",
                        "findings": ["Likeverd", "Medbestemmelse"]}],
        "evaluation_quotes": ["Nyttig dag"], "speakers": ["Arild Bækkevold", "Kim Åge Stenseth"],
        "minutes_taker": "Sagatun", "url": "http://www.sagatun.no/rapport",
        "tags": ["brukerstyring", "lavterskel", "opptrappingsplan"],
    },
    "event": {
        "name": "Workshop på Gardermoen 2018", "subtitle": None, "kind": "workshop",
        "starts": "2018-23", "ends": "2018-23", "place": "Gardermoen", "municipality": "3209",
        "network": "knutepunkt-for-recovery",
        "organisers": [{"type": "organisation", "slug": "napha"}],
        "description": "Høsten 2018 inviterte de regionale brukerstyrte sentrene til en workshop.",
        "url": "https://example.org/workshop", "tags": ["recovery", "nettverk"],
    },
    "news": {
        "title": "De Regionale Brukerstyrte Sentrene på Arendalsuka", "date": "2023-08-29",
        "centre": None, "summary": "Tilbakeblikk: Under Arendalsuka 2023 arrangerte de "
        "Regionale Brukerstyrte Sentrene debatten “Hvordan løse fremtidens utfordringer”",
        "source": "Knutepunkt for Recovery – Felles saker",
        "event": "arendalsuka-2023-knappe-helseressurser", "report": None,
        "tags": ["psykisk-helse", "rus", "tjenesteutvikling"],
    },
    "resource": {
        "name": "Tilhørighet", "kind": "recovery_factor",
        "description": "En av faktorene i Recovery.", "authors": ["Marit Borg"],
        "date": "2020", "centre": "sagatun-recovery", "organisation": None,
        "tags": ["tilhorighet", "connectedness", "recovery"],
    },
    "practice": {
        "name": "Recoveryverksted", "kind": "example", "url": "https://www.sagatun.no",
        "link_text": "Les mer", "municipality": "3403", "centre": "sagatun-recovery",
        "organisation": "napha", "network": None, "resource": "tilhorighet",
    },
    "organisation": {
        "name": "NAPHA", "short_name": "NAPHA", "kind": "knowledge_centre",
        "description": "Nasjonalt kompetansesenter for psykisk helsearbeid.",
        "website": "https://www.napha.no", "municipality": "5001",
        "tags": ["recovery", "psykisk-helse"],
    },
    "patch-nulls": {
        "region": None, "contact": None, "tags": None, "organisers": None, "members": None,
        "service_area": None, "opening_hours": None, "centres_present": None, "status": None,
        "owner_centre": None, "name": None, "location": None,
    },
    "patch-contact": {"contact": {"email": None, "phone": "+47 1"}},
    "wrong-types": {
        "name": 5, "kind": True, "location": "63.4,10.3", "tags": "recovery",
        "participant_count": "20", "opening_hours": {"day": "mon"}, "contact": [],
        "service_area": [], "organisers": {}, "members": "kbt", "date": 2023,
        "publish_at": "2026-01-31", "last_verified": "2025-1-31", "founded": {"value": 2019},
    },
    "bad-values": {
        "slug": "Not A Slug", "website": "ftp://x", "email": "a@b", "region": "øst",
        "location": {"lat": 91, "lon": -181, "alt": 3},
        "opening_hours": [{"day": "mon", "opens": "15:00", "closes": "09:00", "x": 1}, 3],
        "hours_exceptions": [{"date": "2025-02-30", "closed": "yes", "note": 5}],
        "group_work": [{"round": 0, "question": 1, "findings": "x"}],
        "participant_count": -1, "tags": ["Recovery", ""],
        "organisers": [{"type": "person", "slug": "x"}, 5],
        "members": ["not a slug", {"name": "x"}, ""],
        "service_area": {"counties": ["5"], "regions": []},
        "contact": {"mail": "x", "email": "nope"},
    },
    "readonly-unknown": {"id": UUID, "version": 3, "created_at": "2026-01-31T12:00:00Z",
                         "units": [], "county": "50", "open_now": True, "nope": 1},
    "unicode": {"name": "Ærlig 🌲 møteplass \u200b\u00e6", "kind": "local",
                "description": "\u2028\U0001F600 tekst", "tags": ["\u00e6\u00f8\u00e5"]},
    "long-key": {("\u00e6" * 80) + "x": 1, "contact": {("\u00f8" * 90): "x"}},
    # networks patch: the only error is the unknown contact key, whose path is cut mid-"ø"
    "long-contact-key": {"contact": {("\u00f8" * 90): "x"}},
    "empty": {},
}
for name, body in B.items():
    write("body", name, json.dumps(body, ensure_ascii=False, indent=None))
write("body", "huge-numbers",
      '{"participant_count": 9223372036854775807, "location": {"lat": 1e308, "lon": -0.0},'
      ' "group_work": [{"round": 100, "question": "q", "findings": []}], "date": 1.5e-300}')
write("body", "deep-nesting",
      '{"opening_hours": ' + "[" * 200 + "]" * 200 + ', "group_work": '
      + '{"a":' * 100 + "1" + "}" * 100 + "}")
write("body", "duplicate-keys", '{"name": "a", "name": "b"}')
write("body", "not-object", '["name", "kind"]')
write("body", "many-fields",
      json.dumps({"tags": ["t%d" % i for i in range(30)],
                  "values": ["v%d" % i for i in range(30)],
                  "focus_areas": ["f%d" % i for i in range(31)],
                  "members": [UUID] * 51,
                  "organisers": [{"type": "centre", "id": UUID}] * 50}))
write("body", "escapes", '{"name": "a\\u0000b", "kind": "x\\ud800y"}')
write("body", "invalid-utf8", b'{"name": "\xff\xfe"}')

# ---- jwt -----------------------------------------------------------------------------------
def jwt(header, payload, alg=None, key=SECRET, sig=None):
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signing = f"{h}.{p}".encode()
    if sig is None:
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
                  "HS512": hashlib.sha512}.get(alg or header.get("alg"))
        sig = b64url(hmac.new(key, signing, digest).digest()) if digest else ""
    return f"{h}.{p}.{sig}"


CLAIMS = {"sub": UUID, "role": "admin", "jti": UUID2, "fam": UUID, "iat": 1767225600,
          "iat_ms": 1767225600123, "exp": 4102444800}
HS256 = {"alg": "HS256", "typ": "JWT"}
J = {
    "valid": jwt(HS256, CLAIMS),
    "valid-editor": jwt({"typ": "JWT", "alg": "HS256"}, dict(CLAIMS, role="editor")),
    "valid-no-typ": jwt({"alg": "HS256"}, CLAIMS),
    "alg-none": jwt({"alg": "none", "typ": "JWT"}, CLAIMS, sig=""),
    "alg-none-no-dot": jwt({"alg": "none"}, CLAIMS, sig="")[:-1],
    "alg-none-upper": jwt({"alg": "NONE"}, CLAIMS, sig=""),
    "hs512": jwt({"alg": "HS512", "typ": "JWT"}, CLAIMS),
    "hs384": jwt({"alg": "HS384", "typ": "JWT"}, CLAIMS),
    "rs256": jwt({"alg": "RS256", "typ": "JWT"}, CLAIMS, sig="AAAA"),
    "wrong-key": jwt(HS256, CLAIMS, key=b"x" * 48),
    "wrong-sig": jwt(HS256, CLAIMS)[:-2] + "AA",
    "sig-padded": jwt(HS256, CLAIMS) + "=",
    "expired": jwt(HS256, dict(CLAIMS, exp=1700000000)),
    "nbf-future": jwt(HS256, dict(CLAIMS, nbf=4102444000)),
    "iat-future": jwt(HS256, dict(CLAIMS, iat=4102444000)),
    "typ-jws": jwt({"alg": "HS256", "typ": "JWS"}, CLAIMS),
    "missing-sub": jwt(HS256, {k: v for k, v in CLAIMS.items() if k != "sub"}),
    "sub-too-long": jwt(HS256, dict(CLAIMS, sub="s" * 40)),
    "sub-number": jwt(HS256, dict(CLAIMS, sub=42)),
    "exp-string": jwt(HS256, dict(CLAIMS, exp="4102444800")),
    "exp-huge": jwt(HS256, dict(CLAIMS, exp=2 ** 63 - 1)),
    "iat-ms-zero": jwt(HS256, dict(CLAIMS, iat_ms=0)),
    "header-not-json": b64url(b"{alg:HS256}") + "." + b64url(b"{}") + ".x",
    "payload-array": jwt(HS256, [1, 2]),
    "two-parts": jwt(HS256, CLAIMS).rsplit(".", 1)[0],
    "four-parts": jwt(HS256, CLAIMS) + ".x",
    "empty": "",
    "dots": "...",
}
for name, t in J.items():
    write("jwt", name, t)

# ---- partial_date (every value check of api/model/values.c) --------------------------------
P = ["2019", "2019-23", "2019-25", "2019-09", "2019-13", "0000",
     "2020-02-29", "2019-02-29", "1900-02-29", "2024-04-31", "2024-12-31",
     "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123456+01:00", "2026-01-31t23:59:60z",
     "2026-01-31 24:00:00Z", "2026-01-31T12:00:00+24:00", "2026-01-31T12:00:00.Z",
     "2026-01-31T12:00:00", UUID, UUID.upper(), UUID.replace("-", "x"), "glimt-recoverysenter",
     "a--b", "-a", "a" * 121, "5001", "50", "-9223372036854775808", "9223372036854775807",
     "9223372036854775808", "007", "1e308", "1e309", "-0.5e-3", "nan", "0x10",
     "", "  1", "1" * 33]
for i, v in enumerate(P):
    write("partial_date", "%02d" % i, v)

# ---- url_decode ----------------------------------------------------------------------------
U = {
    "plain": b"glimt-recoverysenter", "escape": b"%41%62c", "plus": b"a+b+%2B",
    "nul": b"a%00b", "ff": b"%FF", "utf8-2": b"%C3%A6%C3%B8%C3%A5", "utf8-3": b"%E2%9C%93",
    "utf8-4": b"%F0%9F%8C%B2", "truncated": b"%4", "truncated-end": b"abc%", "bad-hex": b"%zz",
    "surrogate": b"%ED%A0%80", "above-max": b"%F4%90%80%80", "overlong": b"%C0%AF",
    "overlong-3": b"%E0%80%AF", "raw-utf8": "møteplass ✓".encode(), "raw-invalid": b"\xc3(\xa0\xa1",
    "raw-cut": b"\xe2\x9c", "mixed": b"%C3\xa6", "lower-hex": b"%c3%a6",
}
for name, u in U.items():
    write("url_decode", name, u)
