"""Subject access requests (UK GDPR article 15): finding a person across the records, the
request and its one-month clock, and the bundle of what is held about them, with other
people's information withheld until a records officer releases it."""
