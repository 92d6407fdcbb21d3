"""Detection: log sources → parsers → normalised events → rules and detectors → alerts → sinks.

Detection runs beside the scan, as a stream (``stackward detect --follow``) or over saved
logs (batch replay). Every stage is a small unit behind the protocols in
:mod:`stackward.detect.interfaces`; the value types are :class:`~stackward.detect.event.Event`
and :class:`~stackward.detect.alert.Alert`.
"""
