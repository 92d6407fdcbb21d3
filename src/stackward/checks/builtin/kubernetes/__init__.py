"""Posture checks over Kubernetes assets: exposure, segmentation, identity, pod hardening."""
