"""Open Referral UK (ORUK v1, the UK application profile of HSDS 1.1) import and export.

`export` turns ServiceRecords into ORUK service objects and pages (also what the API serves); `importer`
turns an ORUK feed back into validated ServiceRecords through the same validator as the YAML, so a bad feed
is rejected with the record and field named and nothing is half-loaded; `mapping` reads data/oruk.yml
(taxonomy terms and area names to our codes). Field-by-field notes: docs/directory-api.md.
"""
