"""Open Referral UK: 3.0 (HSDS 3.0 with the UK profile) by default, and v1 (HSDS-UK 1.0) for older consumers.

3.0: `schemas` validates against the official files (vendored, read offline); `taxonomy` publishes our
vocabularies with stable ids; `v3` turns ServiceRecords into 3.0 services and pages; `publish` stores each
service's document (as given, for imports) with what the filters need; `read` serves the API's pages;
`import3` takes any feed (3.0 kept losslessly, 1.0 through `importer`, anything else refused).
v1: `export` and `importer` (ServiceRecords <-> ORUK v1 JSON), `mapping` reads data/oruk.yml (other
publishers' terms and area names). Field-by-field notes: docs/directory-api.md.
"""
