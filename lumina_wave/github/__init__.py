"""Every GitHub API call of lumina-wave lives in this package, one module per area."""
