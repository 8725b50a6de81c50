-- The registry, users, sessions and the audit log (both engines; {{ID}} and {{BOOL}} are filled in per engine).
-- Dates are ISO text (YYYY-MM-DD); instants are RFC 3339 UTC text with microseconds, so text
-- order is time order. Money is integer cents; unit prices are integer ten-thousandths of a euro.

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT NOT NULL,
    pilot_children {{BOOL}} NOT NULL,
    pilot_adults {{BOOL}} NOT NULL
);

CREATE TABLE service_types (
    code TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    unit TEXT NOT NULL,
    recipient TEXT NOT NULL,
    area_code TEXT,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE providers (
    id {{ID}},
    register_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    iban TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE provider_municipalities (
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    PRIMARY KEY (provider_id, municipality_code)
);

CREATE TABLE provider_services (
    id {{ID}},
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    service_code TEXT NOT NULL REFERENCES service_types(code),
    price_e4 BIGINT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX provider_services_by_provider ON provider_services(provider_id, service_code);

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    municipality_code TEXT REFERENCES municipalities(code),
    provider_id BIGINT REFERENCES providers(id),
    lang TEXT NOT NULL DEFAULT 'lv',
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE sign_in_failures (
    id {{ID}},
    username TEXT NOT NULL,
    remote TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_user ON sign_in_failures(username, at);

CREATE TABLE persons (
    id {{ID}},
    personal_code TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    target_group TEXT NOT NULL,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    living TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX persons_by_municipality ON persons(municipality_code, family_name);

-- Users linked to a person: the person themself, a representative, an assessor, a broker.
CREATE TABLE person_links (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id, kind)
);
CREATE INDEX person_links_by_user ON person_links(user_id);

CREATE TABLE provider_clients (
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    PRIMARY KEY (provider_id, person_id)
);

CREATE TABLE relatives (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    legal_representative {{BOOL}} NOT NULL,
    personal_code TEXT,
    phone TEXT,
    email TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX relatives_by_person ON relatives(person_id);

CREATE TABLE disability_determinations (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    severe_functional_impairment {{BOOL}} NOT NULL,
    special_care_need {{BOOL}} NOT NULL,
    decision_no TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX determinations_by_person ON disability_determinations(person_id);

CREATE TABLE consents (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    purpose TEXT NOT NULL,
    given_by TEXT NOT NULL,
    given_on TEXT NOT NULL,
    withdrawn_on TEXT,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX consents_by_person ON consents(person_id);

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical entry).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    person_id BIGINT,
    remote TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_by_person ON audit_log(person_id, seq);

