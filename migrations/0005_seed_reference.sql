-- Seed reference data: the places named in the source documents (data/places.csv, sources
-- and licences in data/README.md) and the shared tag vocabulary.

-- A place is a named point (town, district, airport) with the municipality it lies in.
-- Centres and events take their location from here; `source` says where the point is from
-- and is copied into centre.location_source.
CREATE TABLE place (
    name text PRIMARY KEY,
    municipality_number text REFERENCES municipality (number),
    location geography(Point, 4326) NOT NULL,
    source text NOT NULL,
    note text
);

CREATE TEMP TABLE place_src (
    place text, municipality_number text, municipality_name text, lat float8, lon float8,
    source text, note text) ON COMMIT DROP;
-- kp:copy place_src ../data/places.csv

INSERT INTO place (name, municipality_number, location, source, note)
SELECT s.place, s.municipality_number,
       ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, s.source, nullif(s.note, '')
FROM place_src s;

-- Tag vocabulary. Slugs fold æ→ae, ø→o, å→a.
INSERT INTO tag (slug, name, kind, description) VALUES
    -- The recovery factors of Knutepunkt for Recovery (seed 000).
    ('tilhorighet', 'Tilhørighet', 'recovery_factor',
     'Recoveryfaktor: tilhørighet. En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig.'),
    ('identitet', 'Identitet', 'recovery_factor',
     'Recoveryfaktor: identitet. En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig.'),
    ('hap', 'Håp', 'recovery_factor',
     'Recoveryfaktor: håp. En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig.'),
    ('egenmakt', 'Egenmakt', 'recovery_factor',
     'Recoveryfaktor: egenmakt. En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig.'),
    ('mening-i-livet', 'Mening i livet', 'recovery_factor',
     'Recoveryfaktor: mening i livet. En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig.'),
    -- CHIME (seed 004), named as the seed names them.
    ('connectedness', 'Connectedness (tilhørighet)', 'chime',
     'CHIME-modellen: Connectedness (tilhørighet).'),
    ('hope', 'Hope', 'chime', 'CHIME-modellen: Hope (håp).'),
    ('identity', 'Identity', 'chime', 'CHIME-modellen: Identity (identitet).'),
    ('meaning', 'Meaning', 'chime', 'CHIME-modellen: Meaning (mening).'),
    ('empowerment', 'Empowerment', 'chime', 'CHIME-modellen: Empowerment (egenmakt).'),
    -- Core tasks of the regional centres (seeds 000 and 001).
    ('livsmestring', 'Livsmestring', 'core_task',
     'Kjerneoppgave for de regionale brukerstyrte sentrene: livsmestring, med utgangspunkt i brukere og pårørendes erfaring og kunnskap.'),
    ('brukermedvirkning', 'Brukermedvirkning', 'core_task',
     'Kjerneoppgave for de regionale brukerstyrte sentrene: brukermedvirkning.'),
    ('tjenesteutvikling', 'Tjenesteutvikling', 'core_task',
     'Kjerneoppgave for de regionale brukerstyrte sentrene: tjenesteutvikling.'),
    -- Topics the seed documents use.
    ('recovery', 'Recovery', 'topic', 'Recoveryorientert tenkning og praksis.'),
    ('psykisk-helse', 'Psykisk helse', 'topic', NULL),
    ('rus', 'Rus', 'topic', NULL),
    ('brukerstyring', 'Brukerstyring', 'topic', 'Brukerstyrte senter og brukerstyring i praksis.'),
    ('brukerinvolvering', 'Brukerinvolvering', 'topic', 'Brukerinvolvering og brukerstyrking i tjenestene.'),
    ('erfaringskunnskap', 'Erfaringskunnskap', 'topic', 'Brukere og pårørendes erfaringskunnskap.'),
    ('erfaringskonsulent', 'Erfaringskonsulent', 'topic', NULL),
    ('parorende', 'Pårørende', 'topic', NULL),
    ('lavterskel', 'Lavterskeltilbud', 'topic', 'Kunnskapsbaserte lavterskeltilbud.'),
    ('arbeidstrening', 'Arbeidstrening', 'topic', NULL),
    ('kurs', 'Kurs', 'topic', 'Kurs, kompetanseheving og mestringstilbud.'),
    ('utdanning', 'Utdanning', 'topic', NULL),
    ('forskning', 'Forskning', 'topic', NULL),
    ('evaluering', 'Evaluering', 'topic', 'Evalueringer, blant annet Bruker Spør Bruker.'),
    ('selvhjelp', 'Selvhjelp', 'topic', NULL),
    ('nettverk', 'Nettverk', 'topic', 'Nettverk, nettverkssamlinger og nettverksmøter.'),
    ('sosial-moteplass', 'Sosial møteplass', 'topic', 'Sosialt fellesskap og møteplass.'),
    ('menneskerettigheter', 'Menneskerettigheter', 'topic', NULL),
    ('medborgerskap', 'Medborgerskap', 'topic', NULL),
    ('demokratisk-deltakelse', 'Demokratisk deltakelse', 'topic', NULL),
    ('opptrappingsplan', 'Opptrappingsplanen for psykisk helse', 'topic', NULL),
    ('konferanse', 'Konferanse', 'topic', NULL);
