"""Rendering for people and programs: JSON records, HTML, briefings, outline views."""
