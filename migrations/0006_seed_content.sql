-- Seed content: every centre, organisation, network, report, resource, practice, news item
-- and event named in the source documents (the Knutepunkt for Recovery pages, in Norwegian),
-- with the facts they give. Rows refer to each other by slug, never by id. Partial dates are
-- EDTF strings ("høsten 2019" = '2019-23'); nothing is given more precision than the text.
-- Locations come from `place` (0005); last_verified stays NULL (nobody has verified these).
-- Each centre owns itself (departments are owned by their parent).

-- ---------------------------------------------------------------------------------------
-- Organisations
-- ---------------------------------------------------------------------------------------
INSERT INTO organisation (slug, name, short_name, kind, description, website, municipality_number, tags)
VALUES
    ('napha', 'NAPHA', 'NAPHA', 'knowledge_centre',
     'Nasjonalt kompetansesenter for psykisk helsearbeid. Arrangerer Nasjonal konferanse for Recovery «Ingenting om oss uten oss» sammen med De Regionale Brukerstyrte Sentrene og Erfaringssentrum, og startet Recovery-nettverket i Midt-Norge sammen med KBT og Trondheim kommune (2018).',
     NULL, NULL, '{recovery,psykisk-helse}'),
    ('erfaringssentrum', 'Erfaringssentrum', NULL, 'other',
     'Arrangerer Nasjonal konferanse for Recovery «Ingenting om oss uten oss» sammen med De Regionale Brukerstyrte Sentrene (RBS-ene) og NAPHA.',
     NULL, NULL, '{recovery,erfaringskunnskap}'),
    ('helsedirektoratet', 'Helsedirektoratet', NULL, 'directorate',
     'Sluttrapporten fra utredningsprosjektet Knutepunkt for Recovery er overlevert Helsedirektoratet. Helsedirektoratet anbefaler at arbeidet videreføres som en del av sentrenes ordinære virksomhet, i tråd med anbefalingene i rapporten. Samarbeider med Helse- og omsorgsdepartementet og KS om nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer.',
     NULL, NULL, '{psykisk-helse,rus}'),
    ('helse-og-omsorgsdepartementet', 'Helse- og omsorgsdepartementet', NULL, 'ministry',
     'Samarbeider med Helsedirektoratet og KS om gjennomføring av nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer.',
     NULL, NULL, '{psykisk-helse,rus}'),
    ('ks', 'KS', 'KS', 'association',
     'Samarbeider med Helse- og omsorgsdepartementet og Helsedirektoratet om nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer. Laget refleksjonskort sammen med Stabburshella.',
     NULL, NULL, '{psykisk-helse,rus}'),
    ('statsforvalteren-i-innlandet', 'Statsforvalteren i Innlandet', NULL, 'county_governor',
     'Arrangerte den årlige nettverkssamlingen for brukerstyrte senter i Innlandet 2023 («Brukerstyring i praksis») sammen med Sagatun, ved seniorrådgiver Arild Bækkevold og Kim Åge Stenseth.',
     NULL, NULL, '{brukerstyring,lavterskel,opptrappingsplan}'),
    ('usn', 'Universitetet i Sørøst-Norge', 'USN', 'university',
     'Ga faglig veiledning og god bistand ved Marit Borg i det toårige utredningsprosjektet Knutepunkt for Recovery.',
     NULL, NULL, '{recovery,forskning}'),
    ('trondheim-kommune', 'Trondheim kommune', NULL, 'municipality',
     'Startet Recovery-nettverket i Midt-Norge i 2018 sammen med KBT og NAPHA.',
     NULL, '5001', '{recovery,nettverk}'),
    ('stjordal-kommune', 'Stjørdal kommune', NULL, 'municipality',
     'Stjørdal jobber for å bli Nord-Trøndelags Recovery kommune.',
     NULL, '5035', '{recovery}'),
    ('kings-college-london', 'King''s College London', NULL, 'university',
     'CHIME-modellen er utformet av blant andre Dr. Mary Leamy ved King''s College London.',
     NULL, NULL, '{recovery,forskning}'),
    ('nordfjord-psykiatrisenter', 'Nordfjord psykiatrisenter', NULL, 'hospital',
     'Nordfjord psykiatrisenter vil ha Illness Management and Recovery (IMR) ut i kommunene.',
     NULL, '4649', '{recovery,psykisk-helse}'),
    ('nidaros-dps', 'Nidaros DPS', NULL, 'hospital',
     'Verdensdagen for psykisk helse 10. oktober 2023 ble markert på Nidaros DPS, der VÅRRES hadde stand og sykehusprestene serverte nystekte vafler.',
     NULL, '5001', '{psykisk-helse}');

-- ---------------------------------------------------------------------------------------
-- Centres. Top level first (each owns itself), then departments (owned by their parent).
-- location/location_source come from the named `place` row.
-- ---------------------------------------------------------------------------------------
WITH src AS MATERIALIZED (
    SELECT gen_random_uuid() AS id, v.*
    FROM (VALUES
    ('sagatun-recovery', 'Sagatun Recovery', 'Sagatun', 'regional', 'sor-ost', 'Hamar',
     'Sagatunvegen 47 A og 47 B, Hamar', '3403', 'Hamar', 'town',
     'Sagatun Recovery er en ideell stiftelse som består av avdelingene Sagatun Brukerstyrt Senter, Sagatun Recoveryskole og Sagatun Regionale Ressurssenter. Våre verdier er medmenneskelighet, åpenhet og likeverd. Sagatun Recovery er både et lokalt og et regionalt brukerstyrt senter. Vi tilbyr et sosialt og støttende fellesskap med aktiviteter, arbeid, kurs og kompetanseheving. Vi styrker brukere og pårørende og fremmer erfaringskunnskap i tjenesteutvikling, undervisning og forskning.',
     '{medmenneskelighet,åpenhet,likeverd}'::text[],
     '{"sosialt og støttende fellesskap",aktiviteter,arbeid,kurs,kompetanseheving,"erfaringskunnskap i tjenesteutvikling, undervisning og forskning"}'::text[],
     NULL, NULL, 'https://www.sagatun.no', '62 50 97 55', NULL,
     '[{"day":"mon","opens":"08:00","closes":"15:30"},{"day":"tue","opens":"08:00","closes":"15:30"},{"day":"wed","opens":"08:00","closes":"15:30"},{"day":"thu","opens":"08:00","closes":"15:30"},{"day":"fri","opens":"08:00","closes":"15:30"}]'::jsonb,
     '{recovery,brukerstyring,erfaringskunnskap,kurs,sosial-moteplass,parorende,livsmestring,brukermedvirkning,tjenesteutvikling}'::text[]),
    ('varres', 'VÅRRES regionalt brukerstyrt senter', 'VÅRRES', 'regional', 'midt', 'Trondheim',
     NULL, '5001', 'Trondheim', 'town',
     'VÅRRES regionalt brukerstyrt senter ligger i Trondheim. VÅRRES er et ressurssenter for innsamling og formidling av brukererfaringer fra barn, unge og voksne med ulike psykiske lidelser og tilstander samt deres pårørende.',
     '{}'::text[],
     '{"innsamling og formidling av brukererfaringer","barn, unge og voksne med ulike psykiske lidelser og tilstander","pårørende"}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,erfaringskunnskap,parorende,psykisk-helse,brukermedvirkning}'::text[]),
    ('rom-agder', 'ROM-Agder', 'ROM-Agder', 'regional', 'sor-ost', 'Kristiansand',
     NULL, '4204', 'Kristiansand', 'town',
     'ROM-Agder er et regionalt brukerstyrt kompetansesenter og ressursbase på psykisk helse-feltet, og holder til i Kristiansand. Vi jobber med tjenesteutvikling, kunnskapsutvikling, kompetanseoppbygging, arbeidstrening og livsmestring.',
     '{}'::text[],
     '{tjenesteutvikling,kunnskapsutvikling,kompetanseoppbygging,arbeidstrening,livsmestring}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,psykisk-helse,tjenesteutvikling,arbeidstrening,livsmestring}'::text[]),
    ('bikuben', 'BIKUBEN Regionalt Brukerstyrt Senter Nord-Norge', 'BIKUBEN', 'regional', 'nord', 'Borkenes',
     NULL, '5510', 'Borkenes', 'town',
     'BIKUBEN Regionalt Brukerstyrt Senter Nord-Norge holder til på Borkenes i Troms. Vårt hovedfokus er livsmestring, selvstyrkning, kurs kompetanseheving med mer. Vi tilbyr også arbeidstrening og sosialt fellesskap for brukere og pårørende.',
     '{}'::text[],
     '{livsmestring,selvstyrkning,kurs,kompetanseheving,arbeidstrening,"sosialt fellesskap for brukere og pårørende"}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,livsmestring,kurs,arbeidstrening,sosial-moteplass,parorende}'::text[]),
    ('kbt', 'KBT', 'KBT', 'regional', 'midt', 'Trondheim',
     NULL, '5001', 'Trondheim', 'town',
     'KBT holder til i Trondheim. Visjon: Vi løfter brukerstemmen. Erfaring og fag i likeverdig dialog. KBT jobber blant annet med forskning og innovasjon, kurs og evalueringer. Høsten 2020 åpnet KBT Fagskole, som tilbyr utdanningene Erfaringskonsulent og Sosialt entreprenørskap. Høsten 2019 åpnet Glimt recoverysenter. KBT mener at god hjelp tar utgangspunkt i brukerens behov og ønsker, og jobber for å styrke forståelsen av recovery på både individ-, tjeneste-, system- og samfunnsnivå, blant annet gjennom Bruker Spør Bruker-evalueringer, CHIME-modellen og Recovery-nettverket i Midt-Norge.',
     '{}'::text[],
     '{"forskning og innovasjon",kurs,evalueringer,"Bruker Spør Bruker","dokumentasjon og formidling av brukererfaringer"}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,forskning,kurs,evaluering,erfaringskunnskap,tjenesteutvikling}'::text[]),
    ('vestavind', 'Vestavind regionale brukerstyrte senter', 'Vestavind', 'regional', 'vest', NULL,
     NULL, NULL, NULL, NULL,
     'Vestavind regionale brukerstyrte senter ble etablert i 2018 og er en del av Knutepunkt-samarbeidet. De regionale brukerstyrte sentrene besøkte Vestavind under styringsmøtet på Kronen Gaard i Sandnes 23.–24. april 2019, sammen med et besøk på Jæren Recovery College; senteret ligger derfor etter alt å dømme i Jæren/Sandnes-området (Rogaland), men kildene oppgir verken adresse eller sted.',
     '{}'::text[], '{}'::text[],
     '2018', NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,brukerstyring}'::text[]),
    ('jaeren-recovery-college', 'Jæren Recovery College', NULL, 'recovery_college', 'vest', 'Sandnes',
     NULL, '1108', 'Sandnes', 'town',
     'Nyopprettet recovery college i Sandnes. De regionale brukerstyrte sentrene besøkte Jæren Recovery College under styringsmøtet på Kronen Gaard i Sandnes 23.–24. april 2019.',
     '{}'::text[], '{}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{recovery,kurs,utdanning}'::text[]),
    ('midtpunktet-brukerstyrt-senter-grue', 'Midtpunktet Brukerstyrt Senter Grue', 'Midtpunktet', 'local', 'sor-ost', 'Grue',
     NULL, '3417', 'Grue (Kirkenær)', 'municipality',
     'Midtpunktet Brukerstyrt Senter Grue er det nyeste av de brukerstyrte sentrene i Innlandet og var med på nettverkssamlingen for brukerstyrte senter i Innlandet i 2023 for første gang. De skal være en sosial møteplass hvor det er rom for alle og bruk for alle. De har mange aktiviteter, har godt samarbeid med kommunen og i fjor (2022) arrangerte de Verdensdagen for psykisk helse.',
     '{}'::text[],
     '{"sosial møteplass hvor det er rom for alle og bruk for alle",aktiviteter,"samarbeid med kommunen"}'::text[],
     NULL, NULL, NULL, NULL, NULL, '[]'::jsonb,
     '{brukerstyring,sosial-moteplass,psykisk-helse}'::text[]),
    ('havang-brukerstyrt-senter', 'Havang Brukerstyrt Senter', 'Havang', 'local', 'sor-ost', 'Lillehammer',
     NULL, '3405', 'Lillehammer', 'town',
     'Havang Brukerstyrt Senter, Lillehammer, har mange aktiviteter og trekker spesielt frem pårørendesatsingen og Havang-konferansen.',
     '{}'::text[],
     '{aktiviteter,pårørendesatsing,Havang-konferansen}'::text[],
     NULL, NULL, 'https://havang.no/', NULL, NULL, '[]'::jsonb,
     '{brukerstyring,parorende,konferanse}'::text[]),
    ('stabburshella', 'Stabburshella', NULL, 'local', 'sor-ost', 'Fagernes',
     NULL, '3451', 'Fagernes', 'town',
     'Stabburshella, Fagernes, har mange aktiviteter og var med å lage refleksjonskort sammen med KS. Filmen om Stabburshella heter «Kraftsenter for medskapelse».',
     '{}'::text[],
     '{aktiviteter,refleksjonskort}'::text[],
     NULL, NULL, 'http://stabburshella.com/', NULL, NULL, '[]'::jsonb,
     '{brukerstyring,sosial-moteplass}'::text[])
    ) AS v(slug, name, short_name, kind, region, town, address, municipality_number, place_name,
           location_precision, description, vals, focus_areas, founded, opened, website, phone,
           email, opening_hours, tags)
)
INSERT INTO centre (id, slug, name, short_name, kind, region, town, address, municipality_number,
                    location, location_precision, location_source, description, "values",
                    focus_areas, founded, opened, website, phone, email, opening_hours,
                    languages, last_verified, tags, owner_centre_id)
SELECT s.id, s.slug, s.name, s.short_name, s.kind, s.region, s.town, s.address,
       s.municipality_number, p.location, s.location_precision, p.source, s.description,
       s.vals, s.focus_areas, s.founded, s.opened, s.website, s.phone, s.email,
       s.opening_hours, '{nob}', NULL, s.tags, s.id
FROM src s LEFT JOIN place p ON p.name = s.place_name;

INSERT INTO centre (slug, name, short_name, kind, parent_id, region, town, address,
                    municipality_number, location, location_precision, location_source,
                    description, "values", focus_areas, founded, opened, website, phone,
                    opening_hours, languages, last_verified, tags, owner_centre_id)
SELECT v.slug, v.name, NULL, 'department', par.id, par.region, v.town, v.address,
       v.municipality_number, p.location, v.location_precision, p.source, v.description,
       v.vals, v.focus_areas, NULL, v.opened, v.website, v.phone, v.opening_hours, '{nob}',
       NULL, v.tags, par.id
FROM (VALUES
    ('sagatun-brukerstyrt-senter', 'Sagatun Brukerstyrt Senter', 'sagatun-recovery', 'Hamar',
     'Sagatunvegen 47 A og 47 B, Hamar', '3403', 'Hamar', 'town',
     'Sagatun Brukerstyrt Senter er både lokalt og regionalt brukerstyrt senter og har mange kurs, recoveryverksted, aktiviteter og ikke minst er en sosial møteplass. Avdeling av Sagatun Recovery. Daglig leder er Kårhild Husom Løken.',
     '{medmenneskelighet,åpenhet,likeverd}'::text[],
     '{kurs,recoveryverksted,aktiviteter,"sosial møteplass"}'::text[],
     NULL, 'https://www.sagatun.no', NULL, '[]'::jsonb,
     '{brukerstyring,kurs,recovery,sosial-moteplass}'::text[]),
    ('sagatun-recoveryskole', 'Sagatun Recoveryskole', 'sagatun-recovery', 'Hamar',
     NULL, '3403', 'Hamar', 'town',
     'Avdeling av Sagatun Recovery, en ideell stiftelse som er både et lokalt og et regionalt brukerstyrt senter.',
     '{medmenneskelighet,åpenhet,likeverd}'::text[], '{}'::text[],
     NULL, 'https://www.sagatun.no', NULL, '[]'::jsonb,
     '{recovery,kurs,utdanning}'::text[]),
    ('sagatun-regionale-ressurssenter', 'Sagatun Regionale Ressurssenter', 'sagatun-recovery', 'Hamar',
     NULL, '3403', 'Hamar', 'town',
     'Avdeling av Sagatun Recovery, en ideell stiftelse som er både et lokalt og et regionalt brukerstyrt senter. Arrangerte den årlige nettverkssamlingen for brukerstyrte senter i Innlandet 2023 («Brukerstyring i praksis») sammen med Statsforvalteren i Innlandet.',
     '{medmenneskelighet,åpenhet,likeverd}'::text[], '{}'::text[],
     NULL, 'https://www.sagatun.no', NULL, '[]'::jsonb,
     '{brukerstyring,erfaringskunnskap,tjenesteutvikling,nettverk}'::text[]),
    ('kbt-fagskole', 'KBT Fagskole', 'kbt', NULL,
     NULL, NULL, NULL, NULL,
     'Høsten 2020 åpnet KBT Fagskole, som tilbyr utdanningene Erfaringskonsulent og Sosialt entreprenørskap.',
     '{}'::text[], '{Erfaringskonsulent,"Sosialt entreprenørskap"}'::text[],
     '2020-23', NULL, NULL, '[]'::jsonb,
     '{utdanning,erfaringskonsulent,erfaringskunnskap}'::text[]),
    ('glimt-recoverysenter', 'Glimt Recoverysenter', 'kbt', 'Heimdal',
     NULL, '5001', 'Heimdal (Trondheim)', 'district',
     'Høsten 2019 åpnet Glimt Recoverysenter på Heimdal i Trondheim. Senteret er åpent på dagtid, og skal være en møteplass for mennesker over 18 år som ønsker å være en del av et fellesskap. Her kan du komme som du er, og møte andre som ønsker å ha en meningsfull hverdag. På Glimt kan du som deltaker holde på med ulike aktiviteter, og de som er på Glimt får være med på å bestemme hva som går an å gjøre der. Musikk har vært en viktig del av senteret, med lydstudio, musikkrom og en musikkterapeut. Det samme gjelder kunst og annen kreativ utfoldelse – på Glimt finner du et relativt velutstyrt kunstrom med tegne- og malesaker, perler og mer. Glimt Recoverysenter tar utgangspunkt i CHIME-modellen.',
     '{}'::text[],
     '{"møteplass for mennesker over 18 år",aktiviteter,musikk,"kunst og annen kreativ utfoldelse","CHIME-modellen"}'::text[],
     '2019-23', NULL, NULL, '[]'::jsonb,
     '{recovery,sosial-moteplass,connectedness,hope,identity,meaning,empowerment}'::text[])
) AS v(slug, name, parent_slug, town, address, municipality_number, place_name,
       location_precision, description, vals, focus_areas, opened, website, phone,
       opening_hours, tags)
JOIN centre par ON par.slug = v.parent_slug
LEFT JOIN place p ON p.name = v.place_name;

-- ---------------------------------------------------------------------------------------
-- Networks
-- ---------------------------------------------------------------------------------------
INSERT INTO network (slug, name, kind, description, region, founded, meeting_frequency,
                     target_group, contact_name, contact_role, contact_phone, contact_email,
                     website, tags, owner_centre_id)
VALUES
    ('knutepunkt-for-recovery', 'Knutepunkt for Recovery', 'national_collaboration',
     $t$Knutepunkt for Recovery startet som et prosjekt mellom de Regionale Brukerstyrte Sentrene (RBS-ene). Sentrene, eller «knutepunktene», er brukerstyrte ressurs- og kompetansebaser for recovery i sine regioner, og har som mål å fremme recoveryorientert tenkning i alle deler av samfunnet. De bygger bro mellom fag og erfaring i utviklingen av fremtidens tjenestetilbud, gjennom å dokumentere, styrke og løfte frem brukere og pårørendes erfaringskunnskap. Sentrenes kjerneoppgaver er livsmestring, brukermedvirkning og tjenesteutvikling, med utgangspunkt i brukere og pårørendes erfaring og kunnskap.

De regionale brukerstyrte sentrene har gjennomført et toårig utredningsprosjekt for å bli regionale Knutepunkt for Recovery, med faglig veiledning og god bistand fra Universitetet i Sørøst-Norge ved Marit Borg. Sluttrapporten fra prosjektet er overlevert Helsedirektoratet med anbefalinger for innhold og funksjon for regionale Knutepunkt for Recovery. Helsedirektoratet anbefaler at arbeidet videreføres som en del av sentrenes ordinære virksomhet, i tråd med anbefalingene i rapporten.

Hovedmålet er å gi mennesker med utfordringer innen psykisk helse og rus og deres pårørende mulighet for bedring og mestring og en verdig livssituasjon. Kårhild Husom Løken, daglig leder for Sagatun Brukerstyrt Senter, er valgt til leder for samarbeidet videre.$t$,
     NULL, NULL, NULL,
     'Mennesker med utfordringer innen psykisk helse og rus og deres pårørende',
     'Kårhild Husom Løken', 'Leder for samarbeidet; daglig leder for Sagatun Brukerstyrt Senter',
     '97978456', 'karhild@sagatun.no', 'https://www.recoveryknutepunkt.no',
     '{recovery,erfaringskunnskap,livsmestring,brukermedvirkning,tjenesteutvikling,nettverk,menneskerettigheter,medborgerskap,demokratisk-deltakelse}',
     (SELECT id FROM centre WHERE slug = 'sagatun-recovery')),
    ('recoverynettverk-midt-norge', 'Recovery-nettverket i Midt-Norge', 'regional_network',
     'Mange av de som KBT har vært i dialog med har uttrykt behov for et faglig nettverk som kan støtte dem i å finne gode måter å jobbe med recovery på. Derfor tok KBT i 2018 initiativ til å starte et Recovery-nettverk i Midt-Norge, i samarbeid med NAPHA og Trondheim kommune. Hensikten med nettverket er å samle ulike aktører som har kommet i gang med recovery-orientering for å bidra til erfaringsutveksling og gode eksempler, diskutere muligheter, behov og utfordringer, samt å få inspirasjon og faglig påfyll. Faglige samlinger for fagfolk, brukere og brukerorganisasjoner, ca 2 i året.',
     'midt', '2018', 'ca 2 i året',
     'Kommuner, spesialisthelsetjenesten, bruker- og pårørendeorganisasjoner og andre miljøer som jobber for å implementere recovery-tenkning innen psykisk helse og rus',
     NULL, NULL, NULL, NULL, NULL,
     '{recovery,nettverk,psykisk-helse,rus}',
     (SELECT id FROM centre WHERE slug = 'kbt')),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'Nettverkssamling for brukerstyrte senter i Innlandet', 'annual_gathering',
     'Den årlige nettverkssamlingen for brukerstyrte senter i Innlandet. I 2023 samarbeidet Sagatun med Statsforvalteren i Innlandet om å arrangere samlingen («Brukerstyring i praksis»), med totalt 20 deltakere fra Midtpunktet Brukerstyrt Senter Grue, Havang Brukerstyrt Senter, Stabburshella og Sagatun Brukerstyrt Senter.',
     'sor-ost', NULL, 'årlig',
     'Brukerstyreleder/brukerrådsrepresentant, daglig leder/styreleder og erfaringskonsulent fra de brukerstyrte sentrene i Innlandet',
     NULL, NULL, NULL, NULL, NULL,
     '{brukerstyring,nettverk,lavterskel}',
     (SELECT id FROM centre WHERE slug = 'sagatun-recovery')),
    ('brukerstemmenettverk-bergen', 'Brukerstemmenettverk i Bergen', 'user_voice_network',
     'Personer og miljøer i Bergen og omegn har møttes en gang i året for å dele erfaringer i arbeidet med å styrke brukerstemmen i tjenestene og det offentlige rom.',
     'vest', NULL, 'en gang i året',
     'Personer og miljøer i Bergen og omegn som arbeider med å styrke brukerstemmen i tjenestene og det offentlige rom',
     NULL, NULL, NULL, NULL, NULL,
     '{brukerinvolvering,nettverk,erfaringskunnskap}', NULL),
    ('nasjonale-laeringsnettverk', 'Nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer', 'learning_network',
     'Helse- og omsorgsdepartementet, Helsedirektoratet og KS samarbeider om gjennomføring av nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer. Se prosjektrapporten «Regionalt læringsnettverk om utvikling av tjenester for psykisk helse og rus».',
     NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL,
     '{nettverk,psykisk-helse,rus,tjenesteutvikling}', NULL);

INSERT INTO network_member_centre (network_id, centre_id)
SELECT n.id, c.id FROM network n JOIN centre c ON (n.slug, c.slug) IN (
    ('knutepunkt-for-recovery', 'sagatun-recovery'), ('knutepunkt-for-recovery', 'varres'),
    ('knutepunkt-for-recovery', 'rom-agder'), ('knutepunkt-for-recovery', 'bikuben'),
    ('knutepunkt-for-recovery', 'kbt'), ('knutepunkt-for-recovery', 'vestavind'),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'midtpunktet-brukerstyrt-senter-grue'),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'havang-brukerstyrt-senter'),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'stabburshella'),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'sagatun-brukerstyrt-senter'));

INSERT INTO network_organiser_centre (network_id, centre_id)
SELECT n.id, c.id FROM network n JOIN centre c ON (n.slug, c.slug) IN (
    ('recoverynettverk-midt-norge', 'kbt'),
    ('nettverkssamling-brukerstyrte-senter-innlandet', 'sagatun-recovery'));

INSERT INTO network_organiser_organisation (network_id, organisation_id)
SELECT n.id, o.id FROM network n JOIN organisation o ON (n.slug, o.slug) IN (
    ('recoverynettverk-midt-norge', 'napha'),
    ('recoverynettverk-midt-norge', 'trondheim-kommune'),
    ('nasjonale-laeringsnettverk', 'helse-og-omsorgsdepartementet'),
    ('nasjonale-laeringsnettverk', 'helsedirektoratet'),
    ('nasjonale-laeringsnettverk', 'ks'));

-- ---------------------------------------------------------------------------------------
-- Reports
-- ---------------------------------------------------------------------------------------
INSERT INTO report (slug, title, kind, date, place, municipality_number, network_id, summary,
                    body, participant_count, group_work, evaluation_quotes, minutes_taker,
                    speakers, url, tags, owner_centre_id)
VALUES
    ('brukerstyring-i-praksis', 'Brukerstyring i praksis', 'learning_network_report',
     '2023-09-05', NULL, NULL,
     (SELECT id FROM network WHERE slug = 'nettverkssamling-brukerstyrte-senter-innlandet'),
     'Den årlige nettverkssamlingen for brukerstyrte senter i Innlandet, arrangert av Sagatun i samarbeid med Statsforvalteren i Innlandet, med totalt 20 deltakere fra fire brukerstyrte sentre. Samlingen handlet om brukerstyring i teori og praksis, og den nye opptrappingsplanen for psykisk helse med spesielt fokus på kunnskapsbaserte lavterskeltilbud. Konklusjon: de brukerstyrte sentrene er «kraftsenter for medskapelse», som bidrar til tilhørighet, mening og mestring.',
     $body$«Kraftsentre for medskapelse», dette var en av tingene som kom frem på den årlige nettverkssamlingen for brukerstyrte senter i Innlandet. I år samarbeidet Sagatun Regionale Brukerstyrt Senter med Statsforvalteren i Innlandet ved Seniorrådgiver Arild Bækkevold og Kim Åge Stenseth om å arrangere samlingen, med totalt 20 deltakere.

Samlingen handlet om brukerstyring i teori og praksis, og den nye opptrappingsplanen for psykisk helse med spesielt fokus på kunnskapsbaserte lavterskeltilbud. Arild ønsket velkommen og understrekte viktigheten av brukerstyrte senter, og jobben vi gjør. Kim Åge satt oss godt inn i satsingen på kunnskapsbaserte lavterskeltilbud fra Opptrappingsplanen for psykisk helse. Han understrekte at psykisk helse er et av de viktigste målene fra regjeringen, og at kommunene skal sikre de som har behov for det meningsfull aktivitet, tilhørighet og mestring. De brukerstyrte sentrene må fremme sin egen viktighet og er viktige arenaer for tilhørighet, meningsfull aktivitet og mestring, var et av rådene fra Kim Åge. Han viste til at vår rolle som brukerstyrte senter bare blir viktigere fremover, spesielt sett i lys av helsepersonellkommisjonen, og at vi vil mangle fagfolk fremover. Oppgavene må fordeles på flere. Kim Åge viste til Sagatun som et godt eksempel på brukerstyring.

På denne samlingen var det med brukerstyreleder/brukerrådsrepresentant, daglig leder/styreleder og erfaringskonsulent fra de ulike sentrene. De 4 brukerstyrte sentrene som var til stede, presenterte seg kort. Midtpunktet Brukerstyrt Senter Grue, er det nyeste av sentrene og er med på den første av disse samlingene. De skal være en sosial møteplass hvor det er rom for alle og bruk for alle. De har mange aktivitet, har godt samarbeid med kommunen og i fjor arrangerte de Verdensdagen for psykisk helse. Havang Brukerstyrt Senter, Lillehammer, har mange aktiviteter og trekker spesielt frem pårørendesatsingen og Havang konferansen. Du kan lese mer om Havang på https://havang.no/

Stabburshella, Fagernes trekker frem at de har mange aktiviteter og var med å lage refleksjonskort sammen med KS. Her kan du se film om Stabburshella http://stabburshella.com/om-stabburshella/

Sagatun Brukerstyrt Senter er både lokalt og regionalt brukerstyrt senter og har mange kurs, recoveryverksted, aktiviteter og ikke minst er en sosial møteplass. Du kan lese mer om Sagatun her www.sagatun.no .

Mariann og Rune hadde et innlegg om brukerstyring i praksis. Noe av det de trakk frem som viktig var, at brukerstyret ble vist tillit og mulighet til å ta ansvar. Det å ha et mandat med klare rammer på hva brukerne skal bestemme og hvordan brukerstyringen skal foregå. Det vil si avklaring av roller, ansvar og struktur på det enkelte brukerstyrte stedet. På Sagatun har vi erfart at det har vært positivt med en ansatt som er med på brukerstyremøter og gir råd og tips om det trengs. Som innledning før gruppearbeidet ble det poengtert at vi kan hente inspirasjon fra hverandre, men et brukerstyrt sted må justere og finne ut hva som fungerer best på eget sted. Etter aktiv jobbing i gruppene er dette noe av det som kom frem.

Gruppearbeid 1

«Hvordan kan brukerstyring bidra til meningsfull aktivitet, tilhørighet og mestring?»

• Bli sett og hørt, gir tillit
• Være til nytte
• Alle er likeverdige
• Brukerstyring gir trygghet.
• Eierskapsfølelse være en ordentlig del av noe.
• Mestring i aktiviteter
• Tilrettelegging for personlig utvikling.

Gruppearbeid 2

«Hva er mulig hos oss, for å få til god brukerstyring? Rammer, begrensning og muligheter».

• Tillit gir involvering og ansvar som fører til engasjement
• Rammene kan diskuteres og prates om. Økonomi kan gi begrensninger og muligheter
• Begrensning kan være økonomi.
• Be om å få oppgaver og ansvar
• Synes det er bra som det er
• Rammene kan være både økonomi, men også rammene brukerstyring skal skje under.
• Tydelige rammer – letter brukerstyringen.

Arild oppsummerte samlingen og viste til filmen om Stabburshella, «Kraftsenter for medskapelse». De brukerstyrte sentrene er viktige kunnskapsbaserte lavterskeltiltak og det dere representerer kan bli hjemmel pålagt. Gå til kommunene deres og forklar dem hvorfor dere er så viktige var de siste rådet til Arild.

Mariann mener med det vi har hørt i dag er alle sentrene «kraftsenter for medskapelse», som bidrar til tilhørighet, mening og mestring.

Samlingen ble evaluert og noe av det som kom frem var som viktigst var «Hvordan best få til en god brukerstyring» og «Informasjon om opptrappingsplan, informasjon fra statsforvalteren, informasjon om brukerstyring. Ikke brukerstyrested, men brukerstyrt sted».

«Takk for en lærerik dag. Håper på flere sånne🥰» sitat fra evalueringen

Referent Mariann Haukland$body$,
     20,
     $gw$[
       {"round": 1,
        "question": "Hvordan kan brukerstyring bidra til meningsfull aktivitet, tilhørighet og mestring?",
        "findings": ["Bli sett og hørt, gir tillit",
                     "Være til nytte",
                     "Alle er likeverdige",
                     "Brukerstyring gir trygghet.",
                     "Eierskapsfølelse være en ordentlig del av noe.",
                     "Mestring i aktiviteter",
                     "Tilrettelegging for personlig utvikling."]},
       {"round": 2,
        "question": "Hva er mulig hos oss, for å få til god brukerstyring? Rammer, begrensning og muligheter",
        "findings": ["Tillit gir involvering og ansvar som fører til engasjement",
                     "Rammene kan diskuteres og prates om. Økonomi kan gi begrensninger og muligheter",
                     "Begrensning kan være økonomi.",
                     "Be om å få oppgaver og ansvar",
                     "Synes det er bra som det er",
                     "Rammene kan være både økonomi, men også rammene brukerstyring skal skje under.",
                     "Tydelige rammer – letter brukerstyringen."]}
     ]$gw$::jsonb,
     ARRAY['Hvordan best få til en god brukerstyring',
           'Informasjon om opptrappingsplan, informasjon fra statsforvalteren, informasjon om brukerstyring. Ikke brukerstyrested, men brukerstyrt sted',
           'Takk for en lærerik dag. Håper på flere sånne🥰'],
     'Mariann Haukland',
     ARRAY['Arild Bækkevold (seniorrådgiver, Statsforvalteren i Innlandet)',
           'Kim Åge Stenseth (Statsforvalteren i Innlandet)',
           'Mariann (innlegg om brukerstyring i praksis)',
           'Rune (innlegg om brukerstyring i praksis)'],
     NULL,
     '{brukerstyring,lavterskel,opptrappingsplan,tilhorighet,mening-i-livet,livsmestring,nettverk,erfaringskonsulent}',
     (SELECT id FROM centre WHERE slug = 'sagatun-recovery')),
    ('knutepunkt-for-recovery-sluttrapport', 'Knutepunkt for Recovery – sluttrapport fra utredningsprosjektet', 'final_report',
     '2019', NULL, NULL,
     (SELECT id FROM network WHERE slug = 'knutepunkt-for-recovery'),
     'Sluttrapporten fra det toårige utredningsprosjektet der de regionale brukerstyrte sentrene utredet hvordan de kan bli regionale Knutepunkt for Recovery, med faglig veiledning fra Universitetet i Sørøst-Norge ved Marit Borg. Rapporten (2019) er overlevert Helsedirektoratet med anbefalinger for innhold og funksjon for regionale Knutepunkt for Recovery. Helsedirektoratet anbefaler at arbeidet videreføres som en del av sentrenes ordinære virksomhet, i tråd med anbefalingene i rapporten.',
     NULL, NULL, '[]'::jsonb, '{}', NULL, '{}', NULL,
     '{recovery,livsmestring,brukermedvirkning,tjenesteutvikling,erfaringskunnskap}', NULL),
    ('bruker-spor-bruker-sagatun-2017', 'Bruker Spør Bruker-evaluering av Sagatun Brukerstyrt Senter', 'evaluation',
     '2017', NULL, NULL, NULL,
     'I Bruker Spør Bruker-evaluering av Sagatun Brukerstyrt Senter i 2017 hadde KBT særlig fokus på recovery. KBT snakket med brukerne av senteret om deres opplevelse av recovery og på hvilke måter Sagatun som treffsted- og sysselsettingsfunksjon bidro til dette.',
     NULL, NULL, '[]'::jsonb, '{}', NULL, '{}', NULL,
     '{evaluering,recovery,erfaringskunnskap,brukerstyring}',
     (SELECT id FROM centre WHERE slug = 'kbt')),
    ('regionalt-laeringsnettverk-psykisk-helse-og-rus', 'Regionalt læringsnettverk om utvikling av tjenester for psykisk helse og rus', 'project_report',
     NULL, NULL, NULL,
     (SELECT id FROM network WHERE slug = 'nasjonale-laeringsnettverk'),
     'Prosjektrapport om regionalt læringsnettverk om utvikling av tjenester for psykisk helse og rus, knyttet til de nasjonale læringsnettverkene som Helse- og omsorgsdepartementet, Helsedirektoratet og KS samarbeider om.',
     NULL, NULL, '[]'::jsonb, '{}', NULL, '{}', NULL,
     '{nettverk,tjenesteutvikling,psykisk-helse,rus}', NULL);

INSERT INTO report_organiser_centre (report_id, centre_id)
SELECT r.id, c.id FROM report r JOIN centre c ON (r.slug, c.slug) IN (
    ('brukerstyring-i-praksis', 'sagatun-recovery'),
    ('knutepunkt-for-recovery-sluttrapport', 'sagatun-recovery'),
    ('knutepunkt-for-recovery-sluttrapport', 'varres'),
    ('knutepunkt-for-recovery-sluttrapport', 'rom-agder'),
    ('knutepunkt-for-recovery-sluttrapport', 'bikuben'),
    ('knutepunkt-for-recovery-sluttrapport', 'kbt'),
    ('bruker-spor-bruker-sagatun-2017', 'kbt'));

INSERT INTO report_organiser_organisation (report_id, organisation_id)
SELECT r.id, o.id FROM report r JOIN organisation o ON (r.slug, o.slug) IN (
    ('brukerstyring-i-praksis', 'statsforvalteren-i-innlandet'));

INSERT INTO report_centre_present (report_id, centre_id)
SELECT r.id, c.id FROM report r JOIN centre c ON (r.slug, c.slug) IN (
    ('brukerstyring-i-praksis', 'midtpunktet-brukerstyrt-senter-grue'),
    ('brukerstyring-i-praksis', 'havang-brukerstyrt-senter'),
    ('brukerstyring-i-praksis', 'stabburshella'),
    ('brukerstyring-i-praksis', 'sagatun-brukerstyrt-senter'));

-- ---------------------------------------------------------------------------------------
-- Resources
-- ---------------------------------------------------------------------------------------
INSERT INTO resource (slug, name, kind, description, url, authors, date, centre_id,
                      organisation_id, tags, owner_centre_id)
SELECT v.slug, v.name, v.kind, v.description, v.url, v.authors, v.date,
       (SELECT id FROM centre WHERE slug = v.centre_slug),
       (SELECT id FROM organisation WHERE slug = v.organisation_slug),
       v.tags, (SELECT coalesce(parent_id, id) FROM centre WHERE slug = v.owner_slug)
FROM (VALUES
    ('tilhorighet', 'Tilhørighet', 'recovery_factor',
     'En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig. Knutepunkt for Recovery arbeider for å fremme kunnskap om faktorene: tilhørighet, identitet, håp, egenmakt og mening i livet.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{tilhorighet,connectedness,recovery}'::text[], NULL),
    ('identitet', 'Identitet', 'recovery_factor',
     'En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig. Knutepunkt for Recovery arbeider for å fremme kunnskap om faktorene: tilhørighet, identitet, håp, egenmakt og mening i livet.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{identitet,identity,recovery}'::text[], NULL),
    ('hap', 'Håp', 'recovery_factor',
     'En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig. Knutepunkt for Recovery arbeider for å fremme kunnskap om faktorene: tilhørighet, identitet, håp, egenmakt og mening i livet.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{hap,hope,recovery}'::text[], NULL),
    ('egenmakt', 'Egenmakt', 'recovery_factor',
     'En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig. Knutepunkt for Recovery arbeider for å fremme kunnskap om faktorene: tilhørighet, identitet, håp, egenmakt og mening i livet.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{egenmakt,empowerment,recovery}'::text[], NULL),
    ('mening-i-livet', 'Mening i livet', 'recovery_factor',
     'En av faktorene i Recovery som bidrar til at behandling innen psykisk helsevern og rusomsorg blir varig. Knutepunkt for Recovery arbeider for å fremme kunnskap om faktorene: tilhørighet, identitet, håp, egenmakt og mening i livet.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{mening-i-livet,meaning,recovery}'::text[], NULL),
    ('chime-modellen', 'CHIME-modellen', 'model',
     'Det finnes flere modeller for Recovery, og en av disse er CHIME, som står for Connectedness (tilhørighet), Hope, Identity, Meaning og Empowerment. Modellen er utformet av blant andre Dr. Mary Leamy ved King''s College London. I samarbeid med Leamy har KBT jobbet med et prosjekt hvor de blant annet har sett på hvordan CHIME-modellen er forankret i utviklingen av recovery i norske helse- og velferdstjenester. Glimt Recoverysenter tar utgangspunkt i CHIME-modellen.',
     NULL, '{"Dr. Mary Leamy"}'::text[], NULL, NULL, 'kings-college-london',
     '{recovery,connectedness,hope,identity,meaning,empowerment}'::text[], 'kbt'),
    ('bruker-spor-bruker', 'Bruker Spør Bruker', 'model',
     'Bruker Spør Bruker-evalueringer er en måte å jobbe recoveryorientert på med utgangspunkt i brukeres tanker om endring og ulike prosesser i tjenester. KBT styrker forståelsen for recovery gjennom dokumentasjon og formidling av brukererfaringer om bedringsprosesser og recovery.',
     NULL, '{}'::text[], NULL, 'kbt', NULL, '{evaluering,erfaringskunnskap,recovery,tjenesteutvikling}'::text[], 'kbt'),
    ('guide-for-recovery-satsning', 'Guide for recovery satsning – guide for å kartlegge status', 'guide',
     'Guide for å kartlegge status i en recovery satsning.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{recovery,tjenesteutvikling}'::text[], NULL),
    ('refleksjonskort-stabburshella-ks', 'Refleksjonskort', 'reflection_cards',
     'Refleksjonskort som Stabburshella, Fagernes, var med å lage sammen med KS.',
     NULL, '{}'::text[], NULL, 'stabburshella', 'ks', '{brukerstyring}'::text[], 'stabburshella'),
    ('film-kraftsenter-for-medskapelse', 'Kraftsenter for medskapelse', 'film',
     'Film om Stabburshella, «Kraftsenter for medskapelse». Arild Bækkevold viste til filmen da han oppsummerte nettverkssamlingen for brukerstyrte senter i Innlandet 2023.',
     'http://stabburshella.com/om-stabburshella/', '{}'::text[], NULL, 'stabburshella', NULL,
     '{brukerstyring}'::text[], 'stabburshella'),
    ('knutepunkt-for-recovery-rapport-2019', 'Knutepunkt for Recovery – rapport 2019 (PDF)', 'report',
     'Knutepunkt for Recovery startet som et samarbeidsprosjekt mellom de Regionale Brukerstyrte Sentrene, som resulterte i en rapport i 2019 (PDF). Sluttrapporten er overlevert Helsedirektoratet.',
     NULL, '{}'::text[], '2019', NULL, NULL, '{recovery,tjenesteutvikling}'::text[], NULL),
    ('selvhjelp-nettside', 'Selvhjelps egen nettside', 'web_page',
     'Selvhjelps egen nettside, om selvhjelp på aktuelle arenaer eller tilstelninger.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{selvhjelp}'::text[], NULL),
    ('illness-management-and-recovery', 'Illness Management and Recovery (IMR)', 'model',
     'Illness Management and Recovery (IMR). Sørg for at dette spres slik at flere fagfolk og brukere kan velge denne behandlingen. Nordfjord psykiatrisenter vil ha IMR ut i kommunene.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{recovery,livsmestring,psykisk-helse}'::text[], NULL),
    ('oversikt-brukerstyrte-sentre-og-brukerorganisasjoner', 'Oversikt over brukerstyrte sentre og brukerorganisasjoner', 'web_page',
     'Oversikt over brukerstyrte sentre og brukerorganisasjoner, slik at kommunene kan ha en oversikt over sentrene og organisasjonene i sin region og sette i gang anbefalt samarbeid.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{brukerstyring,brukerinvolvering,nettverk}'::text[], NULL),
    ('nasjonal-konferanse-for-recovery', 'Nasjonal konferanse for Recovery – Ingenting om oss uten oss', 'conference',
     'Den nasjonale konferansen for Recovery arrangeres av De Regionale Brukerstyrte Sentrene (RBS-ene), NAPHA og Erfaringssentrum, med en rekke samarbeidspartnere. Undertittel: Menneskerettigheter, medborgerskap og demokratisk deltakelse innen psykisk helse og rus. Etter to år med pandemi og usikkerhet ble den gjennomført høsten 2022.',
     NULL, '{}'::text[], '2022-23', NULL, NULL,
     '{recovery,konferanse,menneskerettigheter,medborgerskap,demokratisk-deltakelse}'::text[], NULL),
    ('havang-konferansen', 'Havang-konferansen', 'conference',
     'Konferanse som Havang Brukerstyrt Senter, Lillehammer, trekker spesielt frem sammen med pårørendesatsingen.',
     NULL, '{}'::text[], NULL, 'havang-brukerstyrt-senter', NULL, '{konferanse,parorende}'::text[], 'havang-brukerstyrt-senter'),
    ('kbt-fagskole-erfaringskonsulent', 'Erfaringskonsulent', 'course',
     'Utdanning ved KBT Fagskole (åpnet høsten 2020).',
     NULL, '{}'::text[], NULL, 'kbt-fagskole', NULL, '{utdanning,erfaringskonsulent,erfaringskunnskap}'::text[], 'kbt'),
    ('kbt-fagskole-sosialt-entreprenorskap', 'Sosialt entreprenørskap', 'course',
     'Utdanning ved KBT Fagskole (åpnet høsten 2020).',
     NULL, '{}'::text[], NULL, 'kbt-fagskole', NULL, '{utdanning}'::text[], 'kbt'),
    ('opptrappingsplanen-for-psykisk-helse', 'Opptrappingsplanen for psykisk helse', 'report',
     'Den nye opptrappingsplanen for psykisk helse, med satsing på kunnskapsbaserte lavterskeltilbud. Psykisk helse er et av de viktigste målene fra regjeringen, og kommunene skal sikre de som har behov for det meningsfull aktivitet, tilhørighet og mestring.',
     NULL, '{}'::text[], NULL, NULL, NULL, '{opptrappingsplan,lavterskel,psykisk-helse}'::text[], NULL)
) AS v(slug, name, kind, description, url, authors, date, centre_slug, organisation_slug, tags, owner_slug);

-- ---------------------------------------------------------------------------------------
-- Practices: measures and examples of good practice for user involvement (seed 003)
-- ---------------------------------------------------------------------------------------
INSERT INTO practice (slug, name, kind, description, url, link_text, municipality_number,
                      centre_id, organisation_id, network_id, resource_id, tags)
SELECT v.slug, v.name, v.kind, v.description, NULL, v.link_text, v.municipality_number,
       NULL,
       (SELECT id FROM organisation WHERE slug = v.organisation_slug),
       (SELECT id FROM network WHERE slug = v.network_slug),
       (SELECT id FROM resource WHERE slug = v.resource_slug),
       v.tags
FROM (VALUES
    ('nettverkssamlinger-om-recoveryorienterte-tjenester', 'Nettverkssamlinger om recoveryorienterte tjenester', 'measure',
     'Nettverkssamlinger om recoveryorienterte tjenester for å styrke kompetansen i tilbudene hos kommuner som vil satse på recovery som et verdigrunnlag og perspektiv. Ha et mål om at deltagerne etter gjennomført dag skal ha opparbeidet grunnleggende kunnskaper i et fagperspektiv om recovery og blitt inspirert til å ta i bruk nyttige verktøy i sin arbeidshverdag.',
     NULL, NULL, NULL, NULL, NULL, '{recovery,nettverk,tjenesteutvikling,brukerinvolvering}'::text[]),
    ('erfaringskonsulenter-planlegger-fagdager', 'Erfaringskonsulenter og ansatte planlegger fagdagen sammen', 'measure',
     'Sett sammen erfaringskonsulenter og ansatte i kommunen til å planlegge og gjennomføre fagdagen sammen med et kompetansesenter for et sammensatt program som innehar både arbeidsformer som er dialogorienterte og har fokus på deltaker aktivitet.',
     NULL, NULL, NULL, NULL, NULL, '{erfaringskonsulent,erfaringskunnskap,brukermedvirkning,brukerinvolvering}'::text[]),
    ('samme-prinsipper-for-andre-fagdager', 'Samme prinsipper for fagdager om brukerinvolvering', 'measure',
     'Bruk også de samme prinsippene for fagdager som berører brukerinvolvering på mer indirekte måter.',
     NULL, NULL, NULL, NULL, NULL, '{brukerinvolvering,brukermedvirkning}'::text[]),
    ('stjordal-recovery-kommune', 'Stjørdal – Nord-Trøndelags Recovery kommune', 'example',
     'Stjørdal jobber for å bli Nord-Trøndelags Recovery kommune.',
     'Se hvordan Stjørdal jobber for å bli Nord-Trøndelags Recovery kommune her', '5035', 'stjordal-kommune', NULL, NULL,
     '{recovery,tjenesteutvikling}'::text[]),
    ('kartlegge-status-recovery-satsning', 'Kartlegge status for en recovery satsning', 'example',
     'Guide for recovery satsning – guide for å kartlegge status.',
     'Se guide for recovery satsning – guide for å kartlegge status her', NULL, NULL, NULL, 'guide-for-recovery-satsning',
     '{recovery,tjenesteutvikling}'::text[]),
    ('brukerstemmenettverk-i-bergen', 'Brukerstemmenettverk i Bergen', 'example',
     'Brukerstemmenettverk i Bergen – Personer og miljøer i Bergen og omegn har møttes en gang i året for å dele erfaringer i arbeidet med å styrke brukerstemmen i tjenestene og det offentlige rom.',
     NULL, '4601', NULL, 'brukerstemmenettverk-bergen', NULL,
     '{brukerinvolvering,nettverk,erfaringskunnskap}'::text[]),
    ('oversikt-over-sentre-og-organisasjoner', 'Oversikt over sentrene og organisasjonene i regionen', 'measure',
     'Kommunene skal ha en oversikt over sentrene og organisasjonene i sin region for å kunne sette i gang anbefalt samarbeid.',
     'Se vår oversikt over brukerstyrte sentre og brukerorganisasjoner', NULL, NULL, NULL, 'oversikt-brukerstyrte-sentre-og-brukerorganisasjoner',
     '{brukerinvolvering,brukerstyring,nettverk}'::text[]),
    ('samarbeid-med-brukerorganisasjoner', 'Samarbeid med brukerorganisasjonene i regionen', 'measure',
     'Sentrene bør ha god kontakt og samarbeide med de ulike brukerorganisasjonene i regionen slik at man har grunnlaget for å komme med anbefalinger i aktuelle situasjoner.',
     NULL, NULL, NULL, NULL, NULL, '{brukerinvolvering,nettverk}'::text[]),
    ('nettverksmoter', 'Nettverksmøter', 'measure',
     'Nettverksmøter kan benyttes for å involvere brukere og mobilisere deres sosiale nettverk, samt utløse ressurser til støtte og problemløsning. Nettverksmøter som metode kan styrke brukere og deres brukererfaringer.',
     NULL, NULL, NULL, NULL, NULL, '{nettverk,brukerinvolvering,tilhorighet}'::text[]),
    ('nasjonale-laeringsnettverk', 'Nasjonale læringsnettverk', 'example',
     'Helse- og omsorgsdepartementet, Helsedirektoratet og KS samarbeider om gjennomføring av nasjonale læringsnettverk for personer med psykisk helse- og/eller rusproblemer.',
     'Se prosjektrapporten “Regionalt læringsnettverk om utvikling av tjenester for psykisk helse og rus”', NULL, NULL, 'nasjonale-laeringsnettverk', NULL,
     '{nettverk,tjenesteutvikling,psykisk-helse,rus}'::text[]),
    ('illness-management-and-recovery-nordfjord', 'Illness Management and Recovery (IMR) i Nordfjord', 'example',
     'Illness Management and Recovery (IMR). Sørg for at dette spres slik at flere fagfolk og brukere kan velge denne behandlingen. Nordfjord psykiatrisenter vil ha IMR ut i kommunene.',
     'Les mer om hvorfor Nordfjord psykiatrisenter vil ha IMR ut i kommunene her', '4649', 'nordfjord-psykiatrisenter', NULL, 'illness-management-and-recovery',
     '{recovery,livsmestring,psykisk-helse}'::text[]),
    ('selvhjelp', 'Selvhjelp', 'measure',
     'Selvhjelp på aktuelle arenaer eller tilstelninger.',
     'Se selvhjelps egen nettside her', NULL, NULL, NULL, 'selvhjelp-nettside',
     '{selvhjelp,livsmestring}'::text[])
) AS v(slug, name, kind, description, link_text, municipality_number, organisation_slug,
       network_slug, resource_slug, tags);

-- ---------------------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------------------
INSERT INTO event (slug, name, subtitle, kind, starts, ends, place, municipality_number,
                   network_id, description, url, tags, owner_centre_id)
SELECT v.slug, v.name, v.subtitle, v.kind, v.starts, v.ends, v.place, v.municipality_number,
       (SELECT id FROM network WHERE slug = v.network_slug), v.description, NULL, v.tags,
       (SELECT id FROM centre WHERE slug = v.owner_slug)
FROM (VALUES
    ('ingenting-om-oss-uten-oss', 'Nasjonal konferanse for Recovery: Ingenting om oss uten oss',
     'Menneskerettigheter, medborgerskap og demokratisk deltakelse innen psykisk helse og rus',
     'conference', '2022-23', NULL, NULL, NULL, 'knutepunkt-for-recovery',
     'Den nasjonale konferansen for Recovery arrangeres av De Regionale Brukerstyrte Sentrene (RBS-ene), NAPHA og Erfaringssentrum. Med på laget er også en rekke samarbeidspartnere. Med konferansen ønsker vi å skape en bred allianse som jobber mot et felles mål om tydelig recoveryorientert forståelse og praksis, med bred bruker- og pårørendeinvolvering, innen psykisk helse og rus. Konferansen er et ledd i arbeidet med å skape en nasjonal møteplass for recovery-tenkning. Etter to år med pandemi og usikkerhet kunne den endelig gjennomføres høsten 2022.',
     '{recovery,konferanse,menneskerettigheter,medborgerskap,demokratisk-deltakelse,parorende}'::text[], NULL),
    ('workshop-gardermoen-2018', 'Workshop på Gardermoen 2018', NULL,
     'workshop', '2018-23', NULL, 'Gardermoen', '3209', 'knutepunkt-for-recovery',
     'Høsten 2018 inviterte de regionale brukerstyrte sentrene til en workshop på Gardermoen for å legge fram sine planer for etablering av regionale «Knutepunkt for Recovery».',
     '{recovery,nettverk}'::text[], NULL),
    ('workshop-gardermoen-2019', 'Workshop på Gardermoen 2019', NULL,
     'workshop', '2019-11-07', NULL, 'Gardermoen', '3209', 'knutepunkt-for-recovery',
     'Samling 7. november 2019 på Gardermoen der de regionale brukerstyrte sentrene legger fram forslag og anbefalinger fra prosjektet Knutepunkt for Recovery og inviterer til diskusjon og refleksjon med samarbeidspartnere og andre recoveryorienterte miljøer om hvordan vi i fellesskap skal utvikle dette feltet videre, til beste for befolkningen.',
     '{recovery,nettverk}'::text[], NULL),
    ('styringsmote-kronen-gaard-2019', 'Styringsmøte på Kronen Gaard Hotel', NULL,
     'meeting', '2019-04-23', '2019-04-24', 'Kronen Gaard Hotel, Sandnes', '1108', 'knutepunkt-for-recovery',
     'De regionale brukerstyrte sentrene var samlet på ærverdige Kronen Gaard i Sandnes 23. april og 24. april 2019, for å drøfte hvordan de viderefører Knutepunkt-samarbeidet. I løpet av samlingen ble det også tid til et besøk på nyopprettede Jæren Recovery College og på Vestavind regionale brukerstyrte senter, som ble etablert i 2018. Styringsgruppa var enig om at prosjektet har vært inspirerende og nyttig for alle sentrene og at det må fortsette. Prioriterte områder for 2019 er kompetanseutvikling både felles og på hvert senter og utvikling av rollen og oppgaven som regional utviklingsaktør for recovery.',
     '{recovery,nettverk}'::text[], NULL),
    ('arendalsuka-2023-knappe-helseressurser', 'Hvordan løse fremtidens utfordringer med knappe helseressurser', 'Debatt på Arendalsuka 2023',
     'debate', '2023-08', NULL, 'Arendalsuka, Arendal', '4203', 'knutepunkt-for-recovery',
     'Under Arendalsuka 2023 arrangerte de Regionale Brukerstyrte Sentrene debatten “Hvordan løse fremtidens utfordringer med knappe helseressurser”.',
     '{psykisk-helse,rus,tjenesteutvikling}'::text[], NULL),
    ('verdensdagen-psykisk-helse-2023-nidaros-dps', 'Verdensdagen for psykisk helse på Nidaros DPS', 'Stand',
     'stand', '2023-10-10', NULL, 'Nidaros DPS', '5001', NULL,
     'Hege fra VÅRRES står på stand på arrangementet Verdensdagen for psykisk helse på Nidaros DPS. Sykehusprestene serverer nystekte vafler til alle som er innom.',
     '{psykisk-helse}'::text[], 'varres'),
    ('nettverkssamling-innlandet-2023', 'Nettverkssamling for brukerstyrte senter i Innlandet 2023', 'Brukerstyring i praksis',
     'gathering', '2023', NULL, NULL, NULL, 'nettverkssamling-brukerstyrte-senter-innlandet',
     'Den årlige nettverkssamlingen for brukerstyrte senter i Innlandet, arrangert av Sagatun i samarbeid med Statsforvalteren i Innlandet, med totalt 20 deltakere. Samlingen handlet om brukerstyring i teori og praksis, og den nye opptrappingsplanen for psykisk helse med spesielt fokus på kunnskapsbaserte lavterskeltilbud. Referat: rapporten «Brukerstyring i praksis».',
     '{brukerstyring,nettverk,lavterskel,opptrappingsplan}'::text[], 'sagatun-recovery'),
    ('verdensdagen-psykisk-helse-2022-grue', 'Verdensdagen for psykisk helse i Grue', NULL,
     'gathering', '2022', NULL, 'Grue', '3417', NULL,
     'Midtpunktet Brukerstyrt Senter Grue arrangerte Verdensdagen for psykisk helse i 2022 («i fjor», ifølge referatet fra nettverkssamlingen i Innlandet 2023).',
     '{psykisk-helse,sosial-moteplass}'::text[], 'midtpunktet-brukerstyrt-senter-grue')
) AS v(slug, name, subtitle, kind, starts, ends, place, municipality_number, network_slug,
       description, tags, owner_slug);

INSERT INTO event_organiser_centre (event_id, centre_id)
SELECT e.id, c.id FROM event e JOIN centre c ON (e.slug, c.slug) IN (
    ('ingenting-om-oss-uten-oss', 'sagatun-recovery'), ('ingenting-om-oss-uten-oss', 'varres'),
    ('ingenting-om-oss-uten-oss', 'rom-agder'), ('ingenting-om-oss-uten-oss', 'bikuben'),
    ('ingenting-om-oss-uten-oss', 'kbt'),
    ('arendalsuka-2023-knappe-helseressurser', 'sagatun-recovery'),
    ('arendalsuka-2023-knappe-helseressurser', 'varres'),
    ('arendalsuka-2023-knappe-helseressurser', 'rom-agder'),
    ('arendalsuka-2023-knappe-helseressurser', 'bikuben'),
    ('arendalsuka-2023-knappe-helseressurser', 'kbt'),
    ('verdensdagen-psykisk-helse-2023-nidaros-dps', 'varres'),
    ('nettverkssamling-innlandet-2023', 'sagatun-recovery'),
    ('verdensdagen-psykisk-helse-2022-grue', 'midtpunktet-brukerstyrt-senter-grue'));

INSERT INTO event_organiser_organisation (event_id, organisation_id)
SELECT e.id, o.id FROM event e JOIN organisation o ON (e.slug, o.slug) IN (
    ('ingenting-om-oss-uten-oss', 'napha'), ('ingenting-om-oss-uten-oss', 'erfaringssentrum'),
    ('nettverkssamling-innlandet-2023', 'statsforvalteren-i-innlandet'));

-- ---------------------------------------------------------------------------------------
-- News (the feed on the front page, seed 000; the Kronen Gaard item, seed 001)
-- ---------------------------------------------------------------------------------------
INSERT INTO news (slug, title, date, centre_id, summary, body, url, source, report_id,
                  event_id, tags, owner_centre_id)
SELECT v.slug, v.title, v.date, c.id, v.summary, v.body, NULL, v.source,
       (SELECT id FROM report WHERE slug = v.report_slug),
       (SELECT id FROM event WHERE slug = v.event_slug),
       v.tags, c.id
FROM (VALUES
    ('rbs-pa-arendalsuka-2023', 'De Regionale Brukerstyrte Sentrene på Arendalsuka', '2023-08-29', NULL,
     'Tilbakeblikk: Under Arendalsuka 2023 arrangerte de Regionale Brukerstyrte Sentrene debatten “Hvordan løse fremtidens utfordringer med knappe helseressurser”',
     NULL, 'Knutepunkt for Recovery – Felles saker', NULL, 'arendalsuka-2023-knappe-helseressurser',
     '{psykisk-helse,rus,tjenesteutvikling}'::text[]),
    ('brukerstyring-i-praksis', 'Brukerstyring i praksis', '2023-09-05', 'sagatun-recovery',
     'Samlingen handlet om brukerstyring i teori og praksis, og den nye opptrappingsplanen for psykisk helse med spesielt fokus på kunnskapsbaserte lavterskeltilbud.',
     $t$Samlingen handlet om brukerstyring i teori og praksis, og den nye opptrappingsplanen for psykisk helse med spesielt fokus på kunnskapsbaserte lavterskeltilbud. Arild ønsket velkommen og understrekte viktigheten av brukerstyrte senter, og jobben vi gjør. Kim Åge satt oss godt inn i satsingen på kunnskapsbaserte lavterskeltilbud fra Opptrappingsplanen for psykisk helse. Han understrekte at psykisk helse er et av de viktigste målene fra regjeringen, og at kommunene skal sikre de som har behov for det meningsfull aktivitet, tilhørighet og mestring. De brukerstyrte sentrene må fremme sin egen viktighet og er viktige arenaer for tilhørighet, meningsfull aktivitet og mestring, var et av rådene fra Kim Åge. Han viste til at vår rolle som brukerstyrte senter bare blir viktigere fremover, spesielt sett i lys av helsepersonellkommisjonen, og at vi vil mangle fagfolk fremover. Oppgavene må fordeles på flere. Kim Åge viste til Sagatun som et godt eksempel på brukerstyring.$t$,
     'Knutepunkt for Recovery – Sagatun', 'brukerstyring-i-praksis', 'nettverkssamling-innlandet-2023',
     '{brukerstyring,lavterskel,opptrappingsplan,nettverk}'::text[]),
    ('varres-verdensdagen-psykisk-helse-2023', 'I dag står Hege på stand på arrangementet Verdensdagen for psykisk helse på Nidaros DPS', '2023-10-10', 'varres',
     'I dag står Hege på stand på arrangementet Verdensdagen for psykisk helse på Nidaros DPS. Sykehusprestene serverer nystekte vafler til alle som er innom🙂',
     NULL, 'Facebook (Feed generated with FetchRSS)', NULL, 'verdensdagen-psykisk-helse-2023-nidaros-dps',
     '{psykisk-helse}'::text[]),
    ('rom-agder-suppe-for-sjelen', 'Venter på deg… Suppe for Sjelen ….', '2023-11-29', 'rom-agder',
     'Venter på deg… Suppe for Sjelen …. Se flere av Rom-Agders Facebook-oppdateringer.',
     NULL, 'Facebook: Photos from ROM-Agder’s post (Feed generated with FetchRSS)', NULL, NULL,
     '{sosial-moteplass}'::text[]),
    ('bikuben-2023-11-29', 'A post from Bikuben Regionalt Brukerstyrt senter', '2023-11-29', 'bikuben',
     'Se flere av Bikubens Facebook-oppdateringer.',
     NULL, 'Facebook (Feed generated with FetchRSS)', NULL, NULL,
     '{}'::text[]),
    ('styringsmote-kronen-gaard-2019', 'Videreføring av recoverysamarbeidet: Styringsmøte på Kronen Gaard Hotel', '2019', NULL,
     'De regionale brukerstyrte sentrene var samlet på ærverdige Kronen Gaard i Sandnes 23. april og 24. april 2019, for å drøfte hvordan vi viderefører Knutepunkt-samarbeidet, og besøkte nyopprettede Jæren Recovery College og Vestavind regionale brukerstyrte senter.',
     $t$De regionale brukerstyrte sentrene var samlet på ærverdige Kronen Gaard i Sandnes 23. april og 24. april 2019, for å drøfte hvordan vi viderefører Knutepunkt-samarbeidet. I løpet av samlingen ble det også tid til et besøk på nyopprettede Jæren Recovery College og på Vestavind regionale brukerstyrte senter, som ble etablert i 2018 og som er en del av Knutepunkt-samarbeidet.

Det er stor enighet i styringsgruppa for «Knutepunkt for Recovery» om at prosjektet har vært inspirerende og nyttig for alle sentrene og at det må fortsette. Vi har laget en ambisiøs plan for videreføring av arbeidet og denne må justeres noe i tråd med økonomisk rammer og ressurser til rådighet på sentrene. Prioriterte områder for 2019 vil være kompetanseutvikling både felles og på hvert senter og utvikling av rollen og oppgaven som regional utviklingsaktør for recovery.$t$,
     'Knutepunkt for Recovery – Om Knutepunkt for Recovery', NULL, 'styringsmote-kronen-gaard-2019',
     '{recovery,nettverk}'::text[])
) AS v(slug, title, date, centre_slug, summary, body, source, report_slug, event_slug, tags)
LEFT JOIN centre c ON c.slug = v.centre_slug;
