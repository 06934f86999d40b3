-- Schema and seed for mesher-standin (the stand-in of a built Mesher, used with the meshc
-- TEST DOUBLE): a subset of Mesher's tables, written for this project. fake-meshc applies it
-- as the `migrate.sql` of its rules; the seed gives project `default` and the April profile's
-- development key, as the April Mesher's own seed migration does.
CREATE TABLE organizations (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE users (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, display_name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE projects (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), org_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE, name TEXT NOT NULL, platform TEXT, slug TEXT UNIQUE, retention_days INT NOT NULL DEFAULT 90, sample_rate REAL NOT NULL DEFAULT 1.0, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE api_keys (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE, key_value TEXT NOT NULL UNIQUE, label TEXT NOT NULL DEFAULT 'default', created_at TIMESTAMPTZ NOT NULL DEFAULT now(), revoked_at TIMESTAMPTZ);
CREATE TABLE issues (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), project_id UUID NOT NULL, fingerprint TEXT NOT NULL, title TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'unresolved', event_count INT NOT NULL DEFAULT 0, first_seen TIMESTAMPTZ NOT NULL DEFAULT now(), last_seen TIMESTAMPTZ NOT NULL DEFAULT now(), assigned_to UUID REFERENCES users(id), UNIQUE (project_id, fingerprint));
CREATE TABLE events (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), project_id UUID NOT NULL, issue_id UUID NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL, fingerprint TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL DEFAULT now());
INSERT INTO organizations (name, slug) VALUES ('Default Organization', 'default');
INSERT INTO projects (org_id, name, platform, slug) SELECT id, 'Default Project', 'mesh', 'default' FROM organizations WHERE slug = 'default';
INSERT INTO api_keys (project_id, key_value, label) SELECT id, 'mshr_devdefaultapikey000000000000000000000000000', 'dev-default' FROM projects WHERE slug = 'default';
