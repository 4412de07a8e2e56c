"""Benchmarks of CloudLink Onboarding: run ``python -m bench`` from the project root.

Each benchmark prints its figures next to a baseline measured in the same run, so a
reader sees what the app adds on top of the cheapest comparable work. Nothing here
passes or fails on time, and nothing touches the app's database: the database
benchmarks make their own SQLite files in a temporary directory.
"""
