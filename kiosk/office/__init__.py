"""Back-office logic without a screen: end-of-day report, export, reconciliation queue."""
