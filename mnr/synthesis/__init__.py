"""Synthesis: the included studies, their appraisal and extraction, research traditions,
findings and memos, and the synthesis file that carries them all in one JSON."""
