"""What every domain's routes share: templates, dependencies, CSRF, security headers."""
