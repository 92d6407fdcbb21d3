"""The model-artifact scanner.

Every format is read as data: pickles are simulated opcode by opcode, archives are listed
from their directories, protobufs and JSON headers are parsed with hard bounds. Nothing in
a scanned artifact is ever imported, unpickled or executed.
"""

from stackward.artifacts.issues import ArtifactIssue, ArtifactReport, IssueKind, MemberInfo
from stackward.artifacts.limits import ScanLimits
from stackward.artifacts.scanner import scan_artifact, scan_path, sha256_of

__all__ = [
    "ArtifactIssue",
    "ArtifactReport",
    "IssueKind",
    "MemberInfo",
    "ScanLimits",
    "scan_artifact",
    "scan_path",
    "sha256_of",
]
