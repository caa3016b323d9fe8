"""monitor: session monitoring for ketamine infusion clinics."""

__version__ = "0.1.0"
