-- Every form definition that has produced intakes, so an export that spans several form
-- versions can line their questions up (the union of the versions' questions) and the FHIR
-- bundle can carry the Questionnaire each response answered. Written when a bot, Try the bot
-- or an export starts with a form (INSERT OR IGNORE: a version's definition never changes).
CREATE TABLE forms (
    form_id    TEXT NOT NULL,
    version    TEXT NOT NULL,
    definition TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (form_id, version)
) WITHOUT ROWID;

-- Which versions the intakes came from, read from the index alone (an export checks that
-- every version it meets has a definition above).
CREATE INDEX intakes_form ON intakes (form_id, form_version);
