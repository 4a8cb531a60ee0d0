"""Critical appraisal: checklists as data (CASP built in, a review's own from files)."""
