"""The rules of publishing a penalty decision, as data and pure counting: when it is due (and its
withdrawal after a revocation), how long it stays published given its penalties and severity.
Disclosures (above) apply them; this package stores only the periods table and imports no feature
above the discretion benchmark."""
