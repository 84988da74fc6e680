"""What inspectors do on site: the settings register, the day plan of activities, sampled case files."""
