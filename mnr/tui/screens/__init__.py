"""The TUI's screens, one module each: home, screening, conflicts, dedupe_review,
appraisal and extraction (on study_form's layout), traditions, prisma, and prompts (the
small modal dialogs the others ask with)."""
