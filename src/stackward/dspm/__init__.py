"""Data security posture: find the sensitive data in files, tables and object stores.

Readers (:mod:`stackward.dspm.readers`) turn a data source into units of free text and
samples of structured fields; the engine (:mod:`stackward.dspm.engine`) finds candidates of
every detector in one pass over a text; validators confirm them; context scoring adjusts the
confidence; structured fields are classified per column or field path
(:mod:`stackward.dspm.fields`). Values never leave memory: results carry locations, counts,
confidences and keyed hashes only.
"""
