"""The register of approved foster carers (Fostering Services Regulations 2011, reg 30)."""
