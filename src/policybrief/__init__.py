"""policybrief: turn one long analytical essay into tailored policy briefs, one per audience."""

__version__ = "0.1.0"
