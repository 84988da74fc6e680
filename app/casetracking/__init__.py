"""Case tracking and case sampling (2023 framework): the person-level list, random selection, each case."""
