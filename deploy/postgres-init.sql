-- Runs once, when the PostgreSQL volume is first created: the service directory gets its own database next
-- to the conversations (POSTGRES_DB). Rasa creates its `events` table itself.
CREATE DATABASE directory OWNER camhs;
