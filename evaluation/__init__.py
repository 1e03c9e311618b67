"""Surveys, metrics over attendance, completion, uptake and engagement, and the dashboard."""
